import { z } from 'zod';
import { round } from '../common/numbers';
import { assetNode, parameterRef, uniq, withId } from './factParts';
import type { Fact, GraphAgreementFact, NamedNode, OutcomeSpec, ThresholdRuleFact } from './facts';
import { normaliseName, type GraphIndex } from './linking';
import { mainDefect, qualityOutcome } from './outOfSpecFacts';
import { rowSource, type SeriesTable } from './seriesTable';
import {
  type Condition,
  describeRule,
  type MinedRule,
  type MineOptions,
  mineThresholdRules,
  type RuleShape,
  tidy,
} from './thresholdRules';
import { benjaminiHochberg } from './thresholdRules';
import { minePrivateRules, type PrivateMineResult } from './privateRules';
import { PRIVACY_SPLIT, type PrivacyReport, type PrivacySettings, type Rand, secureRandom } from './privacy';

export interface RuleFactOptions {
  rules: MineOptions & {
    /** fewest outcome rows in a table before rules are mined there */
    minPositives: number;
    /**
     * a mined threshold within this share of the spec's width (of the limit when the range is open) confirms the spec
     */
    agreementTolerance: number;
  };
  /** the outcomes to mine rules for; none: the quality label (`qualityLabel`, `badQuality`) as rejected parts */
  outcomes: OutcomeSpec[];
  qualityLabel: string;
  badQuality: string[];
  maxSources: number;
  /** differential privacy: rules mined and released through privateRules.ts; null: off */
  privacy: PrivacySettings | null;
}

const METHOD =
  'sequential covering: conditions grown on even rows by FOIL gain (G-test p < 0.001), pruned on odd rows ' +
  '(one-sided Fisher), each rule tested on the odd rows earlier rules leave (Bonferroni), Benjamini-Hochberg q ' +
  'over all rules tested';

/** The outcomes of a run: those configured, else the quality label as rejected parts. */
export function outcomesOf(opts: Pick<RuleFactOptions, 'outcomes' | 'qualityLabel' | 'badQuality'>): OutcomeSpec[] {
  return opts.outcomes.length
    ? opts.outcomes
    : [{ label: opts.qualityLabel, values: opts.badQuality, meaning: 'quality_reject', node: null }];
}

/**
 * A text column can be a condition when it is filled on nearly every row and has a few values (variant, shift, lot).
 */
const MAX_CATEGORIES = 12;
const FILLED_SHARE = 0.95;
/**
 * A text column derived from the outcomes (a "machine failure" flag that is the union of the failure
 * labels): one of its values holds on this share of the rows of every outcome, and on fewer than half of
 * all rows. It restates them and is never a condition. (With one outcome this reads a column that marks
 * nearly all of its rows; with several, a real category such as a variant is not the same for all.)
 */
const RESTATES = 0.98;

function restatingColumns(t: SeriesTable, outcomes: readonly ((boolean | null)[] | null)[]): Map<string, string> {
  const ys = outcomes.filter((y): y is (boolean | null)[] => !!y && y.some(Boolean));
  const out = new Map<string, string>();
  if (!ys.length) return out;
  for (const [name, col] of t.labels) {
    const values = new Set(col.map((v) => v.trim()).filter(Boolean));
    if (values.size > MAX_CATEGORIES) continue;
    for (const v of values) {
      const share = col.filter((x) => x.trim() === v).length / col.length;
      if (share >= 0.5) continue;
      if (
        ys.every((y) => {
          const rows = y.flatMap((b, i) => (b ? [i] : []));
          return rows.filter((i) => col[i].trim() === v).length >= RESTATES * rows.length;
        })
      )
        out.set(name, v);
    }
  }
  return out;
}

/**
 * Threshold rules per asset and outcome, from the data alone plus the graph's derived quantities and the
 * text columns as categories. Then, for each single or band rule on a parameter with a recommended limit
 * on the same side, whether the mined threshold confirms or contradicts that limit. The outcomes' own
 * columns, and columns that restate an outcome, are never conditions.
 */
export function thresholdRuleFacts(
  tables: readonly SeriesTable[],
  index: GraphIndex,
  opts: RuleFactOptions,
  rand: Rand = secureRandom,
): { facts: Fact[]; setAside: SetAsideRule[]; privacy: PrivacyReport | null } {
  const facts: Fact[] = [];
  const setAside: SetAsideRule[] = [];
  const outcomes = outcomesOf(opts);
  const privacy = opts.privacy && privacyLedger(opts.privacy, outcomes.length);
  const outcomeColumns = new Set([...outcomes.map((o) => o.label), opts.qualityLabel]);
  for (const t of tables) {
    const labelled = outcomes.map((spec) => labelOutcome(t, spec));
    const restating = restatingColumns(t, labelled);
    for (const [name, value] of restating)
      setAside.push({
        asset: t.asset,
        outcome: outcomes.map((o) => o.label).join(', '),
        rule: `${name} = ${value}`,
        reason: 'restates the outcomes: holds on nearly every row of each of them; the column is never a condition',
      });
    for (const [k, spec] of outcomes.entries()) {
      const outcome = labelled[k];
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
      const categories: Record<string, string[]> = {};
      for (const [name, col] of t.labels) {
        if (outcomeColumns.has(name) || restating.has(name)) continue;
        const c = known.map((i) => col[i].trim());
        const distinct = new Set(c.filter((v) => v !== ''));
        const filled = c.filter((v) => v !== '').length;
        if (filled < FILLED_SHARE * known.length || distinct.size < 2 || distinct.size > MAX_CATEGORIES) continue;
        categories[name] = c;
      }
      if (privacy) {
        const mined = minePrivateRules(
          { features, outcome: y },
          { ...opts.rules, ...privacy.settings, epsilon: privacy.perOutcome },
          rand,
        );
        privacy.report(mined);
        for (const s of mined.set_aside)
          setAside.push({ asset: t.asset, outcome: spec.label, rule: describeRule(s.shape), reason: s.reason });
        const q = benjaminiHochberg(mined.rules.map((r) => r.p_value));
        for (const [k, rule] of mined.rules.entries()) {
          const ruleFact = withId(privateRuleFact(t, index, rule, q[k], mined, spec, privacy.settings.epsilon));
          facts.push(ruleFact);
          for (const a of agreements(ruleFact as ThresholdRuleFact, index, opts.rules.agreementTolerance))
            facts.push(withId(a));
        }
        continue;
      }
      const mined = mineThresholdRules({ features, categories, outcome: y }, opts.rules);
      for (const s of mined.set_aside)
        setAside.push({ asset: t.asset, outcome: spec.label, rule: describeRule(s.shape), reason: s.reason });
      for (const rule of mined.rules) {
        const ruleFact = withId(toRuleFact(t, index, rule, known, outcome, spec, positives, mined.tested, opts));
        facts.push(ruleFact);
        for (const a of agreements(ruleFact as ThresholdRuleFact, index, opts.rules.agreementTolerance))
          facts.push(withId(a));
      }
    }
  }
  return { facts, setAside, privacy: privacy ? privacy.result() : null };
}

/** fact kinds with no private release: a private run withholds them (deriveFacts.ts) */
export const WITHHELD_KINDS: readonly string[] = ['out_of_spec', 'event_chain', 'maintenance_pattern'];

function privacyLedger(settings: PrivacySettings, outcomes: number) {
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
    result: (): PrivacyReport => ({
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
      withheld_kinds: [...WITHHELD_KINDS],
    }),
  };
}

/** The outcome of each row (null where the label is empty). */
export function labelOutcome(t: SeriesTable, spec: Pick<OutcomeSpec, 'label' | 'values'>): (boolean | null)[] | null {
  return qualityOutcome(t, { qualityLabel: spec.label, badQuality: spec.values });
}

/** A rule candidate that was tested and not kept, and why (`rules_set_aside.jsonl` in the run directory). */
export const SetAsideRule = z.object({ asset: z.string(), outcome: z.string(), rule: z.string(), reason: z.string() });
export type SetAsideRule = z.infer<typeof SetAsideRule>;

function conditionsOf(shape: RuleShape): { combine: 'all' | 'any'; conditions: Condition[] } {
  switch (shape.kind) {
    case 'single':
      return { combine: 'all', conditions: [shape.condition] };
    case 'band':
      return {
        combine: 'any',
        conditions: [
          { feature: shape.feature, op: '<', threshold: shape.below },
          { feature: shape.feature, op: '>', threshold: shape.above },
        ],
      };
    case 'interval':
      return {
        combine: 'all',
        conditions: [
          { feature: shape.feature, op: '>', threshold: shape.above },
          { feature: shape.feature, op: '<', threshold: shape.below },
        ],
      };
    case 'conjunction':
      return { combine: 'all', conditions: shape.conditions };
    case 'category':
      return { combine: 'all', conditions: [] };
  }
}

/** The graph failure mode an outcome names (by id or name), without the direction it has on a parameter. */
function outcomeFailureMode(spec: OutcomeSpec, index: GraphIndex) {
  if (!spec.node) return undefined;
  const found = index.graph.parameters
    .flatMap((p) => p.failure_modes)
    .find((m) => m.id === spec.node || normaliseName(m.name) === normaliseName(spec.node!));
  if (!found) return undefined;
  const { direction: _d, ...mode } = found;
  return mode;
}

/**
 * The failure modes a rule names: its outcome's failure mode, else those the graph links to its parameters in its
 * direction (quality rejects only).
 */
function failureModesOf(conditions: Condition[], spec: OutcomeSpec, index: GraphIndex) {
  const mode = outcomeFailureMode(spec, index);
  if (mode) return [mode];
  if (spec.meaning !== 'quality_reject') return [];
  return conditions.flatMap((c) =>
    index
      .parameterById(c.feature)!
      .failure_modes.filter((m) => m.direction === (c.op === '>' ? 'above' : 'below'))
      .map(({ direction: _x, ...m }) => m),
  );
}

/** The outcome's graph node: a failure mode or an effect, by id or name. */
function outcomeNode(spec: OutcomeSpec, index: GraphIndex): NamedNode | null {
  const node = outcomeFailureMode(spec, index) ?? (spec.node ? index.effect(spec.node) : undefined);
  return node ? { id: node.id, name: node.name, name_zh: node.name_zh } : null;
}

/** The statement and subjects of a rule's fact (what it says, whichever way it was mined). */
function ruleStatement(
  t: SeriesTable,
  index: GraphIndex,
  shape: RuleShape,
  spec: OutcomeSpec,
  main: ThresholdRuleFact['statement']['outcome']['main_defect'],
) {
  const { combine, conditions } = conditionsOf(shape);
  const modes = failureModesOf(conditions, spec, index);
  const node = outcomeNode(spec, index);
  return {
    kind: 'threshold_rule' as const,
    subject: uniq([
      ...conditions.map((c) => c.feature),
      index.equipmentFor(t.asset)?.id,
      node?.id,
      ...modes.map((m) => m.id),
      main?.id,
    ]),
    statement: {
      asset: assetNode(t.asset, index),
      shape: shape.kind,
      combine,
      conditions: conditions.map((c) => ({
        parameter: parameterRef(index.parameterById(c.feature)!),
        op: c.op,
        threshold: c.threshold,
      })),
      category: shape.category ?? null,
      outcome: { label: spec.label, values: spec.values, meaning: spec.meaning, node, main_defect: main },
      failure_modes: modes.filter((m, k) => modes.findIndex((x) => x.id === m.id) === k),
    },
  };
}

const pct = (x: number) => round(100 * x, 1);

function toRuleFact(
  t: SeriesTable,
  index: GraphIndex,
  rule: MinedRule,
  known: number[],
  outcome: (boolean | null)[],
  spec: OutcomeSpec,
  positives: number,
  tested: number,
  opts: RuleFactOptions,
): Omit<ThresholdRuleFact, 'id'> {
  const ev = rule.evidence;
  const covered = rule.rows.map((k) => known[k]);
  const bad = new Set(outcome.flatMap((v, i) => (v ? [i] : [])));
  const coveredBad = covered.filter((i) => bad.has(i));
  const main = spec.meaning === 'quality_reject' ? mainDefect(t, coveredBad, index) : null;
  return {
    ...ruleStatement(t, index, rule.shape, spec, main),
    evidence: {
      n: known.length,
      support: ev.support,
      positives: ev.positives,
      confidence_pct: pct(ev.confidence),
      rest_rate_pct: pct(ev.rest_rate),
      base_rate_pct: pct(positives / known.length),
      lift: round(ev.lift, 2),
      ci_level_pct: 95,
      ci_pct: [pct(ev.ci[0]), pct(ev.ci[1])],
      recall_pct: pct(ev.recall),
      p_value: ev.p_value,
      q_value: ev.q_value,
      candidates_tested: tested,
      exact: ev.exact,
      alternatives: rule.alternatives,
      method: METHOD,
      privacy: null,
    },
    sources: [...coveredBad, ...covered.filter((i) => !bad.has(i))]
      .slice(0, opts.maxSources)
      .map((i) => rowSource(t, i)),
  };
}

/**
 * A privately mined rule's fact: every figure from the noisy counts (post-processing), no defect named
 * (that would read the covered rows), and its sources the files, not the lines - which rows a rule
 * covers is exactly what privacy withholds.
 */
function privateRuleFact(
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

/** Agreement of a single or band rule's thresholds with the graph's limits on the same side. */
function agreements(rule: ThresholdRuleFact, index: GraphIndex, tolerance: number): Omit<GraphAgreementFact, 'id'>[] {
  const s = rule.statement;
  // a threshold that holds only together with another, or within one category, is no limit of its own
  if ((s.shape !== 'single' && s.shape !== 'band') || s.category) return [];
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
    const reading =
      Math.abs(difference) <= tol ? 'limit_confirmed' : inward > 0 ? 'risk_inside_spec' : 'risk_beyond_spec';
    out.push({
      kind: 'graph_agreement',
      subject: uniq([spec.id, index.equipmentFor(s.asset.id)?.id]),
      statement: {
        parameter: c.parameter,
        asset: s.asset,
        side,
        spec_limit: limit,
        mined_threshold: c.threshold,
        difference,
        tolerance: tol,
        verdict: reading === 'limit_confirmed' ? 'confirms' : 'contradicts',
        reading,
        rule_fact: rule.id,
        outcome_rate_pct: { beyond: rule.evidence.confidence_pct, rest: rule.evidence.rest_rate_pct },
      },
      evidence: { n: rule.evidence.n, support: rule.evidence.support, lift: rule.evidence.lift },
      sources: rule.sources,
    });
  }
  return out;
}
