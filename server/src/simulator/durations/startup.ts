/**
 * The runtime's own start-up, which Lambda counts in Init Duration before your module loads:
 * starting the sandbox's runtime process and its runtime interface client. The simulator's
 * processes are pre-forked (their start is host work, off the clock), so a simulated INIT adds
 * this figure to the measured module load instead.
 *
 * Defaults are the published medians of a hello-world function's Init Duration (zip, x86_64,
 * 128 MB) from maxday/lambda-perf, which deploys and cold-starts every runtime daily
 * (https://maxday.github.io/lambda-perf/, June–August 2026): nodejs20.x 146 ms, nodejs22.x
 * 145 ms, python3.12 87 ms, python3.13 94 ms. A hello world's own module load is a few ms of that,
 * so the default over-counts it by that much. Runtimes without a published figure take their
 * family's nearest one. The scenario's `platform.runtimeStartupMs` replaces it.
 */

const PUBLISHED_MEDIAN_MS: Readonly<Record<string, number>> = {
  'nodejs20.x': 146,
  'nodejs22.x': 145,
  'python3.12': 87,
  'python3.13': 94,
};

/** The newest Node and Python figures, for runtimes of the family without their own. */
const FAMILY_MS: Readonly<Record<string, number>> = { nodejs: 145, python: 94 };

/** The default runtime start-up for a runtime id, ms, and where it comes from. */
export function runtimeStartup(runtime: string): { ms: number; source: string } {
  const own = PUBLISHED_MEDIAN_MS[runtime];
  if (own !== undefined)
    return { ms: own, source: `median Init Duration of a ${runtime} hello world (maxday/lambda-perf)` };
  const family = /^(nodejs|python)/.exec(runtime)?.[1];
  const near = family !== undefined ? FAMILY_MS[family] : undefined;
  if (near !== undefined)
    return {
      ms: near,
      source: `no published figure for ${runtime}: the newest ${family} runtime's median (maxday/lambda-perf)`,
    };
  return { ms: 0, source: `no published figure for ${runtime}` };
}
