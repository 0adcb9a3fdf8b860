import { askFigure } from './probeCards';
import { eventChainEn, eventChainZh } from './eventChainTemplates';
import { withId } from '../knowledge/factParts';
import { chainFacts } from '../knowledge/eventChainFacts';
import { EventChainFact } from '../knowledge/facts';
import type { KindSpec } from './kindSpec';

/** An alarm's episodes and what operators did while it was active (eventChainFacts.ts: a ledger of them, mined). */
export const eventChain: KindSpec<typeof EventChainFact> = {
  schema: EventChainFact,
  mine: ({ chains, index }) => ({ facts: chainFacts(chains, index).map(withId) }),
  identity: ({ statement: s }) => [s.alarm.id, s.asset],
  privateRelease: false,
  title: ({ statement: s }, lang) =>
    lang === 'en'
      ? `alarm ${s.alarm.id} (${s.alarm.name}) on ${s.asset}`
      : `${s.asset} 的报警 ${s.alarm.id}（${s.alarm.name_zh}）`,
  topic: ({ statement: s }, lang) => (lang === 'zh' ? `"${s.alarm.name_zh}"报警` : `the alarm "${s.alarm.name}"`),
  templates: { en: eventChainEn, zh: eventChainZh },
  asks: ({ statement: s }) =>
    s.duration_min
      ? [
          askFigure(
            'duration',
            [`${s.asset} | alarm: ${s.alarm.name}`, 'mean duration, min'],
            [`${s.asset}｜报警：${s.alarm.name_zh}`, '平均持续（分钟）'],
            s.duration_min.mean,
            'min',
          ),
        ]
      : [],
};
