import { askFigure } from './probeCards';
import {
  outcomeNoun,
  outcomeRiskEn,
  outcomeRiskZh,
  ruleEn,
  ruleZh,
  thresholdRuleEn,
  thresholdRuleZh,
} from './thresholdRuleTemplates';
import { thresholdRuleFacts } from '../knowledge/ruleFacts';
import { ThresholdRuleFact } from '../knowledge/facts';
import type { KindSpec } from './kindSpec';

/** Where an outcome becomes much more likely (ruleFacts.ts mines it; released privately through its noise). */
export const thresholdRule: KindSpec<typeof ThresholdRuleFact> = {
  schema: ThresholdRuleFact,
  mine: ({ tables, index, opts, rand }) => thresholdRuleFacts(tables, index, opts, rand),
  identity: ({ statement: s }) => [
    s.asset.id,
    s.outcome.label,
    s.outcome.values,
    s.shape,
    s.combine,
    s.category,
    s.conditions.map((c) => [c.parameter.id, c.op]),
  ],
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
