import { z } from 'zod';
import { round } from '../common/numbers';
import { withId } from './factParts';
import type { GraphAgreementFact, OutcomeSpec, ThresholdRuleFact } from './facts';
import type { GraphIndex } from './linking';
import { mainDefect, qualityOutcome } from './outOfSpecFacts';
import { rowSource, type SeriesTable } from './seriesTable';
import { describeRule, type MinedRule, type MineOptions, mineThresholdRules } from './thresholdRules';
import { benjaminiHochberg } from './stats';
import { minePrivateRules } from './privateRules';
import { type PrivacyReport, type PrivacySettings, type Rand, secureRandom } from './privacy';
import { agreements } from './agreementFacts';
import { privacyLedger, privateRuleFact } from './privateRuleFacts';
import { pct, ruleStatement } from './ruleStatement';

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
): {
  facts: (ThresholdRuleFact | GraphAgreementFact)[];
  setAside: SetAsideRule[];
  privacy: Omit<PrivacyReport, 'withheld_kinds'> | null;
} {
  const facts: (ThresholdRuleFact | GraphAgreementFact)[] = [];
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
          const ruleFact = withId<ThresholdRuleFact>(
            privateRuleFact(t, index, rule, q[k], mined, spec, privacy.settings.epsilon),
          );
          facts.push(ruleFact);
          for (const a of agreements(ruleFact as ThresholdRuleFact, index, opts.rules.agreementTolerance))
            facts.push(withId(a));
        }
        continue;
      }
      // text columns as categories (the private miner takes none: their values are read from the data)
      const categories: Record<string, string[]> = {};
      for (const [name, col] of t.labels) {
        if (outcomeColumns.has(name) || restating.has(name)) continue;
        const c = known.map((i) => col[i].trim());
        const distinct = new Set(c.filter((v) => v !== ''));
        const filled = c.filter((v) => v !== '').length;
        if (filled < FILLED_SHARE * known.length || distinct.size < 2 || distinct.size > MAX_CATEGORIES) continue;
        categories[name] = c;
      }
      const mined = mineThresholdRules({ features, categories, outcome: y }, opts.rules);
      for (const s of mined.set_aside)
        setAside.push({ asset: t.asset, outcome: spec.label, rule: describeRule(s.shape), reason: s.reason });
      for (const rule of mined.rules) {
        const ruleFact = withId<ThresholdRuleFact>(
          toRuleFact(t, index, rule, known, outcome, spec, positives, mined.tested, opts),
        );
        facts.push(ruleFact);
        for (const a of agreements(ruleFact as ThresholdRuleFact, index, opts.rules.agreementTolerance))
          facts.push(withId(a));
      }
    }
  }
  return { facts, setAside, privacy: privacy ? privacy.result() : null };
}

/** The outcome of each row (null where the label is empty). */
export function labelOutcome(t: SeriesTable, spec: Pick<OutcomeSpec, 'label' | 'values'>): (boolean | null)[] | null {
  return qualityOutcome(t, { qualityLabel: spec.label, badQuality: spec.values });
}

/** A rule candidate that was tested and not kept, and why (`rules_set_aside.jsonl` in the run directory). */
export const SetAsideRule = z.object({ asset: z.string(), outcome: z.string(), rule: z.string(), reason: z.string() });
export type SetAsideRule = z.infer<typeof SetAsideRule>;

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
