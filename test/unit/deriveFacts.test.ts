import { DEFAULT_DERIVE_OPTIONS } from '../../activities/knowledge/deriveOptions';
import { type EventChainFact, type MaintenanceFact, type OutOfSpecFact } from '../../activities/knowledge/facts';
import { buildsOn, Fact, factId } from '../../activities/kinds';
import { compareFacts, settled } from '../../activities/run/factIndex';
import { deriveFacts, stableIds } from '../../activities/kinds/deriveFacts';
import {
  ChainLedger,
  chainFacts,
  emptyLedger,
  foldEvents,
  type TimedEvent,
} from '../../activities/knowledge/eventChainFacts';
import { GraphIndex } from '../../activities/knowledge/linking';
import { wilsonInterval } from '../../activities/knowledge/stats';
import { alarmEvents, GRAPH, samples, workOrders } from '../fixtures/graph';

const hot = new Set([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
const records = [...samples(100, hot, new Set([50, 60])), ...alarmEvents(), ...workOrders()];

describe('deriveFacts', () => {
  const { facts, unlinked } = deriveFacts(records, GRAPH);
  const oos = facts.find((f): f is OutOfSpecFact => f.kind === 'out_of_spec')!;

  test('every fact validates against the schema', () => {
    for (const f of facts) expect(Fact.safeParse(f).success).toBe(true);
  });

  test('out of spec: counts, interval, quality outcome, graph links, sources', () => {
    expect(oos.statement).toMatchObject({ direction: 'above', limit: 250, observed: { extreme: 255, mean_out: 255 } });
    const [lo, hi] = wilsonInterval(10, 100);
    expect(oos.evidence).toEqual({
      n: 100,
      n_out: 10,
      rate_pct: 10,
      ci_level_pct: 95,
      ci_pct: [Math.round(lo * 1000) / 10, Math.round(hi * 1000) / 10],
      n_ng_out: 10,
      n_ng_in: 2,
    });
    // 10/10 NG out of range against 2/90 inside: risk ratio 45
    expect(oos.statement.outcome).toEqual({
      ng_rate_out_pct: 100,
      ng_rate_in_pct: 2.2,
      risk_ratio: 45,
      main_defect: { id: 'effect:burn_marks', name: 'burn marks', name_zh: '烧焦痕', n: 10 },
    });
    expect(oos.statement.failure_modes.map((m) => m.id)).toEqual(['fm:degradation']);
    expect(oos.subject).toEqual(['melt_temp', 'IMM-01', 'fm:degradation', 'effect:burn_marks', 'ALM-203']);
    expect(oos.sources.slice(0, 10)).toEqual([...hot].map((i) => `sensors.csv:${i + 2}`));
    // and the lines of the alarm that watches this deviation, raised and cleared
    expect(oos.sources.slice(10)).toEqual([
      'events.log:1',
      'events.log:3',
      'events.log:4',
      'events.log:5',
      'events.log:6',
    ]);
  });

  test('unlinked measurements are counted by reason, not dropped silently', () => {
    expect(unlinked).toEqual({ 'no graph parameter for tag "mystery_tag"': 100 });
  });

  test('a deviation seen fewer times than minSupport makes no fact', () => {
    const few = deriveFacts(samples(100, new Set([1, 2])), GRAPH).facts;
    expect(few.filter((f) => f.kind === 'out_of_spec')).toHaveLength(0);
  });

  test('event chain: episodes from raise to clear, durations, actions logged in between', () => {
    const chain = facts.find((f): f is EventChainFact => f.kind === 'event_chain')!;
    expect(chain.statement).toMatchObject({
      episodes: 2,
      raised: 3,
      unresolved: 0,
      duration_min: { mean: 7, max: 10 },
      actions: [{ text: 'operator [NAME] lowered setpoint to 240 degC', episodes: 1, recovered: 1, clear_min_mean: 8 }],
    });
    expect(chain.subject).toEqual(['ALM-203', 'melt_temp', 'IMM-01']);
    expect(chain.sources).toEqual([
      'events.log:1',
      'events.log:2',
      'events.log:3',
      'events.log:4',
      'events.log:5',
      'events.log:6',
    ]);
  });

  test('maintenance: work orders grouped by cause, linked to the nearest equipment and the cause node', () => {
    const m = facts.filter((f): f is MaintenanceFact => f.kind === 'maintenance_pattern');
    expect(m).toHaveLength(2);
    const contactor = m.find((f) => f.evidence.n === 2)!;
    expect(contactor.subject).toEqual(['IMM-01/barrel', 'cause:contactor']);
    expect(contactor.statement.downtime_min).toEqual({ total: 105, mean: 52.5 });
    expect(contactor.sources).toEqual(['workorders.txt:2', 'workorders.txt:3']);
    expect(m.find((f) => f.evidence.n === 1)!.statement.equipment).toEqual([]); // IMM-02 is not in the graph
  });

  test('ids are deterministic and stay while the evidence changes (the statement says the new figures)', () => {
    expect(deriveFacts(records, GRAPH).facts.map((f) => f.id)).toEqual(facts.map((f) => f.id));
    const other = deriveFacts(
      [...samples(100, new Set([...hot, 20])), ...alarmEvents(), ...workOrders()],
      GRAPH,
      DEFAULT_DERIVE_OPTIONS,
    ).facts;
    const moved = other.find((f) => f.kind === 'out_of_spec')!;
    expect(moved.id).toBe(oos.id);
    expect(moved.evidence.n_out).not.toBe(oos.evidence.n_out);
  });
});

test('wilsonInterval brackets the proportion', () => {
  const [lo, hi] = wilsonInterval(20, 300);
  expect(lo).toBeCloseTo(0.0436, 3);
  expect(hi).toBeCloseTo(0.1008, 3);
  expect(wilsonInterval(0, 0)).toEqual([0, 1]);
});

describe('fact ids across runs (factId), and a version beside the earlier ones (compareFacts)', () => {
  const { facts } = deriveFacts(records, GRAPH);
  const more = deriveFacts([...records, ...samples(40, new Set([3, 4, 5]))], GRAPH).facts;
  const oos = (fs: readonly Fact[]) => fs.find((f) => f.kind === 'out_of_spec')!;

  test('every fact of a run has its own id, its identity; the same data give the same ids; links follow', () => {
    expect(new Set(facts.map((f) => f.id)).size).toBe(facts.length);
    for (const f of facts) expect(f.id).toBe(factId(f));
    expect(deriveFacts(records, GRAPH).facts.map((f) => f.id)).toEqual(facts.map((f) => f.id));
    // a fact built on another names it by its stable id
    const ids = new Set(facts.map((f) => f.id));
    for (const f of facts) for (const id of buildsOn(f)) expect(ids.has(id)).toBe(true);
  });

  test('more data: the same id, its figures updated', () => {
    expect(oos(more).id).toBe(oos(facts).id);
    expect(oos(more).evidence).not.toEqual(oos(facts).evidence);
  });

  test('two facts of one identity stay two facts: the second gets the identity with -2', () => {
    const f = { ...oos(facts), id: 'fact-draft-1' };
    const twin = { ...f, id: 'fact-draft-2', evidence: { ...f.evidence, n: f.evidence.n + 1 } };
    expect(stableIds([f, twin]).map((x) => x.id)).toEqual([factId(f), `${factId(f)}-2`]);
  });

  test('versions: new, unchanged, changed (earlier statement and texts superseded), ended (never deleted)', () => {
    const v1 = { version: 1, run_id: 'r1' };
    const docs = facts.map((f, i) => ({ id: `doc-${i}`, fact_ids: [f.id] }));
    const first = compareFacts({}, facts, docs, v1);
    expect(first.facts).toMatchObject({ new: facts.length, changed: 0, unchanged: 0, ended: [] });
    expect(first.documents).toEqual({ added: facts.length, superseded: [] });
    const again = compareFacts(first.index, facts, [], { version: 2, run_id: 'r2' });
    expect(again.facts).toMatchObject({ new: 0, changed: 0, unchanged: facts.length, superseded: [] });
    expect(facts.every((f) => settled(first.index, f))).toBe(true);
    const grown = compareFacts(first.index, more, [], { version: 2, run_id: 'r2' });
    expect(settled(first.index, oos(more))).toBe(false);
    expect(grown.facts.superseded).toContainEqual({ id: oos(facts).id, version: 1 });
    expect(grown.documents.superseded).toContain(`doc-${facts.indexOf(oos(facts))}`);
    const gone = facts.filter((f) => f.kind !== 'maintenance_pattern');
    const ended = compareFacts(first.index, gone, [], { version: 2, run_id: 'r2' });
    const orders = facts.filter((f) => f.kind === 'maintenance_pattern');
    expect(orders.length).toBeGreaterThan(0);
    expect(ended.facts.ended.map((e) => e.id).sort()).toEqual(orders.map((f) => f.id).sort());
    for (const f of orders) expect(ended.index[f.id].ended).toEqual({ version: 2, run_id: 'r2' });
    // it comes back: new again
    expect(compareFacts(ended.index, facts, [], { version: 3, run_id: 'r3' }).facts.new).toBe(orders.length);
  });
});

describe("the alarms' ledger: knowledge over time", () => {
  const events = alarmEvents() as TimedEvent[];
  const index = new GraphIndex(GRAPH);

  test('events folded in two parts (through the ledger file) give the facts of one fold, cut anywhere', () => {
    const whole = chainFacts(foldEvents(emptyLedger(100), events), index);
    expect(whole.length).toBeGreaterThan(0);
    const sorted = [...events].sort((a, b) => a.ts.localeCompare(b.ts) || a.line - b.line);
    for (let cut = 0; cut <= sorted.length; cut++) {
      const first = ChainLedger.parse(JSON.parse(JSON.stringify(foldEvents(emptyLedger(100), sorted.slice(0, cut)))));
      expect(chainFacts(foldEvents(first, sorted.slice(cut)), index)).toEqual(whole);
    }
  });

  test('an episode open at the cut is unresolved, then resolved once its clear comes', () => {
    const sorted = [...events].sort((a, b) => a.ts.localeCompare(b.ts) || a.line - b.line);
    const raisedAt = sorted.findIndex((e) => e.state === 'raised');
    const open = chainFacts(foldEvents(emptyLedger(100), sorted.slice(0, raisedAt + 1)), index);
    expect(open[0].statement).toMatchObject({ episodes: 1, unresolved: 1, duration_min: null });
  });

  test('late events are counted, and the ledger keeps at most maxSources lines of provenance', () => {
    const l = foldEvents(emptyLedger(2), events);
    for (const chains of Object.values(l.assets))
      for (const c of Object.values(chains)) expect(c.sources.length).toBeLessThanOrEqual(2);
    const early = { ...events[0], ts: '2000-01-01T00:00:00Z' };
    expect(Object.values(foldEvents(l, [early]).late)).toEqual([1]);
  });
});
