/**
 * Frozen readings: a tag that kept moving in its stretch of normal operation and then repeats one reading row after
 * row - a sensor or transmitter that froze, a historian holding its last value, a valve fixed in place. Neither the
 * band nor a mean square sees it when the reading froze near its mean. A tag is watched when it does not hold its
 * readings (at most HELD_SHARE of its steps in the stretch exactly zero); its limit is the run of repeats that chance
 * would give at its share of the rate: the smallest L with p^L under it, p the share of zero steps at its upper
 * WANDER_CONFIDENCE bound (Clopper-Pearson) - and at least twice the longest run the stretch held, as repeats of a
 * quantised reading come in runs, and at least MIN_RUN. The episode starts at the first reading of the run
 * (unitMonitor.ts).
 */
import { WANDER_CONFIDENCE } from './wanderFloor';

/** the share of a band's false-event rate that its frozen-readings watch spends (the band keeps the rest) */
export const FROZEN_SHARE = 0.01;
/** the shortest run of repeats that is frozen: a historian that missed a poll or two repeats a reading or two */
export const MIN_RUN = 5;

/**
 * Per column of a band, the run of repeated readings (steps exactly zero in a row) that makes it frozen, from its
 * steps in the stretch (each reading less the one before), the chance `q` a row shared over the columns watched;
 * null for a column that holds its readings (more than `heldShare` of its steps zero) or has no steps.
 */
export function frozenRuns(steps: readonly (readonly number[])[], q: number, heldShare: number): (number | null)[] {
  const seen = steps.map((ds) => {
    if (!ds.length || holdsReadings(ds, heldShare)) return null;
    let zeros = 0,
      run = 0,
      longest = 0;
    for (const d of ds) {
      run = d === 0 ? run + 1 : 0;
      if (d === 0) zeros++;
      longest = Math.max(longest, run);
    }
    return { zeros, m: ds.length, longest };
  });
  const share = q / Math.max(1, seen.filter(Boolean).length);
  return seen.map((s) => {
    if (!s) return null;
    const p = upperShare(s.zeros, s.m, 1 - WANDER_CONFIDENCE);
    return Math.max(Math.ceil(Math.log(share) / Math.log(p)), 2 * s.longest + 1, MIN_RUN);
  });
}

/** Whether a tag holds its readings: more than `heldShare` of its steps (each reading less the one before) zero. */
export const holdsReadings = (steps: readonly number[], heldShare: number): boolean =>
  steps.filter((d) => d === 0).length > heldShare * steps.length;

/** The upper Clopper-Pearson bound of a share seen `k` times in `m`: the p with P(X <= k) = `alpha`. */
function upperShare(k: number, m: number, alpha: number): number {
  let lo = k / m,
    hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (binomialAtMost(k, m, mid) > alpha) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** P(X <= k) for X binomial(m, p), its terms summed in logs (a long stretch's first term underflows). */
function binomialAtMost(k: number, m: number, p: number): number {
  const logs = [m * Math.log1p(-p)];
  for (let i = 1; i <= k; i++) logs.push(logs[i - 1] + Math.log((m - i + 1) / i) + Math.log(p / (1 - p)));
  const top = Math.max(...logs);
  return Math.exp(top) * logs.reduce((a, l) => a + Math.exp(l - top), 0);
}

/**
 * The runs of repeated readings of a band's columns as rows come: `push` gives the largest run as a share of its
 * column's limit (a limit of null: not watched); `since` says where that run started (its first reading).
 */
export class FrozenReadings {
  private readonly last: Float64Array;
  private readonly run: Int32Array;
  /** where each column's run started: its first reading's line and time */
  private readonly startLine: Float64Array;
  private readonly startT: Float64Array;
  /** the column whose run is the largest share of its limit in the last row (-1: none) */
  private longest = -1;

  constructor(private readonly limits: readonly (number | null)[]) {
    this.last = new Float64Array(limits.length).fill(NaN);
    this.run = new Int32Array(limits.length);
    this.startLine = new Float64Array(limits.length);
    this.startT = new Float64Array(limits.length);
  }

  /** One row of the columns' readings (NaN: not read, which neither ends a run nor adds to it). */
  push(line: number, t: number, row: readonly number[]): number {
    let value = 0;
    this.longest = -1;
    for (let j = 0; j < this.limits.length; j++) {
      const limit = this.limits[j];
      const v = row[j];
      if (limit === null || v !== v) continue;
      if (v === this.last[j]) this.run[j]++;
      else {
        this.last[j] = v;
        this.run[j] = 0;
        this.startLine[j] = line;
        this.startT[j] = t;
      }
      const share = this.run[j] / limit;
      if (share > value) {
        value = share;
        this.longest = j;
      }
    }
    return value;
  }

  /** Where the last row's largest run started (its first reading); the row itself when no run. */
  since(line: number, t: number): { line: number; t: number } {
    const j = this.longest;
    return j < 0 ? { line, t } : { line: this.startLine[j], t: this.startT[j] };
  }

  /** Each column's run as a share of its limit (1 and over: frozen): its share of an episode. */
  contributions = (): number[] => this.limits.map((l, j) => (l === null || this.run[j] < l ? 0 : this.run[j] / l));
}
