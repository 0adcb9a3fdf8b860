import { canonicalJson } from '../common/canonicalJson';
import { sha256 } from '../common/files';
import { round } from '../common/numbers';
import type { EventRecord, OperationRecord, SampleRecord, WorkOrderRecord } from '../parse/records';
import { openBatches } from '../parse/sampleBatch';
import { Fact, type EventChainFact, type MaintenanceFact, type NamedNode, type OutOfSpecFact } from './facts';
import type { GraphSnapshot, ParameterSpec } from './graphSnapshot';
import { GraphIndex, normaliseUnit } from './linking';
import { mean, wilsonInterval } from './stats';

export interface DeriveOptions {
  /** fewest out-of-range samples that make an out-of-spec fact */
  minSupport: number;
  /** most `file:line` sources kept per fact (the evidence counts keep the totals) */
  maxSources: number;
  /** label values that mark a bad part */
  badQuality: string[];
}
export const DEFAULT_DERIVE_OPTIONS: DeriveOptions = { minSupport: 3, maxSources: 100, badQuality: ['NG', 'FAIL', 'REJECT', 'SCRAP', '不合格'] };

export interface DeriveResult {
  facts: Fact[];
  /** measurements that could not be joined with the graph, by reason */
  unlinked: Record<string, number>;
}

const src = (r: { source: string; line: number }) => `${r.source}:${r.line}`;
const named = (n: NamedNode): NamedNode => ({ id: n.id, name: n.name, name_zh: n.name_zh });

/**
 * Join records with the knowledge graph and derive facts with evidence and provenance. Pure and deterministic.
 * Samples may come as batches (as record files hold them) or as single rows.
 */
export function deriveFacts(records: readonly (OperationRecord | SampleRecord)[], graph: GraphSnapshot, opts: DeriveOptions = DEFAULT_DERIVE_OPTIONS): DeriveResult {
  const index = new GraphIndex(graph);
  const unlinked: Record<string, number> = {};
  const samples = openBatches(records).filter((r): r is SampleRecord => r.kind === 'sample');
  // events without a time (sources configured so) cannot be placed in a chain
  const events = records.filter((r): r is EventRecord & { ts: string } => r.kind === 'event' && r.ts !== null);
  const orders = records.filter((r): r is WorkOrderRecord => r.kind === 'work_order');
  const facts: Fact[] = [
    ...outOfSpecFacts(samples, events, index, opts, unlinked),
    ...eventChainFacts(events, index),
    ...maintenanceFacts(orders, index),
  ];
  return { facts: facts.map(withId).sort((a, b) => a.id.localeCompare(b.id)), unlinked };
}

/** A fact's id is the hash of everything it says: the same data and graph give the same id. */
function withId(f: Omit<Fact, 'id'> & { id?: string }): Fact {
  const { id: _ignored, ...body } = f;
  return Fact.parse({ ...body, id: `fact-${sha256(canonicalJson(body)).slice(0, 24)}` });
}

function outOfSpecFacts(samples: SampleRecord[], events: TimedEvent[], index: GraphIndex, opts: DeriveOptions,
  unlinked: Record<string, number>): OutOfSpecFact[] {
  // (asset, parameter) -> the samples that carry it
  const series = new Map<string, { asset: string; spec: ParameterSpec; rows: { r: SampleRecord; v: number }[] }>();
  for (const r of samples) {
    for (const [tag, m] of Object.entries(r.values)) {
      const spec = index.parameter(tag);
      if (!spec) { bump(unlinked, `no graph parameter for tag "${tag}"`); continue; }
      if (normaliseUnit(m.unit) !== normaliseUnit(spec.unit)) { bump(unlinked, `unit "${m.unit}" of tag "${tag}" differs from ${spec.id} (${spec.unit})`); continue; }
      const key = `${r.asset}\u0000${spec.id}`;
      let s = series.get(key);
      if (!s) series.set(key, (s = { asset: r.asset, spec, rows: [] }));
      s.rows.push({ r, v: m.value });
    }
  }
  const isBad = (r: SampleRecord) => r.labels.quality !== undefined && opts.badQuality.includes(r.labels.quality.trim().toUpperCase());
  const hasQuality = samples.some((r) => r.labels.quality !== undefined);
  const facts: OutOfSpecFact[] = [];
  for (const { asset, spec, rows } of [...series.values()].sort((a, b) => (a.asset + a.spec.id).localeCompare(b.asset + b.spec.id))) {
    for (const direction of ['above', 'below'] as const) {
      const out = rows.filter(({ v }) => (direction === 'above' ? v > spec.max : v < spec.min));
      if (out.length < opts.minSupport) continue;
      const inRange = rows.filter(({ v }) => v >= spec.min && v <= spec.max);
      const ngOut = out.filter(({ r }) => isBad(r));
      const ngIn = inRange.filter(({ r }) => isBad(r));
      const rateOut = ngOut.length / out.length;
      const rateIn = inRange.length ? ngIn.length / inRange.length : 0;
      const defects = new Map<string, { node: NamedNode; n: number }>();
      for (const { r } of ngOut) {
        const node = r.labels.defect ? index.effect(r.labels.defect) : undefined;
        if (node) defects.set(node.id, { node, n: (defects.get(node.id)?.n ?? 0) + 1 });
      }
      const main = [...defects.values()].sort((a, b) => b.n - a.n || a.node.id.localeCompare(b.node.id))[0];
      const [lo, hi] = wilsonInterval(out.length, rows.length);
      const modes = spec.failure_modes.filter((m) => m.direction === direction).map(({ direction: _d, ...m }) => m);
      const alarms = spec.alarms.filter((a) => a.direction === direction).map(named);
      const alarmIds = new Set(alarms.map((a) => a.id));
      const equipment = index.equipmentFor(asset);
      const values = out.map(({ v }) => v);
      facts.push({
        id: '',
        kind: 'out_of_spec',
        subject: uniq([spec.id, equipment?.id, ...modes.map((m) => m.id), main?.node.id, ...alarms.map((a) => a.id)]),
        statement: {
          parameter: { ...named(spec), unit: spec.unit },
          asset: equipment ? { ...named(equipment), id: asset } : { id: asset, name: asset, name_zh: asset },
          direction,
          limit: direction === 'above' ? spec.max : spec.min,
          spec: { min: spec.min, max: spec.max, target: spec.target },
          observed: { extreme: direction === 'above' ? Math.max(...values) : Math.min(...values), mean_out: round(mean(values), 1) },
          outcome: hasQuality ? {
            ng_rate_out_pct: round(100 * rateOut, 1),
            ng_rate_in_pct: round(100 * rateIn, 1),
            risk_ratio: rateIn > 0 ? round(rateOut / rateIn, 1) : null,
            main_defect: main ? { ...main.node, n: main.n } : null,
          } : null,
          failure_modes: modes,
          alarms,
        },
        evidence: {
          n: rows.length, n_out: out.length, rate_pct: round((100 * out.length) / rows.length, 1),
          ci_level_pct: 95, ci_pct: [round(100 * lo, 1), round(100 * hi, 1)], n_ng_out: ngOut.length, n_ng_in: ngIn.length,
        },
        sources: [
          ...out.slice(0, opts.maxSources).map(({ r }) => src(r)),
          ...events.filter((e) => e.code && alarmIds.has(e.code) && e.asset === asset).slice(0, opts.maxSources).map(src),
        ],
      });
    }
  }
  return facts;
}

type TimedEvent = EventRecord & { ts: string };

function eventChainFacts(events: TimedEvent[], index: GraphIndex): EventChainFact[] {
  const byAsset = new Map<string, TimedEvent[]>();
  for (const e of [...events].sort((a, b) => a.ts.localeCompare(b.ts) || a.line - b.line)) {
    const list = byAsset.get(e.asset) ?? [];
    list.push(e);
    byAsset.set(e.asset, list);
  }
  const facts: EventChainFact[] = [];
  for (const [asset, list] of [...byAsset.entries()].sort()) {
    const codes = [...new Set(list.filter((e) => e.code && e.state === 'raised').map((e) => e.code!))].sort();
    for (const code of codes) {
      const alarm = index.alarms.get(code);
      const episodes: { start: TimedEvent; end: TimedEvent | null; lines: TimedEvent[]; actions: string[] }[] = [];
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
          open.actions.push(e.text);
        }
      }
      const closed = episodes.filter((ep) => ep.end);
      const durations = closed.map((ep) => (Date.parse(ep.end!.ts) - Date.parse(ep.start.ts)) / 60_000);
      const param = alarm?.parameter ? index.parameter(alarm.parameter) : undefined;
      facts.push({
        id: '',
        kind: 'event_chain',
        subject: uniq([alarm ? code : undefined, param?.id, index.equipmentFor(asset)?.id]),
        statement: {
          alarm: alarm ? named(alarm) : { id: code, name: code, name_zh: code },
          asset,
          parameter: param ? { ...named(param), unit: param.unit } : null,
          episodes: episodes.length,
          raised: list.filter((e) => e.code === code && e.state === 'raised').length,
          unresolved: episodes.length - closed.length,
          duration_min: durations.length ? { mean: round(mean(durations), 1), max: round(Math.max(...durations), 1) } : null,
          actions_logged: uniq(episodes.flatMap((ep) => ep.actions)).slice(0, 5),
        },
        evidence: { n: episodes.length, events: episodes.reduce((a, ep) => a + ep.lines.length, 0) },
        sources: episodes.flatMap((ep) => ep.lines.map(src)),
      });
    }
  }
  return facts;
}

function maintenanceFacts(orders: WorkOrderRecord[], index: GraphIndex): MaintenanceFact[] {
  const groups = new Map<string, WorkOrderRecord[]>();
  for (const o of orders) {
    const key = o.cause.trim().toLowerCase();
    groups.set(key, [...(groups.get(key) ?? []), o]);
  }
  const facts: MaintenanceFact[] = [];
  for (const [, list] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const equipment = uniqBy(list.map((o) => index.equipmentFor(o.asset)).filter((e): e is NamedNode => !!e), (e) => e.id);
    const causeNode = index.cause(list[0].cause);
    const downtimes = list.map((o) => o.downtime_min).filter((d): d is number => d !== null);
    facts.push({
      id: '',
      kind: 'maintenance_pattern',
      subject: uniq([...equipment.map((e) => e.id), causeNode?.id]),
      statement: {
        cause: list[0].cause,
        cause_node: causeNode ? named(causeNode) : null,
        equipment: equipment.map(named),
        symptoms: uniq(list.map((o) => o.symptom)),
        actions: uniq(list.map((o) => o.action)),
        parts: uniq(list.map((o) => o.fields.parts).filter((p): p is string => !!p && p.toLowerCase() !== 'none')),
        downtime_min: downtimes.length ? { total: downtimes.reduce((a, b) => a + b, 0), mean: round(mean(downtimes), 1) } : null,
      },
      evidence: { n: list.length },
      sources: list.map(src),
    });
  }
  return facts;
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}
function uniq<T>(xs: readonly (T | undefined | null)[]): T[] {
  return [...new Set(xs.filter((x): x is T => x !== undefined && x !== null))];
}
function uniqBy<T>(xs: readonly T[], key: (x: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const x of xs) if (!seen.has(key(x))) seen.set(key(x), x);
  return [...seen.values()];
}
