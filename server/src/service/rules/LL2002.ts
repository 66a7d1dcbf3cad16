import { API_TIMEOUT } from '../limits';
import { triggerLabel } from '../model/invocation';
import { isKnown } from '../model/types';
import { num } from './format';
import type { TemplateRule } from './types';

/** Integration timeouts of the API Gateway event types, in seconds. */
const API_LIMITS: Readonly<Record<string, { readonly seconds: number; readonly note: string }>> = {
  Api: { seconds: API_TIMEOUT.restSeconds, note: ' (Regional and private REST APIs can ask AWS for more since June 2024)' },
  HttpApi: { seconds: API_TIMEOUT.httpSeconds, note: '' },
};

/**
 * A function timeout above the integration timeout of an API that invokes it: the client
 * gets a 504 while the function keeps running (and billing).
 */
export const LL2002: TemplateRule = {
  id: 'LL2002',
  title: 'Function timeout above the API Gateway integration timeout',
  severity: 'warning',
  scope: 'template',
  check({ template }) {
    return template.functions.flatMap((fn) => {
      const t = fn.timeout;
      if (!isKnown(t)) return [];
      const over = fn.triggers.filter((tr) => {
        const limit = API_LIMITS[tr.type];
        return limit !== undefined && t.value > limit.seconds;
      });
      const first = over[0];
      const limit = first !== undefined ? API_LIMITS[first.type] : undefined;
      if (first === undefined || limit === undefined) return [];
      const names = over.map(triggerLabel).join(', ');
      return [{
        ruleId: 'LL2002',
        message: `Function ${fn.logicalId} has a timeout of ${num(t.value)} s, but ${names} gives up after ${limit.seconds} s${limit.note}: the caller gets a 504 while the function keeps running. Keep the timeout at ${limit.seconds} s or less, or hand long work to an asynchronous invocation.`,
        uri: t.uri,
        span: t.span,
      }];
    });
  },
};
