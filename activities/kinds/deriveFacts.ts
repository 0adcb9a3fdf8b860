import { Fact, factId, KINDS, privateRelease, withheldKinds } from '.';
import { DEFAULT_DERIVE_OPTIONS, type DeriveOptions } from '../knowledge/deriveOptions';
import type { MineInputs } from './kindSpec';
import type { OperationRecord, SampleRecord, WorkOrderRecord } from '../parse/records';
import { type ChainLedger, emptyLedger, foldEvents, type TimedEvent } from '../knowledge/eventChainFacts';
import type { GraphSnapshot } from '../knowledge/graphSnapshot';
import { GraphIndex } from '../knowledge/linking';
import type { SetAsideRule } from '../knowledge/ruleFacts';
import type { PrivacyReport, Rand } from '../knowledge/privacy';
import { SeriesTableBuilder } from '../knowledge/seriesTable';

export interface DeriveResult {
  facts: Fact[];
  /** measurements that could not be joined with the graph, by reason */
  unlinked: Record<string, number>;
  /** threshold-rule candidates tested and not kept, each with its reason */
  rulesSetAside: SetAsideRule[];
  /** with `privacy`: the budget and what was withheld */
  privacy: PrivacyReport | null;
}

/**
 * What fact derivation reads, collected one record at a time so that record files can be streamed: samples
 * go into per-asset tables as they come (their records are not kept), events and work orders are kept. Events are
 * folded into the alarms' ledger - after `earlier`'s (a schedule's previous version) when given.
 */
export class FactInputs {
  readonly unlinked: Record<string, number> = {};
  readonly events: TimedEvent[] = [];
  readonly orders: WorkOrderRecord[] = [];
  private readonly index: GraphIndex;
  private readonly tables: SeriesTableBuilder;

  private folded: ChainLedger | null = null;

  constructor(
    graph: GraphSnapshot,
    private readonly earlier: ChainLedger | null = null,
  ) {
    this.index = new GraphIndex(graph);
    this.tables = new SeriesTableBuilder(this.index, this.unlinked);
  }

  /** The alarms' ledger with the events folded in (kept by a schedule's version for the next). */
  chains(maxSources: number): ChainLedger {
    this.folded ??= foldEvents(this.earlier ?? emptyLedger(maxSources), this.events);
    return this.folded;
  }

  add(r: OperationRecord | SampleRecord): void {
    if (r.kind === 'samples' || r.kind === 'sample') this.tables.add(r);
    // events without a time (sources configured so) cannot be placed in a chain
    else if (r.kind === 'event' && r.ts !== null) this.events.push(r as TimedEvent);
    else if (r.kind === 'work_order') this.orders.push(r);
  }

  /**
   * Derive the facts, with evidence and provenance. Pure and deterministic - except with `privacy`, where
   * only threshold rules (and their agreement with the graph) are released, through noise drawn from `rand`.
   */
  derive(opts: DeriveOptions = DEFAULT_DERIVE_OPTIONS, rand?: Rand): DeriveResult {
    const { index, events, orders } = this;
    const inputs: MineInputs = {
      tables: this.tables.finish(),
      events,
      orders,
      chains: this.chains(opts.maxSources),
      index,
      opts,
      rand,
    };
    const all: Fact[] = [];
    const rulesSetAside: SetAsideRule[] = [];
    let privacy: PrivacyReport | null = null;
    for (const kind of KINDS) {
      const mined = kind.mine?.(inputs);
      if (!mined) continue;
      // validated here, at the boundary of derivation: a miner's fact that is not one of the union's fails the run
      for (const f of mined.facts) all.push(Fact.parse(f));
      rulesSetAside.push(...(mined.setAside ?? []));
      if (mined.privacy) privacy = { ...mined.privacy, withheld_kinds: withheldKinds() };
    }
    const released = opts.privacy ? privateRelease(all) : all;
    const facts = stableIds(released);
    return {
      facts: facts.sort((a, b) => a.id.localeCompare(b.id)),
      unlinked: this.unlinked,
      rulesSetAside,
      privacy,
    };
  }
}

/**
 * Each fact under its stable id (`factId`: its kind's identity), the draft ids the miners gave (withId: a hash of the
 * content, by which a fact names the one it builds on) rewritten wherever a fact names one. Facts of one identity
 * (two rules on one parameter at two thresholds) are never merged: the second and later, in the miner's order, get
 * the identity's id with `-2`, `-3`...
 */
export function stableIds(facts: readonly Fact[]): Fact[] {
  const ids = new Map<string, string>();
  const taken = new Map<string, number>();
  for (const f of facts) {
    const id = factId(f);
    const n = (taken.get(id) ?? 0) + 1;
    taken.set(id, n);
    ids.set(f.id, n === 1 ? id : `${id}-${n}`);
  }
  const rename = (v: unknown): unknown =>
    typeof v === 'string'
      ? (ids.get(v) ?? v)
      : Array.isArray(v)
        ? v.map(rename)
        : v && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rename(x)]))
          : v;
  return facts.map((f) => rename(f) as Fact);
}

/**
 * Join records with the knowledge graph and derive facts with evidence and provenance. Pure and deterministic.
 * Samples may come as batches (as record files hold them) or as single rows.
 */
export function deriveFacts(
  records: Iterable<OperationRecord | SampleRecord>,
  graph: GraphSnapshot,
  opts: DeriveOptions = DEFAULT_DERIVE_OPTIONS,
  rand?: Rand,
): DeriveResult {
  const inputs = new FactInputs(graph);
  for (const r of records) inputs.add(r);
  return inputs.derive(opts, rand);
}
