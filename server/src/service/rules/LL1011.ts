import { knownValue } from '../model/types';
import {
  LONG_PAST,
  RUNTIMES,
  RUNTIMES_LAST_CHECKED,
  closestRuntime,
  runtimeInfo,
  runtimePhase,
  type RuntimeInfo,
} from '../runtimes';
import { get, scalarString, type TNode } from '../templates/tree';
import { functionsUsing } from './format';
import type { Finding, TemplateRule } from './types';

/** The newest runtime of the same family that is supported on `today` (go1.x moves to provided.al2023). */
function successor(info: RuntimeInfo, today: string): string | undefined {
  const family = info.family === 'go' ? 'provided' : info.family;
  const candidates = RUNTIMES.filter((r) => r.family === family && runtimePhase(r, today) === 'supported');
  return candidates[candidates.length - 1]?.id;
}

/**
 * A build-step placeholder, not a runtime: an upper-case token with underscores such as
 * `PYTHON3_VERSION` or `__RUNTIME__`, which a script replaces before the deploy (Lambda's runtime
 * ids are lower case: https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html).
 */
function isPlaceholder(id: string): boolean {
  return /^(?:[A-Z][A-Z0-9]*(?:_+[A-Z0-9]+)+|__[A-Z][A-Z0-9_]*__)$/.test(id);
}

/**
 * Runtime unknown (a typo fails the deploy; a build-step placeholder is left alone), deprecated (warning) or blocked for function
 * create/update (error), from the dated lifecycle table in runtimes.ts. Image functions
 * have no runtime and are skipped.
 */
export const LL1011: TemplateRule = {
  id: 'LL1011',
  title: 'Runtime unknown, deprecated or blocked',
  severity: 'error',
  template({ template, today }) {
    const out: Finding[] = [];
    for (const fn of template.functions) {
      if (knownValue(fn.packageType) === 'Image') continue;
      const rt = fn.runtime;
      const id = knownValue(rt);
      if (rt === undefined || id === undefined) continue;
      const at = { ruleId: 'LL1011', uri: rt.uri, span: rt.span };
      const info = runtimeInfo(id);
      if (info === undefined) {
        if (isPlaceholder(id)) continue;
        const guess = closestRuntime(id);
        const raw = template.text.slice(rt.span.start, rt.span.end);
        const quote = raw.startsWith('"') || raw.startsWith("'") ? raw[0] : '';
        out.push({
          ...at,
          severity: 'error',
          message:
            `Runtime "${id}" is not a Lambda runtime${guess !== undefined ? `; did you mean ${guess}?` : ` (runtime table last checked ${RUNTIMES_LAST_CHECKED}).`} ` +
            `The deploy fails with an unknown runtime (${functionsUsing(template, fn, (f) => f.runtime)}).`,
          fixes:
            guess !== undefined
              ? [
                  {
                    title: `Change the runtime to ${guess}`,
                    edits: [{ uri: rt.uri, span: rt.span, newText: `${quote}${guess}${quote}` }],
                  },
                ]
              : [],
        });
        continue;
      }
      const phase = runtimePhase(info, today);
      if (phase === 'supported') continue;
      const owner = functionsUsing(template, fn, (f) => f.runtime);
      const next = successor(info, today);
      const move = next !== undefined ? ` Move to ${next}.` : '';
      if (phase === 'update-blocked') {
        const when = info.blockUpdate === LONG_PAST ? 'long ago' : `since ${info.blockUpdate ?? ''}`;
        out.push({
          ...at,
          severity: 'error',
          message: `Runtime ${id} is blocked: Lambda no longer creates or updates functions with it (updates blocked ${when}), so the deploy fails (${owner}).${move}`,
        });
      } else if (phase === 'create-blocked') {
        const update = info.blockUpdate !== undefined ? `, and updates are blocked from ${info.blockUpdate}` : '';
        out.push({
          ...at,
          severity: 'error',
          message: `Runtime ${id} is blocked for new functions since ${info.blockCreate ?? ''}: creating a function with it fails${update} (${owner}).${move}`,
        });
      } else {
        const blocks =
          info.blockCreate !== undefined
            ? ` Creating functions with it is blocked from ${info.blockCreate}${info.blockUpdate !== undefined ? ` and updating them from ${info.blockUpdate}` : ''}.`
            : '';
        out.push({
          ...at,
          severity: 'warning',
          message: `Runtime ${id} is deprecated since ${info.deprecated ?? ''}: it no longer gets security patches (${owner}).${blocks}${move}`,
        });
      }
    }
    if (template.kind === 'serverless') out.push(...miscasedRuntimeKeys(template.root, template.uri));
    return out;
  },
};

/**
 * `Runtime:` (or `RUNTIME:`) under a serverless.yml `provider` or function: the Framework reads
 * `runtime` only (its keys are case-sensitive), so it silently deploys its default runtime.
 */
function miscasedRuntimeKeys(root: TNode | undefined, uri: string): Finding[] {
  const functions = get(root, 'functions');
  const places = [get(root, 'provider'), ...(functions?.kind === 'map' ? functions.entries.map((e) => e.value) : [])];
  const out: Finding[] = [];
  for (const node of places) {
    if (node?.kind !== 'map' || node.entries.some((e) => e.key === 'runtime')) continue;
    for (const e of node.entries) {
      if (e.key === 'runtime' || e.key.toLowerCase() !== 'runtime') continue;
      const value = scalarString(e.value);
      out.push({
        ruleId: 'LL1011',
        severity: 'warning',
        message: `\`${e.key}\` is not a key the Serverless Framework reads (its keys are case-sensitive): it ignores ${value !== undefined ? value : 'this value'} and deploys its default runtime. Write \`runtime\`.`,
        uri,
        span: e.keySpan,
      });
    }
  }
  return out;
}
