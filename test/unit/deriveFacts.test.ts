import { deriveFacts } from '../../activities/kinds/deriveFacts';
import { DEFAULT_DERIVE_OPTIONS } from '../../activities/knowledge/deriveOptions';
import { type EventChainFact, type MaintenanceFact, type OutOfSpecFact } from '../../activities/knowledge/facts';
import { Fact, factKey } from '../../activities/kinds';
import { compareFacts } from '../../activities/run/increment';
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

  test('ids are deterministic and change with the evidence', () => {
    expect(deriveFacts(records, GRAPH).facts.map((f) => f.id)).toEqual(facts.map((f) => f.id));
    const other = deriveFacts(
      [...samples(100, new Set([...hot, 20])), ...alarmEvents(), ...workOrders()],
      GRAPH,
      DEFAULT_DERIVE_OPTIONS,
    ).facts;
    expect(other.find((f) => f.kind === 'out_of_spec')!.id).not.toBe(oos.id);
  });
});

test('wilsonInterval brackets the proportion', () => {
  const [lo, hi] = wilsonInterval(20, 300);
  expect(lo).toBeCloseTo(0.0436, 3);
  expect(hi).toBeCloseTo(0.1008, 3);
  expect(wilsonInterval(0, 0)).toEqual([0, 1]);
});

describe('fact identity across runs (factKey) and a version beside the earlier ones (compareFacts)', () => {
  const { facts } = deriveFacts(records, GRAPH);
  const more = deriveFacts([...records, ...samples(40, new Set([3, 4, 5]))], GRAPH).facts;

  test('every fact of a run has its own identity; the same data give the same identities', () => {
    const keys = facts.map(factKey);
    expect(new Set(keys).size).toBe(facts.length);
    expect(deriveFacts(records, GRAPH).facts.map(factKey)).toEqual(keys);
  });

  test('more data: same identity, changed statement supersedes the earlier fact; the same data: unchanged', () => {
    const first = compareFacts({}, facts, 1);
    expect(first.facts).toMatchObject({ new: facts.length, changed: 0, unchanged: 0 });
    const again = compareFacts(first.index, facts, 2);
    expect(again.facts).toMatchObject({ new: 0, changed: 0, unchanged: facts.length, superseded: [] });
    const grown = compareFacts(first.index, more, 2);
    const oos = (fs: readonly Fact[]) => fs.find((f) => f.kind === 'out_of_spec')!;
    expect(factKey(oos(more))).toBe(factKey(oos(facts)));
    expect(oos(more).id).not.toBe(oos(facts).id);
    expect(grown.facts.superseded).toContainEqual({
      id: oos(facts).id,
      by: oos(more).id,
      key: factKey(oos(facts)),
      version: 1,
    });
  });
});
