/**
 * Stopping early for quality. A generator that writes garbage (a 135M-parameter local model, a wrong
 * endpoint) would otherwise be run for every planned text - hours on a CPU - only for the quality floor
 * to throw its work away at the end. Once `after` texts are checked, generation stops when the accepted
 * share is under the floor beyond reasonable doubt: the upper end of its Wilson score interval at 99 %
 * lies below the floor (99 %, not 95 %: the rule is looked at after every text). What is left unwritten
 * is counted as skipped, stopped for `quality`, and the floor's action (backup, offline, fail) follows.
 */

/** z of the two-sided 99 % interval */
export const STOP_Z = 2.576;

/** The upper end of the Wilson score interval of `ok` successes in `n` trials. */
export function wilsonUpper(ok: number, n: number, z = STOP_Z): number {
  if (n <= 0) return 1;
  const p = ok / n;
  const z2 = z * z;
  return Math.min(1, (p + z2 / (2 * n) + z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n));
}

/** The texts checked so far (accepted or rejected) and how many of them were accepted. */
export interface QualityTally { accepted: number; checked: number }

/** Whether generation should stop: at least `after` texts checked (0: never) and the share surely under `floor`. */
export function surelyBelowFloor(t: QualityTally, floor: number, after: number): boolean {
  return after > 0 && floor > 0 && t.checked >= after && wilsonUpper(t.accepted, t.checked) < floor;
}
