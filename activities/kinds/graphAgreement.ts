import { z } from 'zod';
import { FactBase, NamedNode, ParameterRef } from '../knowledge/factRefs';
import { askFigure, parameterCard } from '../corpus/probeCards';
import { graphAgreementEn, graphAgreementZh } from '../expand/offlineAgreementTemplates';
import type { KindSpec } from './kindSpec';

/** A mined threshold set beside the graph's recommended limit for the same parameter and side. */
const GraphAgreementStatement = z.object({
  parameter: ParameterRef,
  asset: NamedNode,
  side: z.enum(['upper', 'lower']),
  spec_limit: z.number(),
  mined_threshold: z.number(),
  /** mined minus spec, in the parameter's unit */
  difference: z.number(),
  tolerance: z.number(),
  verdict: z.enum(['confirms', 'contradicts']),
  /** contradicts in which way: the risk rises already inside the recommended range, or only well beyond it */
  reading: z.enum(['limit_confirmed', 'risk_inside_spec', 'risk_beyond_spec']),
  rule_fact: z.string(),
  outcome_rate_pct: z.object({ beyond: z.number(), rest: z.number() }),
});

/** The fact (the `Fact` union's member of kind graph_agreement, facts.ts). */
export const GraphAgreementFact = z.object({
  kind: z.literal('graph_agreement'),
  ...FactBase,
  statement: GraphAgreementStatement,
  evidence: z.object({ n: z.number().int(), support: z.number().int(), lift: z.number() }),
});
export type GraphAgreementFact = z.infer<typeof GraphAgreementFact>;

/** A mined threshold beside the graph's recommended limit (ruleFacts.ts; released privately with its rule). */
export const graphAgreement: KindSpec<typeof GraphAgreementFact> = {
  schema: GraphAgreementFact,
  // written with the rules it checks (threshold_rule's miner, knowledge/agreementFacts.ts)
  mine: null,
  privateRelease: true,
  title: ({ statement: s }, lang) =>
    lang === 'en'
      ? `the ${s.side} limit of ${s.parameter.name} (${s.spec_limit} ${s.parameter.unit}) against the production data`
      : `${s.parameter.name_zh}${s.side === 'upper' ? '上限' : '下限'}（${s.spec_limit} ${s.parameter.unit}）与生产数据的对照`,
  topic: ({ statement: s }, lang) =>
    lang === 'zh' ? `${s.asset.name_zh}的${s.parameter.name_zh}` : `${s.parameter.name} on ${s.asset.name}`,
  templates: { en: graphAgreementEn, zh: graphAgreementZh },
  asks: ({ statement: s }) => {
    const p = s.parameter;
    const { en, zh, side } = parameterCard(s.asset, p, s.side === 'upper');
    return [
      askFigure(
        'mined',
        [en, `${side[0]} threshold found in the data`],
        [zh, `数据给出的${side[1]}阈值`],
        s.mined_threshold,
        p.unit,
      ),
      askFigure('spec', [en, `${side[0]} limit of the specification`], [zh, `规格${side[1]}限`], s.spec_limit, p.unit),
    ];
  },
};
