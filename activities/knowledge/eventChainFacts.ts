import { round } from '../common/numbers';
import type { EventRecord } from '../parse/records';
import { named, parameterRef, src, uniq } from './factParts';
import type { EventChainFact } from './facts';
import type { GraphIndex } from './linking';
import { mean } from './stats';

export type TimedEvent = EventRecord & { ts: string };

/** An alarm's episodes per asset: raised, what was logged while it was active, cleared, and how long that took. */
export function eventChainFacts(events: readonly TimedEvent[], index: GraphIndex): Omit<EventChainFact, 'id'>[] {
  const byAsset = new Map<string, TimedEvent[]>();
  for (const e of [...events].sort((a, b) => a.ts.localeCompare(b.ts) || a.line - b.line)) {
    const list = byAsset.get(e.asset) ?? [];
    list.push(e);
    byAsset.set(e.asset, list);
  }
  const facts: Omit<EventChainFact, 'id'>[] = [];
  for (const [asset, list] of [...byAsset.entries()].sort()) {
    const codes = [...new Set(list.filter((e) => e.code && e.state === 'raised').map((e) => e.code!))].sort();
    for (const code of codes) {
      const alarm = index.alarms.get(code);
      const episodes: { start: TimedEvent; end: TimedEvent | null; lines: TimedEvent[]; actions: TimedEvent[] }[] = [];
      let open: (typeof episodes)[number] | null = null;
      for (const e of list) {
        if (e.code === code && e.state === 'raised') {
          if (!open) episodes.push((open = { start: e, end: null, lines: [], actions: [] }));
          open.lines.push(e);
        } else if (e.code === code && e.state === 'cleared' && open) {
          open.end = e;
          open.lines.push(e);
          open = null;
        } else if (open && !e.code && e.state === 'info') {
          open.lines.push(e);
          open.actions.push(e);
        }
      }
      const closed = episodes.filter((ep) => ep.end);
      const durations = closed.map((ep) => (Date.parse(ep.end!.ts) - Date.parse(ep.start.ts)) / 60_000);
      const param = alarm?.parameter ? index.parameter(alarm.parameter) : undefined;
      facts.push({
        kind: 'event_chain',
        subject: uniq([alarm ? code : undefined, param?.id, index.equipmentFor(asset)?.id]),
        statement: {
          alarm: alarm ? named(alarm) : { id: code, name: code, name_zh: code },
          asset,
          parameter: param ? parameterRef(param) : null,
          episodes: episodes.length,
          raised: list.filter((e) => e.code === code && e.state === 'raised').length,
          unresolved: episodes.length - closed.length,
          duration_min: durations.length
            ? { mean: round(mean(durations), 1), max: round(Math.max(...durations), 1) }
            : null,
          actions: actionOutcomes(episodes).slice(0, 5),
        },
        evidence: { n: episodes.length, events: episodes.reduce((a, ep) => a + ep.lines.length, 0) },
        sources: episodes.flatMap((ep) => ep.lines.map(src)),
      });
    }
  }
  return facts;
}

/**
 * Each kind of action logged during episodes (the same mined template, or the same text), with the
 * number of episodes it was taken in, how many of those then cleared, and the mean minutes from the
 * action to the clear. Most used first.
 */
function actionOutcomes(
  episodes: readonly { end: TimedEvent | null; actions: TimedEvent[] }[],
): EventChainFact['statement']['actions'] {
  const byKey = new Map<string, { text: string; episodes: number; recovered: number; minutes: number[] }>();
  for (const ep of episodes) {
    const seen = new Set<string>();
    for (const a of ep.actions) {
      const key = a.template ?? a.text;
      if (seen.has(key)) continue; // the first time it was taken in this episode
      seen.add(key);
      let x = byKey.get(key);
      if (!x) byKey.set(key, (x = { text: a.text, episodes: 0, recovered: 0, minutes: [] }));
      x.episodes++;
      if (ep.end) {
        x.recovered++;
        x.minutes.push((Date.parse(ep.end.ts) - Date.parse(a.ts)) / 60_000);
      }
    }
  }
  return [...byKey.values()]
    .sort((a, b) => b.episodes - a.episodes || a.text.localeCompare(b.text))
    .map((x) => ({
      text: x.text,
      episodes: x.episodes,
      recovered: x.recovered,
      clear_min_mean: x.minutes.length ? round(mean(x.minutes), 1) : null,
    }));
}
