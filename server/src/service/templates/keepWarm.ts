import { type TNode } from './tree';

/**
 * Words a keep-warm ping's constant input carries: `{"source": "warmer"}`, `{"warmer": true}`
 * (the lambda-warmer package), `{"source": "serverless-plugin-warmup"}`, `keep-warm`. A schedule
 * that sends one only pings the function so that an environment stays initialised; the handler
 * returns at once, and a ping lost or sent twice costs a cold start at most.
 */
const WARMER = /warm(er|up|ing)?\b|keep[-_ ]?(alive|warm)/i;

/** True when a schedule target's input (SAM/CloudFormation `Input`, serverless.yml `input`) is a keep-warm ping. */
export function isKeepWarmInput(input: TNode | undefined): boolean {
  if (input === undefined) return false;
  let seen = 0;
  const walk = (n: TNode): boolean => {
    if (++seen > 200) return false;
    switch (n.kind) {
      case 'scalar':
        return typeof n.value === 'string' && WARMER.test(n.value);
      case 'map':
        return n.entries.some((e) => WARMER.test(e.key) || walk(e.value));
      case 'seq':
        return n.items.some(walk);
      default:
        return false;
    }
  };
  return walk(input);
}
