import { ASYNC_EVENT_AGE, ASYNC_RETRY_ATTEMPTS } from '../limits';
import type { Setting } from '../model/types';
import { get, scalarString } from '../templates/tree';
import { functionsUsing, rangeFinding } from './format';
import type { Finding, TemplateRule } from './types';

function check(retries: Setting<number> | undefined, age: Setting<number> | undefined, owner: string): Finding[] {
  return [
    ...rangeFinding('LL1004', retries, ASYNC_RETRY_ATTEMPTS, {
      what: 'MaximumRetryAttempts',
      unit: ASYNC_RETRY_ATTEMPTS.unit,
      owner,
      whole: true,
    }),
    ...rangeFinding('LL1004', age, ASYNC_EVENT_AGE, {
      what: 'MaximumEventAgeInSeconds',
      unit: ASYNC_EVENT_AGE.unit,
      owner,
      whole: true,
    }),
  ];
}

/**
 * Asynchronous invocation config out of range: MaximumRetryAttempts 0–2, MaximumEventAgeInSeconds
 * 60–21,600. Read from each function's model (SAM EventInvokeConfig, Globals included) and from
 * every `AWS::Lambda::EventInvokeConfig` resource, since a function can have one per alias or
 * version, or belong to another template. A value seen twice is reported once.
 */
export const LL1004: TemplateRule = {
  id: 'LL1004',
  title: 'Async invocation config out of range',
  severity: 'error',
  template({ template }) {
    const out: Finding[] = [];
    for (const fn of template.functions) {
      const c = fn.asyncConfig;
      if (c === undefined) continue;
      out.push(
        ...check(
          c.maximumRetryAttempts,
          c.maximumEventAgeInSeconds,
          `asynchronous invocation config of ${functionsUsing(template, fn, (f) => f.asyncConfig)}`,
        ),
      );
    }
    const r = template.resolver;
    const resources = get(template.root, 'Resources');
    if (r === undefined || resources?.kind !== 'map') return out;
    for (const e of resources.entries) {
      if (scalarString(get(e.value, 'Type')) !== 'AWS::Lambda::EventInvokeConfig') continue;
      const props = get(e.value, 'Properties');
      out.push(
        ...check(
          r.num(get(props, 'MaximumRetryAttempts')),
          r.num(get(props, 'MaximumEventAgeInSeconds')),
          `EventInvokeConfig ${e.key}`,
        ),
      );
    }
    return out;
  },
};
