/**
 * The TypeScript compiler, loaded at the first CDK stack read (about 3.6 MB of JavaScript):
 * templates-only workspaces and `lambda-lens check template.yaml` never pay for it.
 */
import type * as TS from 'typescript';

export type { TS };

let loaded: typeof TS | undefined;

/** The compiler API, required on first use. */
export function typescript(): typeof TS {
  // In the bundles, esbuild turns this require into one of dist/typescript.js (scripts/build.mjs).
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily on purpose
  loaded ??= require('typescript') as typeof TS;
  return loaded;
}
