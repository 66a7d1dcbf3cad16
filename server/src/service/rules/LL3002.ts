import { moduleStateOf } from '../handlers/extract';
import type { Finding, Rule } from './types';

const WARM = 'it carries over to the next warm invocation of the same environment (and differs between environments)';

/** How each language's message describes a collection that grows per request. */
const GROWS = {
  js: (name: string, how: string) =>
    `\`${name}\` is module-scope state, ${how} on every request: ${WARM}, and it grows until the environment runs out of memory. Create it inside the handler, or clear it when the request ends.`,
  python: (name: string, how: string) =>
    `The module-scope collection \`${name}\` is ${how} on every request and never cleared: it grows for as long as the environment lives, and ${WARM}.`,
} as const;

/**
 * Module-scope state changed by the handler in a way that leaks between warm invocations:
 * a collection that grows on every request, a counter, a per-request value kept in a
 * module-scope variable. Intended caches stay silent: lazy initialisation under a guard
 * (`if (!client) client = …`, `??=`), keyed caches (`map.set(k, v)`, `cache[k] = v`) and
 * values that do not come from the request (a config loaded once, a cold-start flag).
 * A write under a once-flag (`if (!loaded) { keys = …; loaded = true }`) or after an early
 * return of the cached value (`if (keys) return keys; keys = …`) is a cache filled once too.
 *
 * Implicit globals: a plain assignment, in a function, to a name declared nowhere in the file.
 * A sloppy-mode CommonJS module makes it a property of the global object, which outlives the
 * invocation (and is shared by every module); an ES module or a `'use strict'` file throws
 * ReferenceError there (developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Strict_mode:
 * "assignments which would accidentally create global variables instead throw an error").
 * TypeScript files are left to the compiler ("Cannot find name").
 */
export const LL3002: Rule = {
  id: 'LL3002',
  title: 'Module-scope state changed by the handler',
  severity: 'warning',
  handler({ file, fs }) {
    const findings: Finding[] = [];
    const report = (span: Finding['span'], message: string, severity?: Finding['severity']) =>
      findings.push({ ruleId: 'LL3002', message, uri: file.uri, span, ...(severity ? { severity } : {}) });
    for (const s of moduleStateOf(file, fs)) {
      switch (s.kind) {
        case 'counter':
          report(s.span, `The module-scope counter \`${s.name}\` is changed on every request: ${WARM}.`);
          break;
        case 'fromRequest':
          report(
            s.span,
            s.property === undefined
              ? `\`${s.name}\` is a module-scope variable set from the request: ${WARM}, so a later request can see this one's data. Keep it in a local, or cache it under a key.`
              : `\`${s.property}\` is set from the request on a module-scope object: ${WARM}. Keep per-request data in locals, or cache it under a key.`,
          );
          break;
        case 'grows':
          report(s.span, GROWS[file.language](s.name, s.how));
          break;
        case 'undeclared':
          if (s.mode !== 'sloppy') {
            report(
              s.span,
              `\`${s.name}\` is assigned but declared nowhere: ${s.mode === 'module' ? 'this file is an ES module, which is strict mode,' : "this file is in strict mode ('use strict'),"} so the assignment throws "ReferenceError: ${s.name} is not defined" and fails the invocation. Declare it with \`const\` or \`let\`.`,
              'error',
            );
          } else if (!s.guarded) {
            report(
              s.span,
              `\`${s.name}\` is assigned but declared nowhere: in this CommonJS module (sloppy mode) the assignment creates a global variable, so ${WARM.replace(/^it/, 'its value')}, and every module of the function shares it. Declare it with \`const\` or \`let\` where it is used.${s.constant ? ' Reported as info: the value is a constant (the same on every request), so nothing of one request leaks into the next.' : ''}`,
              s.constant ? 'info' : undefined,
            );
          }
          break;
      }
    }
    return findings;
  },
};
