/**
 * A tag's exponentially weighted mean square off its normal mean (EWMS; MacGregor & Harris 1993, "The exponentially
 * weighted moving variance"): e ← e + w (z² - e) for each reading's z in the band's standard deviations. Normal
 * readings keep it near 1; a level held off, noise grown wider, a tag sticking or swinging either way all lift it -
 * a level 3 sd off to about 10 - though no single row leaves the band. Its limit at a chance `q` a row comes from its
 * distribution, not from a fitted shape: over readings alike for `b` rows at a time, the EWMS is about a weighted sum
 * of independent chi-squares (blocks of b rows, each block's weight the sum of its rows' w (1 - w)^k), whose upper
 * tail the saddlepoint gives (Lugannani & Rice 1980). Measured on ten million simulated rows: 1.05e-3, 1.05e-4 and
 * 0.96e-5 over the limits for 1e-3, 1e-4 and 1e-5 with independent readings; 1.05e-3, 1.2e-4, 1.4e-5 for an AR(1) at
 * 0.5; under the rate for 0.8. (A chi-square matched to the EWMS's mean and variance: 5x the rate at 1e-5.)
 */
import { normalQuantile, WANDER_CONFIDENCE } from './wanderFloor';

/** the weight of the newest reading: the EWMS remembers about (2 - w) / w = 9 rows (bench/tepInjectedFaults.ts) */
export const EWMS_WEIGHT = 0.2;

/**
 * A tag's EWMS limit at a chance `q` a row, from the `n` readings its band was trained on, alike for `tau` rows
 * (integrated time); null when they would not hold `minReadings` independent ones were they as alike as they may be.
 * How alike: the AR(1) coefficient r of that integrated time at its upper WANDER_CONFIDENCE bound (Fisher's z), as a
 * hundred rows of a slow tag can look quick (an AR(1) at 0.9 read as 0.64) and an EWMS limit set for quick readings
 * is crossed by slow ones for hours on end. z² of an AR(1) at r is an AR(1) at r², alike for (1 + r²) / (1 - r²) rows.
 */
export function squaresLimit(tau: number, n: number, q: number, minReadings: number): number | null {
  const seen = Math.min(0.999, (tau - 1) / (tau + 1));
  const r = Math.tanh(Math.atanh(seen) + normalQuantile(WANDER_CONFIDENCE) / Math.sqrt(n - 3));
  const alike = (1 + r) / (1 - r);
  return n / alike < minReadings ? null : ewmsLimit((1 + r * r) / (1 - r * r), q, alike, n);
}

/**
 * The EWMS limit in squared sd at a chance `q` a row, for z² alike for `b` rows (squaresLimit), the mean taken over
 * `n` readings alike for `tau` (its error adds tau / n to the mean square).
 */
export function ewmsLimit(b: number, q: number, tau = 1, n = Infinity): number {
  const weights = blockWeights(b);
  let lo = weights.reduce((a, v) => a + v, 0),
    hi = 2 * lo;
  while (upperTail(weights, hi) > q) hi *= 2;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (upperTail(weights, mid) > q) lo = mid;
    else hi = mid;
  }
  return hi * (1 + tau / n);
}

/** Blocks of b rows back from the newest: each block's weight, until they are negligible. */
function blockWeights(b: number): number[] {
  const keep = (1 - EWMS_WEIGHT) ** Math.max(1, b);
  const out: number[] = [];
  for (let v = 1 - keep; v > 1e-12; v *= keep) out.push(v);
  return out;
}

/**
 * P(sum of a_m X_m > x) for independent chi-squares X_m with one degree of freedom, x above the mean: Lugannani-Rice
 * with the cumulant generating function K(s) = -1/2 sum log(1 - 2 s a_m).
 */
function upperTail(a: readonly number[], x: number): number {
  const derivative = (s: number) => a.reduce((t, v) => t + v / (1 - 2 * s * v), 0);
  let lo = 0,
    hi = 1 / (2 * Math.max(...a));
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (derivative(mid) < x) lo = mid;
    else hi = mid;
  }
  const s = (lo + hi) / 2;
  const k = a.reduce((t, v) => t - 0.5 * Math.log(1 - 2 * s * v), 0);
  const k2 = a.reduce((t, v) => t + (2 * v * v) / (1 - 2 * s * v) ** 2, 0);
  const w = Math.sqrt(2 * (s * x - k)),
    u = s * Math.sqrt(k2);
  return normalTail(w) + (Math.exp((-w * w) / 2) / Math.sqrt(2 * Math.PI)) * (1 / u - 1 / w);
}

/** P(Z > z) for a standard normal Z: erfc(z / sqrt 2) / 2 (Numerical Recipes' Chebyshev fit, relative error 1.2e-7). */
export function normalTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const c = [
    -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223,
    0.17087277,
  ];
  const poly = c.reduceRight((acc, v) => v + t * acc, 0);
  const half = (t * Math.exp(-x * x + poly)) / 2;
  return z >= 0 ? half : 1 - half;
}

/**
 * A band's running EWMS, one per watched column, from its normal value 1; a column not read in a row keeps its own,
 * and one without a limit (null: too slow to promise one) is not watched. The first columns, one per `mean`, are tags'
 * readings off their mean; the rest are slow tags whose steps are watched (bandMonitor.ts): each reading less the one
 * before, off zero (none when either was not read). A reading counts for at most what would keep its column over the
 * limit for `persist` rows alone: one reading far off is a blip, as it is to the band, where a run of them is not.
 * `push` gives the largest as a share of its column's limit.
 */
export class MeanSquares {
  private readonly e: Float64Array;
  private readonly inverseSd: Float64Array;
  /** 1 / each column's limit; 0: not watched */
  private readonly inverseLimit: Float64Array;
  /** the most one reading's z² counts for */
  private readonly cap: Float64Array;
  /** the stepped columns' last readings (NaN: not read) */
  private readonly previous: Float64Array;
  /**
   * the last row's largest |z| over the tags' readings (not their steps): the band's own statistic (bandStatistic),
   * worked out here too
   */
  largest = 0;

  constructor(
    private readonly mean: readonly number[],
    sd: readonly number[],
    limits: readonly (number | null)[],
    persist: number,
  ) {
    const levels = mean.length;
    this.e = new Float64Array(sd.length).fill(1);
    this.inverseSd = Float64Array.from(sd, (s) => 1 / s);
    this.inverseLimit = Float64Array.from(limits, (l) => (l === null ? 0 : 1 / l));
    this.previous = new Float64Array(sd.length - levels).fill(NaN);
    // from 1, one reading of z² = c lifts the EWMS to about 1 + w c (1 - w)^k after k more rows; a slow tag's reading
    // far off is two steps far off, which lift it to 1 + w c (2 - w) (1 - w)^k
    const w = EWMS_WEIGHT;
    this.cap = Float64Array.from(limits, (l, j) =>
      l === null ? Infinity : (l - 1) / (w * (j < levels ? 1 : 2 - w) * (1 - w) ** (persist - 1)),
    );
  }

  /** One row of every column's reading (NaN: not read), levels first, then the stepped tags. */
  push(row: readonly number[]): number {
    const levels = this.mean.length;
    let value = 0,
      square = 0;
    for (let j = 0; j < row.length; j++) {
      let v = row[j];
      if (j < levels) v -= this.mean[j];
      else {
        const k = j - levels;
        const before = this.previous[k];
        this.previous[k] = v;
        v -= before;
      }
      if (v === v) {
        // read (not NaN)
        const z = v * this.inverseSd[j];
        const z2 = z * z;
        if (z2 > square && j < levels) square = z2;
        this.e[j] += EWMS_WEIGHT * ((z2 < this.cap[j] ? z2 : this.cap[j]) - this.e[j]);
      }
      const share = this.e[j] * this.inverseLimit[j];
      if (share > value) value = share;
    }
    this.largest = Math.sqrt(square);
    return value;
  }

  /** Each watched column's EWMS now: its share of an episode. */
  contributions = (): number[] => Array.from(this.e);
}
