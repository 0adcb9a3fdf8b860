/**
 * The vocabulary of threshold rules: conditions, shapes (single, outside or inside [a, b], two conditions, a
 * category), the rows a rule covers and how a rule reads.
 */
export type Condition = { feature: string; op: '>' | '<'; threshold: number };
/** rows whose text column `column` holds `value` */
export type CategoryCondition = { column: string; value: string };
export type RuleShape =
  | { kind: 'single'; condition: Condition; category?: CategoryCondition }
  /** outside [below, above]: x < below or x > above */
  | { kind: 'band'; feature: string; below: number; above: number; category?: CategoryCondition }
  /** inside: above < x < below */
  | { kind: 'interval'; feature: string; above: number; below: number; category?: CategoryCondition }
  | { kind: 'conjunction'; conditions: [Condition, Condition]; category?: CategoryCondition }
  | { kind: 'category'; category: CategoryCondition };

/**
 * Rows by column: `features[name][i]` (NaN when missing), `categories[column][i]` ('' when missing) and
 * `outcome[i]`. The outcome's own column, and columns derived from it, must not be among them.
 */
export interface RuleData {
  features: Record<string, ArrayLike<number>>;
  categories?: Record<string, ArrayLike<string>>;
  outcome: ArrayLike<boolean>;
}

export interface RuleEvidence {
  /** rows the rule covers / with the outcome, over all rows */
  support: number;
  positives: number;
  /** P(outcome | rule), P(outcome | not rule), lift = confidence / base rate */
  confidence: number;
  rest_rate: number;
  lift: number;
  /** 95 % Wilson interval of the confidence */
  ci: [number, number];
  /** share of all outcomes the rule covers */
  recall: number;
  /** validation half: one-sided Fisher p-value and Benjamini-Hochberg q-value over every rule tested */
  p_value: number;
  q_value: number;
  /** no covered row without the outcome: a deterministic rule */
  exact: boolean;
}

export interface MinedRule {
  shape: RuleShape;
  evidence: RuleEvidence;
  rows: number[];
  /** rules nearly as good as this one when it was chosen (other parameters or cuts): not kept, named */
  alternatives: string[];
}

export interface MineResult {
  rules: MinedRule[];
  tested: number;
  set_aside: { shape: RuleShape; reason: string }[];
}

export function describeRule(s: RuleShape): string {
  const c = (x: Condition) => `${x.feature} ${x.op} ${x.threshold}`;
  const body =
    s.kind === 'single'
      ? c(s.condition)
      : s.kind === 'band'
        ? s.category
          ? `(${s.feature} < ${s.below} or ${s.feature} > ${s.above})`
          : `${s.feature} < ${s.below} or ${s.feature} > ${s.above}`
        : s.kind === 'interval'
          ? `${s.above} < ${s.feature} < ${s.below}`
          : s.kind === 'conjunction'
            ? `${c(s.conditions[0])} and ${c(s.conditions[1])}`
            : '';
  return [s.category ? `${s.category.column} = ${s.category.value}` : '', body].filter(Boolean).join(' and ');
}

export const holds = (c: Condition, data: RuleData, i: number) => {
  const v = data.features[c.feature][i];
  return c.op === '>' ? v > c.threshold : v < c.threshold;
};
export const inCategory = (c: CategoryCondition, data: RuleData, i: number) =>
  data.categories?.[c.column]?.[i] === c.value;
export function covers(s: RuleShape, data: RuleData, i: number): boolean {
  if (s.category && !inCategory(s.category, data, i)) return false;
  switch (s.kind) {
    case 'single':
      return holds(s.condition, data, i);
    case 'band': {
      const v = data.features[s.feature][i];
      return v < s.below || v > s.above;
    }
    case 'interval': {
      const v = data.features[s.feature][i];
      return v > s.above && v < s.below;
    }
    case 'conjunction':
      return holds(s.conditions[0], data, i) && holds(s.conditions[1], data, i);
    case 'category':
      return true;
  }
}

/** Six significant digits: thresholds and differences as people write them, without float noise. */
export const tidy = (x: number) => Number(x.toPrecision(6));
