import { askFigure, parameterCard } from './probeCards';
import { graphAgreementEn, graphAgreementZh } from './graphAgreementTemplates';
import { GraphAgreementFact } from '../knowledge/facts';
import type { KindSpec } from './kindSpec';
import { parameterTopic } from './textParts';

/** A mined threshold beside the graph's recommended limit (ruleFacts.ts; released privately with its rule). */
export const graphAgreement: KindSpec<typeof GraphAgreementFact> = {
  schema: GraphAgreementFact,
  // written with the rules it checks (threshold_rule's miner, knowledge/agreementFacts.ts)
  mine: null,
  identity: ({ statement: s }) => [s.parameter.id, s.asset.id, s.side],
  privateRelease: true,
  title: ({ statement: s }, lang) =>
    lang === 'en'
      ? `the ${s.side} limit of ${s.parameter.name} (${s.spec_limit} ${s.parameter.unit}) against the production data`
      : `${s.parameter.name_zh}${s.side === 'upper' ? '上限' : '下限'}（${s.spec_limit} ${s.parameter.unit}）与生产数据的对照`,
  topic: parameterTopic,
  buildsOn: (f) => [f.statement.rule_fact],
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
