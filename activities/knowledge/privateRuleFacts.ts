import type { OutcomeSpec, ThresholdRuleFact } from './facts';
import { PRIVACY_SPLIT, type PrivacyReport, type PrivacySettings } from './privacy';
import type { PrivateMineResult } from './privateRules';
import { tidy } from './ruleShapes';
import { pct, ruleStatement } from './ruleStatement';
import type { GraphIndex } from './linking';
import type { SeriesTable } from './seriesTable';
import { round } from '../common/numbers';

/** The facts of privately mined rules, and the ledger of the privacy budget a run spends (privateRules.ts). */
export function privacyLedger(settings: PrivacySettings, outcomes: number) {
  const perOutcome = settings.epsilon / outcomes;
  const fromData = new Set<string>();
  // the Laplace scale of each rule count (privateRules.ts spends counts evenly among maxRules)
  const noise = settings.maxRules / (PRIVACY_SPLIT.counts * perOutcome);
  return {
    settings,
    perOutcome,
    report(m: PrivateMineResult) {
      for (const f of m.bounds_from_data) fromData.add(f);
    },
    result: (): Omit<PrivacyReport, 'withheld_kinds'> => ({
      epsilon: settings.epsilon,
      unit: 'row',
      per_outcome_epsilon: tidy(perOutcome),
      split: PRIVACY_SPLIT,
      max_rules: settings.maxRules,
      grid: settings.grid,
      mechanisms:
        'Laplace on counts (histograms of disjoint cells, sensitivity 1); exponential mechanism for each rule ' +
        'condition and threshold (utility: Youden J scaled to sensitivity 1)',
      noise_scale: tidy(noise),
      bounds_from_data: [...fromData].sort(),
    }),
  };
}

/**
 * A privately mined rule's fact: every figure from the noisy counts (post-processing), no defect named
 * (that would read the covered rows), and its sources the files, not the lines - which rows a rule
 * covers is exactly what privacy withholds.
 */
export function privateRuleFact(
  t: SeriesTable,
  index: GraphIndex,
  rule: PrivateMineResult['rules'][number],
  q: number,
  mined: PrivateMineResult,
  spec: OutcomeSpec,
  epsilon: number,
): Omit<ThresholdRuleFact, 'id'> {
  const n = mined.positives + mined.negatives;
  const support = rule.tp + rule.fp;
  const confidence = support ? rule.tp / support : 0;
  const base = n ? mined.positives / n : 0;
  const rest = n - support > 0 ? Math.max(0, mined.positives - rule.tp) / (n - support) : 0;
  return {
    ...ruleStatement(t, index, rule.shape, spec, null),
    evidence: {
      n,
      support,
      positives: rule.tp,
      confidence_pct: pct(confidence),
      rest_rate_pct: pct(rest),
      base_rate_pct: pct(base),
      lift: round(base ? confidence / base : 0, 2),
      ci_level_pct: 95,
      ci_pct: [pct(rule.ci[0]), pct(rule.ci[1])],
      recall_pct: pct(mined.positives ? Math.min(1, rule.tp / mined.positives) : 0),
      p_value: rule.p_value,
      q_value: Number(q.toPrecision(3)),
      candidates_tested: mined.tested,
      exact: false,
      alternatives: [],
      method: PRIVATE_METHOD,
      privacy: { epsilon, noise_scale: mined.noise_scale },
    },
    sources: [...new Set(t.sources)],
  };
}

const PRIVATE_METHOD =
  'differentially private sequential covering: conditions and thresholds drawn by the exponential mechanism, ' +
  'counts with Laplace noise, accepted on noise-lowered counts (one-sided Fisher, Bonferroni); the interval ' +
  'widened by the noise';
