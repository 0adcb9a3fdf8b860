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

/** FOIL gain of keeping `k` of `m` rows from a cover with `K` positives in `N` rows. */
export function foilGain(k: number, m: number, K: number, N: number): number {
  return k > 0 ? k * (Math.log(k / m) - Math.log(K / N)) : 0;
}

/** G-test statistic of a 2 x 2 table: `k` of `m` rows against `K` of `N`. */
export function gTest(k: number, m: number, K: number, N: number): number {
  return 2 * (logLik(k, m) + logLik(K - k, N - m) - logLik(K, N));
}

export function logLik(k: number, n: number): number {
  const term = (a: number) => (a > 0 ? a * Math.log(a / n) : 0);
  return term(k) + term(n - k);
}

/** Contingency counts over rows: [marked with outcome, marked, outcome in all, all]. */
export function split(
  mark: (i: number) => boolean,
  y: ArrayLike<boolean>,
  rows: readonly number[],
): [number, number, number, number] {
  let a = 0,
    m = 0,
    k = 0;
  for (const i of rows) {
    if (y[i]) k++;
    if (mark(i)) {
      m++;
      if (y[i]) a++;
    }
  }
  return [a, m, k, rows.length];
}

export function countTrue(y: ArrayLike<boolean>, rows: readonly number[]): number {
  let k = 0;
  for (const i of rows) if (y[i]) k++;
  return k;
}

/** Benjamini-Hochberg adjusted q-values, in the order given. */
export function benjaminiHochberg(p: readonly number[]): number[] {
  const order = p.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const q = new Array<number>(p.length);
  let min = 1;
  for (let r = order.length - 1; r >= 0; r--) {
    const [v, i] = order[r];
    min = Math.min(min, (v * order.length) / (r + 1));
    q[i] = min;
  }
  return q;
}
