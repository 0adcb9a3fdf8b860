import { median } from './seriesWindow';

/** How far normal operation wanders, and the quantiles that set a floor from it at a false-event rate. */
export const WEEK_MS = 7 * 24 * 3600 * 1000;

/** The median time between consecutive readings, in ms (0 with fewer than two, or none apart). */
export function samplingInterval(times: readonly number[]): number {
  const gaps = times
    .slice(1)
    .map((t, i) => t - times[i])
    .filter((d) => d > 0);
  return gaps.length ? median(gaps) : 0;
}

/**
 * How far the mean of normal operation wanders, from readings of it taken every `dt` ms: two means of
 * `rebaseline` readings (the span a change is judged on) differ by more than this at most about
 * `falseEventsPerWeek` times a week if they vary as the block means of `values` do (normal quantile of
 * the rate, x sqrt 2 for a difference). The block means' standard deviation is taken at its upper
 * `WANDER_CONFIDENCE` bound (chi-square with blocks - 1 degrees of freedom): the start of a series gives
 * only a few blocks (5 by default, bound x 2.4), a reference many (25, x 1.4), so a short look at normal
 * operation does not promise a rate it cannot know. 0 when `values` hold fewer than three blocks.
 */
export function wanderFloor(
  values: readonly number[],
  dt: number,
  opts: { rebaseline: number; falseEventsPerWeek: number },
): number {
  return floorOfBlocks(blockMeans(values, opts.rebaseline), dt, opts);
}

/** The means of consecutive blocks of `w` values (a last, incomplete block left out). */
export function blockMeans(values: readonly number[], w: number): number[] {
  const means: number[] = [];
  for (let i = 0; i + w <= values.length; i += w) {
    let sum = 0;
    for (let j = i; j < i + w; j++) sum += values[j];
    means.push(sum / w);
  }
  return means;
}

/** `wanderFloor` from the block means of normal operation (blocks of `rebaseline` readings `dt` ms apart). */
export function floorOfBlocks(
  means: readonly number[],
  dt: number,
  opts: { rebaseline: number; falseEventsPerWeek: number },
): number {
  if (means.length < 3) return 0;
  const m = means.reduce((a, v) => a + v, 0) / means.length;
  const sd = Math.sqrt(means.reduce((a, v) => a + (v - m) ** 2, 0) / (means.length - 1));
  return floorOfSpread(sd, means.length, dt, opts);
}

/** `wanderFloor` from the standard deviation `sd` of `blocks` block means. */
export function floorOfSpread(
  sd: number,
  blocks: number,
  dt: number,
  opts: { rebaseline: number; falseEventsPerWeek: number },
): number {
  if (blocks < 3 || !(dt > 0)) return 0;
  const tail = Math.min(0.5, (opts.falseEventsPerWeek * opts.rebaseline * dt) / WEEK_MS / 2);
  const df = blocks - 1;
  return normalQuantile(1 - tail) * Math.SQRT2 * sd * Math.sqrt(df / chiSquareQuantile(1 - WANDER_CONFIDENCE, df));
}

/**
 * How far normal operation wanders, learned as a series goes on without a change: the block means of `rebaseline`
 * readings (Welford's running mean and variance: constant memory), the floor worked out again each time the blocks
 * have doubled - a longer look at normal operation gives a tighter bound (and a larger wander, when it shows one, a
 * higher floor). Starts from the first baseline's block means.
 */
export class WanderLearner {
  private n = 0;
  private mean = 0;
  private m2 = 0;
  private sum = 0;
  private k = 0;
  private next: number;

  constructor(
    means: readonly number[],
    private readonly dt: number,
    private readonly opts: { rebaseline: number; falseEventsPerWeek: number },
  ) {
    for (const m of means) this.add(m);
    this.next = 2 * Math.max(3, this.n);
  }

  /** One reading; the floor worked out again when the blocks have just doubled, else null. */
  push(value: number): number | null {
    this.sum += value;
    if (++this.k < this.opts.rebaseline) return null;
    this.add(this.sum / this.k);
    this.sum = this.k = 0;
    if (this.n < this.next) return null;
    this.next *= 2;
    return floorOfSpread(Math.sqrt(this.m2 / (this.n - 1)), this.n, this.dt, this.opts);
  }

  private add(x: number): void {
    const d = x - this.mean;
    this.mean += d / ++this.n;
    this.m2 += d * (x - this.mean);
  }
}

/** confidence of the upper bound on the wander of normal operation (`wanderFloor`) */
export const WANDER_CONFIDENCE = 0.95;

/** The chi-square quantile at `p` with `df` degrees of freedom (Wilson-Hilferty; within ~7 % at df 4, closer above). */
export function chiSquareQuantile(p: number, df: number): number {
  const a = 2 / (9 * df);
  return df * Math.max(0, 1 - a + normalQuantile(p) * Math.sqrt(a)) ** 3;
}

/** The standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    );
  }
  if (p > 1 - 0.02425) return -normalQuantile(1 - p);
  const q = p - 0.5,
    r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}
