import { askFigure, parameterCard, quiz, type Ask } from './probeCards';
import { outOfSpecEn, outOfSpecZh } from './outOfSpecTemplates';
import { withId } from '../knowledge/factParts';
import { outOfSpecFacts } from '../knowledge/outOfSpecFacts';
import { OutOfSpecFact } from '../knowledge/facts';
import type { KindSpec } from './kindSpec';
import { parameterTopic } from './textParts';

/** How often a parameter left its recommended range, and what that did to quality (outOfSpecFacts.ts mines it). */
export const outOfSpec: KindSpec<typeof OutOfSpecFact> = {
  schema: OutOfSpecFact,
  mine: ({ tables, chains, index, opts }) => ({ facts: outOfSpecFacts(tables, chains, index, opts).map(withId) }),
  identity: ({ statement: s }) => [s.parameter.id, s.asset.id, s.direction],
  privateRelease: false,
  title: ({ statement: s }, lang) => {
    const up = s.direction === 'above';
    return lang === 'en'
      ? `${s.parameter.name} ${up ? 'above' : 'below'} ${s.limit} ${s.parameter.unit} on ${s.asset.name}`
      : `${s.asset.name_zh}${s.parameter.name_zh}${up ? '高于' : '低于'} ${s.limit} ${s.parameter.unit}`;
  },
  topic: parameterTopic,
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
