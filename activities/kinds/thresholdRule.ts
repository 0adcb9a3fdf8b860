import { z } from 'zod';
import { FactBase, NamedNode, FailureModeRef, RuleCondition, OutcomeSpec } from '../knowledge/factRefs';
import { askFigure } from '../corpus/probeCards';
import {
  outcomeNoun,
  outcomeRiskEn,
  outcomeRiskZh,
  ruleEn,
  ruleZh,
  thresholdRuleEn,
  thresholdRuleZh,
} from '../expand/offlineRuleTemplates';
import { thresholdRuleFacts } from '../knowledge/ruleFacts';
import type { KindSpec } from './kindSpec';

/**
 * Where an outcome becomes much more likely: one condition, outside an interval (below a or above b:
 * `any`), inside one (above a and below b), or two conditions together (`all`) - each possibly within one
 * category of a text column (`category`: thresholds per variant), or the category alone. Mined from the
 * data alone; the graph's specs are not used to find it.
 */
const ThresholdRuleStatement = z.object({
  asset: NamedNode,
  shape: z.enum(['single', 'band', 'interval', 'conjunction', 'category']),
  combine: z.enum(['all', 'any']),
  conditions: z.array(RuleCondition).max(2),
  category: z.object({ column: z.string(), value: z.string() }).nullable(),
  outcome: z.object({
    /** the label column and the values that count as the outcome, what it means and its graph node */
    label: z.string(),
    values: z.array(z.string()),
    meaning: OutcomeSpec.shape.meaning.removeDefault(),
    node: NamedNode.nullable(),
    main_defect: NamedNode.extend({ n: z.number().int() }).nullable(),
  }),
  /** failure modes the graph links to a parameter of the rule in the rule's direction */
  failure_modes: z.array(FailureModeRef),
});

/** The fact (the `Fact` union's member of kind threshold_rule, facts.ts). */
export const ThresholdRuleFact = z.object({
  kind: z.literal('threshold_rule'),
  ...FactBase,
  statement: ThresholdRuleStatement,
  evidence: z.object({
    /** rows with a known outcome; rows the rule covers; covered rows with the outcome */
    n: z.number().int(),
    support: z.number().int(),
    positives: z.number().int(),
    confidence_pct: z.number(),
    rest_rate_pct: z.number(),
    base_rate_pct: z.number(),
    lift: z.number(),
    ci_level_pct: z.number(),
    ci_pct: z.tuple([z.number(), z.number()]),
    recall_pct: z.number(),
    p_value: z.number(),
    q_value: z.number(),
    candidates_tested: z.number().int(),
    /** no covered row without the outcome: a deterministic rule */
    exact: z.boolean(),
    /** rules nearly as good when this one was chosen, not kept */
    alternatives: z.array(z.string()),
    method: z.string(),
    /** released with differential privacy: the run's epsilon and the Laplace scale of each count; null when not */
    privacy: z.object({ epsilon: z.number(), noise_scale: z.number() }).nullable().default(null),
  }),
});
export type ThresholdRuleFact = z.infer<typeof ThresholdRuleFact>;

/** Where an outcome becomes much more likely (ruleFacts.ts mines it; released privately through its noise). */
export const thresholdRule: KindSpec<typeof ThresholdRuleFact> = {
  schema: ThresholdRuleFact,
  mine: ({ tables, index, opts, rand }) => thresholdRuleFacts(tables, index, opts, rand),
  privateRelease: true,
  title: ({ statement: s }, lang) =>
    lang === 'en'
      ? `${outcomeRiskEn(s)} on ${s.asset.name} when ${ruleEn(s)}`
      : `${s.asset.name_zh}在${ruleZh(s)}时的${outcomeRiskZh(s)}`,
  topic: ({ statement: s }, lang) => {
    const what = outcomeNoun(s, lang);
    return lang === 'zh' ? `${s.asset.name_zh}的${what}` : `${what} on ${s.asset.name}`;
  },
  templates: { en: thresholdRuleEn, zh: thresholdRuleZh },
  asks: (f) => {
    const s = f.statement;
    const [oEn, oZh] = [outcomeNoun(s, 'en'), outcomeNoun(s, 'zh')];
    return [
      ...s.conditions.map((c, i) =>
        askFigure(
          `threshold-${i}`,
          [`${s.asset.id} | ${c.parameter.name} ${c.op} ? ${c.parameter.unit} | ${oEn}`, 'threshold'],
          [`${s.asset.id}｜${c.parameter.name_zh} ${c.op} ? ${c.parameter.unit}｜${oZh}`, '阈值'],
          c.threshold,
          c.parameter.unit,
        ),
      ),
      askFigure(
        'confidence',
        [`${s.asset.id} | ${oEn} | the rule holds`, 'rate, %'],
        [`${s.asset.id}｜${oZh}｜规则成立`, '比例（%）'],
        f.evidence.confidence_pct,
        '%',
      ),
    ];
  },
};
