/**
 * The reference a process engineer would use instead: PCA on normal training data (standardised), the
 * components that explain 90 % of the variance kept, Hotelling's T² on them with the limit at the
 * training data's 99th percentile, and Q (SPE, the squared residual off the components) with its limit at the same
 * percentile (MacGregor & Kourti's monitoring scheme, limits taken empirically).
 * A benchmark peer only; mathjs (a dependency already) gives the eigen-decomposition.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { eigs } = require('mathjs') as typeof import('mathjs', { with: { 'resolution-mode': 'require' }});

export interface PcaModel {
  mean: number[];
  sd: number[];
  loadings: number[][];
  variances: number[];
  limit: number;
  limitQ: number;
}

export function trainPca(rows: readonly number[][], explained = 0.9, quantile = 0.99): PcaModel {
  const n = rows.length,
    p = rows[0].length;
  const mean = Array.from({ length: p }, (_, j) => rows.reduce((a, r) => a + r[j], 0) / n);
  const sd = mean.map((m, j) => Math.sqrt(rows.reduce((a, r) => a + (r[j] - m) ** 2, 0) / (n - 1)) || 1);
  const z = rows.map((r) => r.map((v, j) => (v - mean[j]) / sd[j]));
  const cov = Array.from({ length: p }, (_, a) =>
    Array.from({ length: p }, (_, b) => z.reduce((s, r) => s + r[a] * r[b], 0) / (n - 1)),
  );
  const { eigenvectors } = eigs(cov) as unknown as { eigenvectors: { value: number; vector: number[] }[] };
  const pairs = eigenvectors
    .map((e) => ({ value: Number(e.value), vector: (e.vector as unknown as number[]).map(Number) }))
    .sort((a, b) => b.value - a.value);
  const total = pairs.reduce((a, e) => a + e.value, 0);
  let kept = 0,
    sum = 0;
  while (kept < pairs.length && sum < explained * total) sum += pairs[kept++].value;
  const model: PcaModel = {
    mean,
    sd,
    loadings: pairs.slice(0, kept).map((e) => e.vector),
    variances: pairs.slice(0, kept).map((e) => e.value),
    limit: Infinity,
    limitQ: Infinity,
  };
  const at = (xs: number[]) => xs.sort((a, b) => a - b)[Math.min(n - 1, Math.floor(quantile * n))];
  model.limit = at(rows.map((r) => hotellingT2(model, r)));
  model.limitQ = at(rows.map((r) => spe(model, r)));
  return model;
}

export function hotellingT2(m: PcaModel, row: readonly number[]): number {
  const z = row.map((v, j) => (v - m.mean[j]) / m.sd[j]);
  return m.loadings.reduce((a, w, k) => a + w.reduce((s, x, j) => s + x * z[j], 0) ** 2 / m.variances[k], 0);
}

/** Q (SPE): the squared distance of a standardised row from the plane of the kept components. */
export function spe(m: PcaModel, row: readonly number[]): number {
  const z = row.map((v, j) => (v - m.mean[j]) / m.sd[j]);
  const scores = m.loadings.map((w) => w.reduce((s, x, j) => s + x * z[j], 0));
  return z.reduce((a, v, j) => a + (v - m.loadings.reduce((s, w, k) => s + w[j] * scores[k], 0)) ** 2, 0);
}
