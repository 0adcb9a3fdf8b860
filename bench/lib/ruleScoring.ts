/**
 * Rule benchmarks score Forge's facts and a decision tree's leaves the same way: a candidate is an
 * outcome, an optional category and numeric conditions; a known rule is found when a candidate of its
 * outcome (and category) holds each of its conditions (feature and side) within 5 % of the threshold.
 */
import type { ThresholdRuleFact } from '../../activities/knowledge/facts';
import type { SeriesTable } from '../../activities/knowledge/seriesTable';
import { treeRules, type TreeCondition } from './cart';

export interface Candidate {
  label: string;
  category: string | null;
  conditions: { feature: string; op: '>' | '<'; threshold: number }[];
  text: string;
}
export interface KnownRule {
  label: string;
  rule: string;
  category?: string;
  thresholds: readonly { feature: string; op: '>' | '<'; value: number }[];
}

export function forgeCandidates(rules: readonly ThresholdRuleFact[]): Candidate[] {
  return rules.map((r) => ({
    label: r.statement.outcome.label,
    category: r.statement.category?.value ?? null,
    conditions: r.statement.conditions.map((c) => ({ feature: c.parameter.id, op: c.op, threshold: c.threshold })),
    text:
      (r.statement.category ? `${r.statement.category.column} = ${r.statement.category.value}, ` : '') +
      `${r.statement.shape} ` +
      r.statement.conditions
        .map((c) => `${c.parameter.id} ${c.op} ${c.threshold}`)
        .join(r.statement.combine === 'any' ? ' or ' : ' and ') +
      `${r.evidence.exact ? ' (exact)' : ''}`,
  }));
}

/**
 * A CART tree of `depth` per outcome on the table Forge mines (its columns, derived ones included, and one text
 * column).
 */
export function treeCandidates(
  table: SeriesTable,
  outcomes: readonly { label: string; values: string[] }[],
  categoryColumn: string,
  depth: number,
): Candidate[] {
  const features = Object.fromEntries(table.columns);
  const column = table.labels.get(categoryColumn)!;
  const values = [...new Set(column)];
  return outcomes.flatMap((o) => {
    const outcome = table.labels.get(o.label)!.map((v) => o.values.includes(v));
    return treeRules({ features, categories: { [categoryColumn]: column }, outcome }, depth).map((r) => {
      const numeric = r.conditions
        .filter((c): c is Extract<TreeCondition, { feature: string }> => 'feature' in c)
        .map((c) => ({ ...c, threshold: Number(c.threshold.toPrecision(6)) }));
      // the category a path keeps: named (= M), or the one left when the others are excluded (not L, not H)
      const onColumn = r.conditions.filter((c): c is Extract<TreeCondition, { column: string }> => 'column' in c);
      const left = values.filter((v) => onColumn.every((c) => (c.value === v) === c.equal));
      const category = left.length === 1 && onColumn.length ? left[0] : null;
      return {
        label: o.label,
        category,
        conditions: numeric,
        text:
          `${category ? `${categoryColumn} = ${category}, ` : ''}` +
          numeric.map((c) => `${c.feature} ${c.op} ${c.threshold}`).join(' and '),
      };
    });
  });
}

/**
 * The candidate of the rule's outcome (and category) whose thresholds lie closest to it; found when all are within 5 %.
 */
export function match(d: KnownRule, candidates: readonly Candidate[]): { ok: boolean; error: number; line: string } {
  const best = candidates
    .filter((c) => c.label === d.label && (d.category === undefined || c.category === d.category))
    .map((c) => ({
      c,
      err: d.thresholds.map((t) =>
        Math.min(
          ...c.conditions
            .filter((x) => x.feature === t.feature && x.op === t.op)
            .map((x) => Math.abs(x.threshold - t.value) / Math.abs(t.value)),
        ),
      ),
    }))
    .sort((a, b) => Math.max(...a.err) - Math.max(...b.err))[0];
  const error = best ? Math.max(...best.err) : Infinity;
  const ok = error <= 0.05;
  return {
    ok,
    error,
    line: best
      ? `${ok ? 'found ' : 'MISSED'} ${best.c.text} (error ` +
        `${best.err.map((e) => (Number.isFinite(e) ? `${(100 * e).toFixed(1)} %` : 'no such condition')).join(', ')})`
      : 'MISSED no rule for this outcome',
  };
}

/** Print each known rule's line for every method, and the count found by each. */
export function scoreSideBySide(
  known: readonly KnownRule[],
  methods: Record<string, readonly Candidate[]>,
): Record<string, number> {
  const score = Object.fromEntries(Object.keys(methods).map((m) => [m, 0]));
  const width = Math.max(...Object.keys(methods).map((m) => m.length));
  for (const d of known) {
    console.log(`${d.label}: ${d.rule}`);
    for (const [m, candidates] of Object.entries(methods)) {
      const r = match(d, candidates);
      if (r.ok) score[m]++;
      console.log(`  ${m.padEnd(width)} ${r.line}`);
    }
  }
  return score;
}
