import { clientCreationsOf } from '../handlers/extract';
import type { Finding, Rule } from './types';

/**
 * An SDK client, database connection or other reusable resource created inside the
 * handler: it is rebuilt (new TLS connections, credential lookups) on every request
 * instead of once per execution environment.
 */
export const LL3001: Rule = {
  id: 'LL3001',
  title: 'Client created inside the handler',
  severity: 'warning',
  handler({ file }) {
    const findings: Finding[] = [];
    for (const c of clientCreationsOf(file)) {
      // A CloudFormation custom resource runs a few times per deployment; a client kept in a
      // shared or guarded place is made once; one built from request data is per request on purpose;
      // an asyncio client made in a coroutine belongs to that request's event loop.
      if (c.customResource || c.kept || c.fromRequest || c.loopBound) continue;
      const where = c.via ? ` (in ${c.via.fn}, which ${c.via.handler} calls)` : '';
      findings.push({
        ruleId: 'LL3001',
        message: `${capitalise(c.what)} is created on every request${where}. Create it once at module scope, outside the handler: Lambda reuses it across warm invocations of the same environment.`,
        uri: file.uri,
        span: c.span,
        ...(c.moveToModuleScope ? { fixes: [c.moveToModuleScope] } : {}),
      });
    }
    return findings;
  },
};

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
