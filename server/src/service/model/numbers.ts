/**
 * Numbers in messages and hovers, grouped by thousands as en-US writes them (10,240). Whole
 * numbers are grouped here: the first `toLocaleString` call loads the ICU locale data (over
 * 100 ms at start-up), which hover tables built at load time would otherwise pay on every start.
 */
export function formatNumber(x: number): string {
  if (!Number.isSafeInteger(x)) return x.toLocaleString('en-US');
  const digits = String(Math.abs(x)).replace(/\B(?=(\d{3})+$)/g, ',');
  return x < 0 ? `-${digits}` : digits;
}
