/** Wilson score interval for a binomial proportion k/n (z = 1.96 for 95 %). */
export function wilsonInterval(k: number, n: number, z = 1.96): [number, number] {
  if (n === 0) return [0, 1];
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

export function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}

/** One-sided Fisher exact test (is the covered rate higher?) from log-factorials. */
export class FisherTest {
  private readonly lf: Float64Array;
  constructor(maxN: number) {
    this.lf = new Float64Array(maxN + 2);
    for (let i = 2; i < this.lf.length; i++) this.lf[i] = this.lf[i - 1] + Math.log(i);
  }
  /** P(X >= a) for X hypergeometric: `m` rows drawn from `N` with `K` positives. */
  oneSided([a, m, K, N]: [number, number, number, number]): number {
    if (m === 0 || K === 0) return 1;
    const lf = this.lf;
    const lc = (n: number, k: number) => lf[n] - lf[k] - lf[n - k];
    const denom = lc(N, m);
    let p = 0;
    for (let x = a; x <= Math.min(m, K); x++) p += Math.exp(lc(K, x) + lc(N - K, m - x) - denom);
    return Math.min(1, p);
  }
}
