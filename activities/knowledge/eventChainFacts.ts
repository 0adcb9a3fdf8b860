import { z } from 'zod';
import { round } from '../common/numbers';
import type { EventRecord } from '../parse/records';
import { named, parameterRef, src, uniq } from './factParts';
import type { EventChainFact } from './facts';
import type { GraphIndex } from './linking';

export type TimedEvent = EventRecord & { ts: string };

/**
 * An alarm's episodes on an asset, folded one event at a time: the figures of its closed episodes (sums, so that a
 * later run adds to them) and the episode still open. The event-chain miner reads a ledger of these, so a schedule's
 * version carries the ledger of the versions before it instead of their events (knowledge over time: what the
 * figures need, not the lines).
 */
const Minutes = z.object({ n: z.number().int(), sum: z.number(), max: z.number() });
const ActionTally = z.object({
  text: z.string(),
  episodes: z.number().int(),
  recovered: z.number().int(),
  minutes: Minutes,
});
const OpenEpisode = z.object({
  start: z.string(),
  lines: z.number().int(),
  /** the first time each kind of action was taken in it: key, text, time */
  actions: z.array(z.tuple([z.string(), z.string(), z.string()])),
});
const AlarmChain = z.object({
  raised: z.number().int(),
  /** closed episodes, and their lines */
  closed: z.number().int(),
  lines: z.number().int(),
  durations: Minutes,
  actions: z.record(z.string(), ActionTally),
  /** the first lines of its episodes (at most `maxSources`): the fact's provenance */
  sources: z.array(z.string()),
  open: OpenEpisode.nullable(),
});
type AlarmChain = z.infer<typeof AlarmChain>;

/** Every asset's alarms' chains (**contract**: `knowledge/chains.json` of a schedule's version). */
export const ChainLedger = z.object({
  maxSources: z.number().int(),
  assets: z.record(z.string(), z.record(z.string(), AlarmChain)),
  /** per asset and alarm code, the first lines (at most `maxSources`) that carry the code: out_of_spec's provenance */
  coded: z.record(z.string(), z.record(z.string(), z.array(z.string()))),
  /** events folded in that were older than the last one folded before them (late data), per asset */
  late: z.record(z.string(), z.number().int()),
  last: z.record(z.string(), z.string()),
});
export type ChainLedger = z.infer<typeof ChainLedger>;

export const emptyLedger = (maxSources: number): ChainLedger => ({
  maxSources,
  assets: {},
  coded: {},
  late: {},
  last: {},
});

/** The first lines (at most `maxSources`) of an asset that carry an alarm code. */
export const alarmLines = (ledger: ChainLedger, asset: string, code: string): readonly string[] =>
  ledger.coded[asset]?.[code] ?? [];

const byTime = (a: TimedEvent, b: TimedEvent) => a.ts.localeCompare(b.ts) || a.line - b.line;
const minutesBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 60_000;
const NO_MINUTES = { n: 0, sum: 0, max: 0 };
const addMinutes = (m: z.infer<typeof Minutes>, v: number) => {
  m.n++;
  m.sum += v;
  m.max = m.n === 1 ? v : Math.max(m.max, v);
};

/**
 * The ledger with `events` folded in, in time order per asset (a new object; the given one is not changed). An alarm
 * is raised (an episode opens, or the open one gets the line), logged actions (info lines without a code) go to
 * every open episode of the asset, a clear closes it.
 */
export function foldEvents(ledger: ChainLedger, events: readonly TimedEvent[]): ChainLedger {
  const next: ChainLedger = structuredClone(ledger);
  const keep = (c: AlarmChain, e: TimedEvent) => {
    if (c.sources.length < next.maxSources) c.sources.push(src(e));
  };
  for (const e of [...events].sort(byTime)) {
    const chains = (next.assets[e.asset] ??= {});
    const last = next.last[e.asset];
    if (last !== undefined && e.ts < last) next.late[e.asset] = (next.late[e.asset] ?? 0) + 1;
    else next.last[e.asset] = e.ts;
    if (e.code) {
      const lines = ((next.coded[e.asset] ??= {})[e.code] ??= []);
      if (lines.length < next.maxSources) lines.push(src(e));
    }
    if (e.code && e.state === 'raised') {
      const c = (chains[e.code] ??= {
        raised: 0,
        closed: 0,
        lines: 0,
        durations: { ...NO_MINUTES },
        actions: {},
        sources: [],
        open: null,
      });
      c.raised++;
      c.open ??= { start: e.ts, lines: 0, actions: [] };
      c.open.lines++;
      keep(c, e);
    } else if (e.code && e.state === 'cleared') {
      const c = chains[e.code];
      if (!c?.open) continue;
      keep(c, e);
      close(c, c.open, e.ts);
    } else if (!e.code && e.state === 'info') {
      const key = e.template ?? e.text;
      for (const c of Object.values(chains)) {
        if (!c.open) continue;
        c.open.lines++;
        keep(c, e);
        if (!c.open.actions.some(([k]) => k === key)) c.open.actions.push([key, e.text, e.ts]);
      }
    }
  }
  return next;
}

/** An episode closed at `end`: its duration, lines and actions (each recovered, with its minutes to the clear). */
function close(c: AlarmChain, ep: z.infer<typeof OpenEpisode>, end: string): void {
  c.closed++;
  c.lines += ep.lines + 1;
  addMinutes(c.durations, minutesBetween(ep.start, end));
  for (const [key, text, ts] of ep.actions) {
    const a = (c.actions[key] ??= { text, episodes: 0, recovered: 0, minutes: { ...NO_MINUTES } });
    a.episodes++;
    a.recovered++;
    addMinutes(a.minutes, minutesBetween(ts, end));
  }
  c.open = null;
}

/** An alarm's episodes per asset: raised, what was logged while it was active, cleared, and how long that took. */
export function chainFacts(ledger: ChainLedger, index: GraphIndex): Omit<EventChainFact, 'id'>[] {
  const facts: Omit<EventChainFact, 'id'>[] = [];
  for (const asset of Object.keys(ledger.assets).sort()) {
    const chains = ledger.assets[asset];
    for (const code of Object.keys(chains).sort()) {
      const c = chains[code];
      const alarm = index.alarms.get(code);
      const param = alarm?.parameter ? index.parameter(alarm.parameter) : undefined;
      const episodes = c.closed + (c.open ? 1 : 0);
      facts.push({
        kind: 'event_chain',
        subject: uniq([alarm ? code : undefined, param?.id, index.equipmentFor(asset)?.id]),
        statement: {
          alarm: alarm ? named(alarm) : { id: code, name: code, name_zh: code },
          asset,
          parameter: param ? parameterRef(param) : null,
          episodes,
          raised: c.raised,
          unresolved: c.open ? 1 : 0,
          duration_min: c.durations.n
            ? { mean: round(c.durations.sum / c.durations.n, 1), max: round(c.durations.max, 1) }
            : null,
          actions: actionOutcomes(c).slice(0, 5),
        },
        evidence: { n: episodes, events: c.lines + (c.open?.lines ?? 0) },
        sources: c.sources,
      });
    }
  }
  return facts;
}

/**
 * Each kind of action logged during episodes (the same mined template, or the same text), with the number of
 * episodes it was taken in (the open one too), how many of those then cleared, and the mean minutes from the action
 * to the clear. Most used first.
 */
function actionOutcomes(c: AlarmChain): EventChainFact['statement']['actions'] {
  const tallies = new Map(Object.entries(c.actions).map(([k, a]) => [k, { ...a }]));
  for (const [key, text] of c.open?.actions ?? []) {
    const a = tallies.get(key);
    tallies.set(key, a ? { ...a, episodes: a.episodes + 1 } : { text, episodes: 1, recovered: 0, minutes: NO_MINUTES });
  }
  return [...tallies.values()]
    .sort((a, b) => b.episodes - a.episodes || a.text.localeCompare(b.text))
    .map((x) => ({
      text: x.text,
      episodes: x.episodes,
      recovered: x.recovered,
      clear_min_mean: x.minutes.n ? round(x.minutes.sum / x.minutes.n, 1) : null,
    }));
}
