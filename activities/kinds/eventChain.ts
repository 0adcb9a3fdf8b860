import { z } from 'zod';
import { FactBase, NamedNode } from '../knowledge/factRefs';
import { askFigure } from '../corpus/probeCards';
import { eventChainEn, eventChainZh } from '../expand/offlineEventChain';
import { withId } from '../knowledge/factParts';
import { eventChainFacts } from '../knowledge/eventChainFacts';
import type { KindSpec } from './kindSpec';

/** An alarm's episodes: raised, what operators did while it was active, whether it cleared, and how long that took. */
const EventChainStatement = z.object({
  alarm: NamedNode,
  asset: z.string(),
  parameter: NamedNode.extend({ unit: z.string() }).nullable(),
  episodes: z.number().int(),
  raised: z.number().int(),
  unresolved: z.number().int(),
  duration_min: z.object({ mean: z.number(), max: z.number() }).nullable(),
  /**
   * what was logged while the alarm was active (by template), in how many episodes, and how often the episode then
   * cleared
   */
  actions: z.array(
    z.object({
      text: z.string(),
      episodes: z.number().int(),
      recovered: z.number().int(),
      /** mean minutes from the action to the clear, over the episodes that cleared */
      clear_min_mean: z.number().nullable(),
    }),
  ),
});

/** The fact (the `Fact` union's member of kind event_chain, facts.ts). */
export const EventChainFact = z.object({
  kind: z.literal('event_chain'),
  ...FactBase,
  statement: EventChainStatement,
  evidence: z.object({ n: z.number().int(), events: z.number().int() }),
});
export type EventChainFact = z.infer<typeof EventChainFact>;

/** An alarm's episodes and what operators did while it was active (eventChainFacts.ts mines it). */
export const eventChain: KindSpec<typeof EventChainFact> = {
  schema: EventChainFact,
  mine: ({ events, index }) => ({ facts: eventChainFacts(events, index).map(withId) }),
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
