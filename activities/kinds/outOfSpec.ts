import { z } from 'zod';
import { FactBase, NamedNode, FailureModeRef, ParameterRef } from '../knowledge/factRefs';
import { askFigure, parameterCard, quiz, type Ask } from '../corpus/probeCards';
import { outOfSpecEn, outOfSpecZh } from '../expand/offlineOutOfSpec';
import { withId } from '../knowledge/factParts';
import { outOfSpecFacts } from '../knowledge/outOfSpecFacts';
import type { KindSpec } from './kindSpec';

/** How often a parameter left its recommended range, what that did to quality, and what the graph links to it. */
const OutOfSpecStatement = z.object({
  parameter: ParameterRef,
  asset: NamedNode,
  direction: z.enum(['above', 'below']),
  limit: z.number(),
  spec: z.object({ min: z.number().nullable(), max: z.number().nullable(), target: z.number().nullable() }),
  observed: z.object({ extreme: z.number(), mean_out: z.number() }),
  outcome: z
    .object({
      ng_rate_out_pct: z.number(),
      ng_rate_in_pct: z.number(),
      risk_ratio: z.number().nullable(),
      main_defect: NamedNode.extend({ n: z.number() }).nullable(),
    })
    .nullable(),
  failure_modes: z.array(FailureModeRef),
  alarms: z.array(NamedNode),
});

/** The fact (the `Fact` union's member of kind out_of_spec, facts.ts). */
export const OutOfSpecFact = z.object({
  kind: z.literal('out_of_spec'),
  ...FactBase,
  statement: OutOfSpecStatement,
  evidence: z.object({
    n: z.number().int(),
    n_out: z.number().int(),
    rate_pct: z.number(),
    ci_level_pct: z.number(),
    ci_pct: z.tuple([z.number(), z.number()]),
    n_ng_out: z.number().int(),
    n_ng_in: z.number().int(),
  }),
});
export type OutOfSpecFact = z.infer<typeof OutOfSpecFact>;

/** How often a parameter left its recommended range, and what that did to quality (outOfSpecFacts.ts mines it). */
export const outOfSpec: KindSpec<typeof OutOfSpecFact> = {
  schema: OutOfSpecFact,
  mine: ({ tables, events, index, opts }) => ({ facts: outOfSpecFacts(tables, events, index, opts).map(withId) }),
  privateRelease: false,
  title: ({ statement: s }, lang) => {
    const up = s.direction === 'above';
    return lang === 'en'
      ? `${s.parameter.name} ${up ? 'above' : 'below'} ${s.limit} ${s.parameter.unit} on ${s.asset.name}`
      : `${s.asset.name_zh}${s.parameter.name_zh}${up ? '高于' : '低于'} ${s.limit} ${s.parameter.unit}`;
  },
  topic: ({ statement: s }, lang) =>
    lang === 'zh' ? `${s.asset.name_zh}的${s.parameter.name_zh}` : `${s.parameter.name} on ${s.asset.name}`,
  templates: { en: outOfSpecEn, zh: outOfSpecZh },
  asks: ({ statement: s }) => {
    const p = s.parameter;
    const { en, zh, side } = parameterCard(s.asset, p, s.direction === 'above');
    const out: Ask[] = [
      askFigure('limit', [en, `recommended ${side[0]} bound`], [zh, `推荐${side[1]}限`], s.limit, p.unit),
      askFigure('extreme', [en, 'worst reading beyond it'], [zh, '超限时的最差读数'], s.observed.extreme, p.unit),
    ];
    if (s.outcome) {
      const o = s.outcome;
      out.push(
        askFigure(
          'ng_out',
          [en, 'reject rate beyond the bound, %'],
          [zh, '超限时不合格率（%）'],
          o.ng_rate_out_pct,
          '%',
        ),
      );
      if (o.main_defect)
        out.push({
          key: 'defect',
          q: quiz([en, 'defect seen most beyond the bound'], [zh, '超限时最常见的缺陷']),
          answer: { node: o.main_defect, pool: 'defect' },
        });
    }
    return out;
  },
};
