/**
 * How much a stretch of normal operation says: readings that stay alike for many rows count for fewer independent
 * readings, which is what the monitors' limits are widened for (unitMonitor.ts, bandMonitor.ts).
 */

/**
 * How many rows apart readings of normal operation are about independent: the integrated autocorrelation time,
 * 1 + 2 x the sum of the autocorrelations up to the first lag M >= 5 x the sum so far (Sokal's window), of the
 * first `MAX_TAU_ROWS` readings. 1 for white noise; a reading that drifts slowly gives hundreds.
 */
export function integratedTime(xs: readonly number[]): number {
  const x = xs.slice(0, MAX_TAU_ROWS);
  const n = x.length;
  const m = x.reduce((a, v) => a + v, 0) / n;
  const c0 = x.reduce((a, v) => a + (v - m) ** 2, 0) / n;
  if (!(c0 > 0) || n < 4) return 1;
  let tau = 1;
  for (let k = 1; k < n / 2; k++) {
    let c = 0;
    for (let i = 0; i + k < n; i++) c += (x[i] - m) * (x[i + k] - m);
    tau += (2 * c) / n / c0;
    if (k >= 5 * tau) break;
  }
  return Math.max(1, tau);
}
const MAX_TAU_ROWS = 20_000;

/** A duration for a note: minutes, hours or days. */
export const span = (ms: number) =>
  ms >= 86_400_000 * 2
    ? `${(ms / 86_400_000).toFixed(1)} days`
    : ms >= 7_200_000
      ? `${(ms / 3_600_000).toFixed(1)} h`
      : `${Math.ceil(ms / 60_000)} min`;
