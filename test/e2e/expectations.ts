// What the end-to-end tests expect of the example workspace, shared by the tests that act
// as a user (Playwright) and those that run inside the extension host (vscode API), so
// that both check the same facts about the same file.

/** The extension's id, `publisher.name` from package.json. */
export const EXTENSION_ID = 'lambda-lens.lambda-lens';

/** A template in `examples/` with deliberate findings, relative to the workspace root. */
export const TEMPLATE = 'sam-app/template.yaml';

/** The rule the template breaks on purpose: MemorySize out of Lambda's range. */
export const MEMORY_RULE = 'LL1001';

/** The text of a line the template reports `MEMORY_RULE` on (ChargeOrderFunction's memory). */
export const FINDING_LINE = 'MemorySize: 100';

/** A property to hover, and what its hover must explain (memory limits 128–10,240 MB). */
export const HOVER_WORD = 'MemorySize';
export const HOVER_TEXT = /10,?240/;

/**
 * A retry rule the template breaks (issue 5): OrdersQueue's visibility timeout (30 s) is
 * below the timeout of ChargeOrderFunction (60 s), which reads it. Reported on the value.
 */
export const RETRY_TEMPLATE_RULE = 'LL2001';
export const RETRY_TEMPLATE_LINE = 'VisibilityTimeout: 30';

/**
 * A retry rule the handler code breaks: the SQS charge worker sends a receipt email that is
 * sent again whenever SQS redelivers the batch. The message names the trigger.
 */
export const HANDLER = 'sam-app/src/orders/charge.js';
export const RETRY_CODE_RULE = 'LL2101';
export const RETRY_CODE_LINE = 'new SendEmailCommand';
export const RETRY_CODE_TRIGGER = 'SQS (OrdersQueue)';

/**
 * Handler code (issue 4) in the SAM example: the charge worker is a callback-style handler
 * (LL3005 on its `callback` parameter), its export's code lens summarises
 * ChargeOrderFunction's configuration and its hover names the function; the API handler
 * creates a DynamoDB client per request (LL3001) with a quick fix that moves it out.
 */
export const HANDLER_CODE_RULE = 'LL3005';
export const HANDLER_CODE_LINE = 'exports.handler = function (event, context, callback)';
export const HANDLER_LENS = /^ChargeOrderFunction · 100 MB · 60 s · SQS batch 50/;
export const HANDLER_EXPORT_LINE = 'exports.handler =';
export const HANDLER_HOVER = /ChargeOrderFunction/;
export const CLIENT_HANDLER = 'sam-app/src/orders/api.mjs';
export const CLIENT_RULE = 'LL3001';
export const CLIENT_LINE = 'const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));';

export const COMMANDS = {
  showOutput: { id: 'lambdaLens.showOutput', title: 'Lambda Lens: Show Output' },
  restartServer: { id: 'lambdaLens.restartServer', title: 'Lambda Lens: Restart Language Server' },
} as const;

/** The name of the extension's output channel. */
export const OUTPUT_CHANNEL = 'Lambda Lens';

/**
 * The extension-host tests print one line per test and a closing line to the console,
 * each starting with this marker and followed by JSON; the harness reads them from the
 * browser console, because code-server reports success whatever the tests did.
 */
export const HOST_MARKER = 'LAMBDA_LENS_E2E_HOST';

/** How long one extension-host test waits for the language server to answer. */
export const HOST_WAIT_MS = 20_000;

/** One line the extension-host tests report. */
export type HostReport =
  | { kind: 'result'; name: string; ok: boolean; ms: number; error?: string }
  | { kind: 'done'; passed: number; failed: number };

/**
 * The first-run experience (issue 11), checked by `firstRun.ts`: what package.json and the
 * extension show for the walkthrough and the status bar item.
 */
export const FIRST_RUN = {
  /** The command that opens the walkthrough, as the command palette shows it. */
  getStarted: 'Lambda Lens: Get Started',
  walkthroughTitle: 'Get Started with Lambda Lens',
  /** Walkthrough steps completed by what the person does: see a Lambda Lens diagnostic, then a hover. */
  steps: { diagnostic: 'seeDiagnostic', hover: 'hover' },
  /** The step completed by its own button (the Open Example command: the workspace's template). */
  exampleStep: { id: 'openExample', button: 'Open Example' },
  /** `createStatusBarItem(id)`: VS Code gives the element an id ending in this. */
  statusBarItem: 'lambdaLens.status',
  /** A click on the item with no saved run yet: a notification offering to simulate. */
  noRunYet: /no saved run in this workspace yet/,
  simulateButton: 'Simulate Function…',
} as const;
