/**
 * The peer a user would pick instead of Forge's rule miner: a CART decision tree (Gini impurity, binary
 * splits - thresholds at midpoints of numeric features, one-category-against-the-rest on text columns),
 * grown to a fixed depth as scikit-learn's DecisionTreeClassifier(max_depth) grows it. Its leaves where
 * the outcome is the majority read as rules: the conditions on the path to them. A benchmark peer only.
 */
export type TreeCondition =
  | { feature: string; op: '>' | '<'; threshold: number }
  | { column: string; value: string; equal: boolean };
export interface TreeRule {
  conditions: TreeCondition[];
  support: number;
  positives: number;
}

export interface TreeData {
  features: Record<string, ArrayLike<number>>;
  categories: Record<string, ArrayLike<string>>;
  outcome: ArrayLike<boolean>;
}

const gini = (k: number, n: number) => (n ? 1 - (k / n) ** 2 - (1 - k / n) ** 2 : 0);

/** The best split of `rows` by weighted Gini impurity, or null when none lowers it. */
function bestSplit(
  data: TreeData,
  rows: number[],
): { left: number[]; right: number[]; cond: [TreeCondition, TreeCondition] } | null {
  const y = data.outcome;
  const K = rows.reduce((a, i) => a + (y[i] ? 1 : 0), 0);
  const N = rows.length;
  let best: {
    score: number;
    make: () => { left: number[]; right: number[]; cond: [TreeCondition, TreeCondition] };
  } | null = null;
  const parent = gini(K, N);
  for (const [f, x] of Object.entries(data.features)) {
    const sorted = rows.filter((i) => Number.isFinite(x[i])).sort((a, b) => x[a] - x[b]);
    let k = 0;
    for (let m = 1; m < sorted.length; m++) {
      if (y[sorted[m - 1]]) k++;
      if (x[sorted[m]] === x[sorted[m - 1]]) continue;
      const score = (m * gini(k, m) + (sorted.length - m) * gini(K - k, sorted.length - m)) / N;
      if (score < parent - 1e-12 && (!best || score < best.score)) {
        const t = (x[sorted[m - 1]] + x[sorted[m]]) / 2;
        best = {
          score,
          make: () => ({
            left: sorted.slice(0, m),
            right: sorted.slice(m),
            cond: [
              { feature: f, op: '<', threshold: t },
              { feature: f, op: '>', threshold: t },
            ],
          }),
        };
      }
    }
  }
  for (const [c, col] of Object.entries(data.categories)) {
    for (const v of new Set(rows.map((i) => col[i]))) {
      const inside = rows.filter((i) => col[i] === v);
      if (!inside.length || inside.length === N) continue;
      const k = inside.reduce((a, i) => a + (y[i] ? 1 : 0), 0);
      const score = (inside.length * gini(k, inside.length) + (N - inside.length) * gini(K - k, N - inside.length)) / N;
      if (score < parent - 1e-12 && (!best || score < best.score)) {
        best = {
          score,
          make: () => ({
            left: inside,
            right: rows.filter((i) => col[i] !== v),
            cond: [
              { column: c, value: v, equal: true },
              { column: c, value: v, equal: false },
            ],
          }),
        };
      }
    }
  }
  return best ? best.make() : null;
}

/** Grow a tree to `depth` and read its majority-outcome leaves as rules. */
export function treeRules(data: TreeData, depth: number): TreeRule[] {
  const out: TreeRule[] = [];
  const grow = (rows: number[], path: TreeCondition[], d: number) => {
    const k = rows.reduce((a, i) => a + (data.outcome[i] ? 1 : 0), 0);
    const split = d < depth && k > 0 && k < rows.length ? bestSplit(data, rows) : null;
    if (!split) {
      if (2 * k > rows.length) out.push({ conditions: path, support: rows.length, positives: k });
      return;
    }
    grow(split.left, [...path, split.cond[0]], d + 1);
    grow(split.right, [...path, split.cond[1]], d + 1);
  };
  grow(
    Array.from({ length: data.outcome.length }, (_, i) => i),
    [],
    0,
  );
  return out;
}
