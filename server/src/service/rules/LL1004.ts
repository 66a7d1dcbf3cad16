import { ASYNC_EVENT_AGE, ASYNC_RETRY_ATTEMPTS } from '../limits';
import { functionsUsing, rangeFinding } from './format';
import type { TemplateRule } from './types';

/** Asynchronous invocation config out of range: MaximumRetryAttempts 0–2, MaximumEventAgeInSeconds 60–21,600. */
export const LL1004: TemplateRule = {
  id: 'LL1004',
  title: 'Async invocation config out of range',
  severity: 'error',
  scope: 'template',
  check({ template }) {
    return template.functions.flatMap((fn) => {
      const c = fn.asyncConfig;
      if (c === undefined) return [];
      const owner = `asynchronous invocation config of ${functionsUsing(template, fn, (f) => f.asyncConfig)}`;
      return [
        ...rangeFinding('LL1004', c.maximumRetryAttempts, ASYNC_RETRY_ATTEMPTS, { what: 'MaximumRetryAttempts', unit: ASYNC_RETRY_ATTEMPTS.unit, owner, whole: true }),
        ...rangeFinding('LL1004', c.maximumEventAgeInSeconds, ASYNC_EVENT_AGE, { what: 'MaximumEventAgeInSeconds', unit: ASYNC_EVENT_AGE.unit, owner, whole: true }),
      ];
    });
  },
};
