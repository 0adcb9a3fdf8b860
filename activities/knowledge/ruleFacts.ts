import { round } from '../common/numbers';
import { assetNode, parameterRef, uniq, withId } from './factParts';
import type { Fact, GraphAgreementFact, ThresholdRuleFact } from './facts';
import type { GraphIndex } from './linking';
import { mainDefect, qualityOutcome } from './outOfSpecFacts';
import { rowSource, type SeriesTable } from './seriesTable';
import { type Condition, describeRule, type MinedRule, type MineOptions, mineThresholdRules, tidy } from './thresholdRules';

export interface RuleFactOptions {
  rules: MineOptions & {
    /** fewest outcome rows in a table before rules are mined there */
    minPositives: number;
    /** a mined threshold within this share of the spec's width (of the limit when the range is open) confirms the spec */
    agreementTolerance: number;
  };
  qualityLabel: string;
  badQuality: string[];
  maxSources: number;
}

const METHOD = 'cut points searched on even rows by log-likelihood ratio; one-sided Fisher exact test on odd rows; Benjamini-Hochberg over all candidates; a rule must add to stronger rules on the rows they leave';

/**
 * Threshold rules per asset, from the data alone plus the graph's derived quantities: where bad parts
 * (the quality label) become much more likely. Then, for each single or band rule on a parameter with a
 * recommended limit on the same side, whether the mined threshold confirms or contradicts that limit.
 */
export function thresholdRuleFacts(tables: readonly SeriesTable[], index: GraphIndex, opts: RuleFactOptions): { facts: Fact[]; setAside: SetAsideRule[] } {
  const facts: Fact[] = [];
  const setAside: SetAsideRule[] = [];
  for (const t of tables) {
    const outcome = qualityOutcome(t, opts);
    if (!outcome) continue;
    const known = outcome.flatMap((y, i) => (y === null ? [] : [i]));
    const y = known.map((i) => outcome[i] === true);
    const positives = y.filter(Boolean).length;
    if (known.length < 2 * opts.rules.minSupport || positives < opts.rules.minPositives) continue;
    const features: Record<string, Float64Array> = {};
    for (const [id, col] of t.columns) {
      const f = Float64Array.from(known, (i) => col[i]);
      if (new Set(f.filter(Number.isFinite)).size > 1) features[id] = f;
    }
    const mined = mineThresholdRules({ features, outcome: y }, opts.rules);
    for (const s of mined.set_aside) setAside.push({ asset: t.asset, outcome: opts.qualityLabel, rule: describeRule(s.shape), reason: s.reason });
    for (const rule of mined.rules) {
      const ruleFact = withId(toRuleFact(t, index, rule, known, positives, mined.tested, opts));
      facts.push(ruleFact);
      for (const a of agreements(ruleFact as ThresholdRuleFact, index, opts.rules.agreementTolerance)) facts.push(withId(a));
    }
  }
  return { facts, setAside };
}

/** A rule candidate that was tested and not kept, and why (`rules_set_aside.jsonl` in the run directory). */
export interface SetAsideRule { asset: string; outcome: string; rule: string; reason: string }

function conditionsOf(rule: MinedRule): { combine: 'all' | 'any'; conditions: Condition[] } {
  const s = rule.shape;
  if (s.kind === 'single') return { combine: 'all', conditions: [s.condition] };
  if (s.kind === 'band') return { combine: 'any', conditions: [{ feature: s.feature, op: '<', threshold: s.below }, { feature: s.feature, op: '>', threshold: s.above }] };
  return { combine: 'all', conditions: s.conditions };
}

function toRuleFact(t: SeriesTable, index: GraphIndex, rule: MinedRule, known: number[], positives: number, tested: number, opts: RuleFactOptions): Omit<ThresholdRuleFact, 'id'> {
  const { combine, conditions } = conditionsOf(rule);
  const ev = rule.evidence;
  const covered = rule.rows.map((k) => known[k]);
  const bad = new Set(qualityOutcome(t, opts)!.flatMap((v, i) => (v ? [i] : [])));
  const coveredBad = covered.filter((i) => bad.has(i));
  const modes = conditions.flatMap((c) => index.parameterById(c.feature)!.failure_modes
    .filter((m) => m.direction === (c.op === '>' ? 'above' : 'below')).map(({ direction: _d, ...m }) => m));
  const main = mainDefect(t, coveredBad, index);
  const pct = (x: number) => round(100 * x, 1);
  return {
    kind: 'threshold_rule',
    subject: uniq([...conditions.map((c) => c.feature), index.equipmentFor(t.asset)?.id, ...modes.map((m) => m.id), main?.id]),
    statement: {
      asset: assetNode(t.asset, index),
      shape: rule.shape.kind,
      combine,
      conditions: conditions.map((c) => ({ parameter: parameterRef(index.parameterById(c.feature)!), op: c.op, threshold: c.threshold })),
      outcome: { label: opts.qualityLabel, values: opts.badQuality, main_defect: main },
      failure_modes: modes.filter((m, k) => modes.findIndex((x) => x.id === m.id) === k),
    },
    evidence: {
      n: known.length, support: ev.support, positives: ev.positives,
      confidence_pct: pct(ev.confidence), rest_rate_pct: pct(ev.rest_rate), base_rate_pct: pct(positives / known.length), lift: round(ev.lift, 2),
      ci_level_pct: 95, ci_pct: [pct(ev.ci[0]), pct(ev.ci[1])], recall_pct: pct(ev.recall),
      p_value: ev.p_value, q_value: ev.q_value, candidates_tested: tested, method: METHOD,
    },
    sources: [...coveredBad, ...covered.filter((i) => !bad.has(i))].slice(0, opts.maxSources).map((i) => rowSource(t, i)),
  };
}

/** Agreement of a single or band rule's thresholds with the graph's limits on the same side. */
function agreements(rule: ThresholdRuleFact, index: GraphIndex, tolerance: number): Omit<GraphAgreementFact, 'id'>[] {
  const s = rule.statement;
  if (s.shape === 'conjunction') return []; // a threshold that holds only together with another is no limit of its own
  const out: Omit<GraphAgreementFact, 'id'>[] = [];
  for (const c of s.conditions) {
    const spec = index.parameterById(c.parameter.id)!;
    const side = c.op === '>' ? 'upper' : 'lower';
    const limit = side === 'upper' ? spec.max : spec.min;
    if (limit === null) continue;
    const width = spec.min !== null && spec.max !== null && spec.max > spec.min ? spec.max - spec.min : Math.abs(limit);
    const tol = tidy(width * tolerance);
    const difference = tidy(c.threshold - limit);
    const inward = side === 'upper' ? -difference : difference; // > 0: the risk starts inside the range
    const reading = Math.abs(difference) <= tol ? 'limit_confirmed' : inward > 0 ? 'risk_inside_spec' : 'risk_beyond_spec';
    out.push({
      kind: 'graph_agreement',
      subject: uniq([spec.id, index.equipmentFor(s.asset.id)?.id]),
      statement: {
        parameter: c.parameter, asset: s.asset, side, spec_limit: limit, mined_threshold: c.threshold, difference, tolerance: tol,
        verdict: reading === 'limit_confirmed' ? 'confirms' : 'contradicts', reading, rule_fact: rule.id,
        outcome_rate_pct: { beyond: rule.evidence.confidence_pct, rest: rule.evidence.rest_rate_pct },
      },
      evidence: { n: rule.evidence.n, support: rule.evidence.support, lift: rule.evidence.lift },
      sources: rule.sources,
    });
  }
  return out;
}

