/** Median and 95th percentile of a list of samples (milliseconds). */
export function stats(samples: readonly number[]): { median: number; p95: number; min: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
  return { median: at(0.5), p95: at(0.95), min: s[0] ?? NaN, max: s[s.length - 1] ?? NaN };
}
