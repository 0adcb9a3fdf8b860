import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deriveFacts } from '../../activities/kinds/deriveFacts';
import { factInputsSoFar, keepKnowledge, keptForLater } from '../../activities/kinds/knowledgeSoFar';
import { DEFAULT_DERIVE_OPTIONS } from '../../activities/knowledge/deriveOptions';
import { OperationRecord, type SampleRecord } from '../../activities/parse/records';
import { alarmEvents, GRAPH, RULE_GRAPH, ruleShots, samples, workOrders } from '../fixtures/graph';
import type { Fact } from '../../activities/kinds';
import type { GraphSnapshot } from '../../activities/knowledge/graphSnapshot';

/** Sample rows as the batch a record file holds. */
function batch(rows: SampleRecord[]): OperationRecord {
  const tags = Object.keys(rows[0].values);
  const labels = [...new Set(rows.flatMap((r) => Object.keys(r.labels)))];
  return OperationRecord.parse({
    kind: 'samples',
    id: `b-${rows[0].id}`,
    source: rows[0].source,
    line: rows[0].line,
    ts: rows[0].ts,
    asset: rows[0].asset,
    lines: rows.map((r) => r.line),
    times: rows.map((r) => Date.parse(r.ts)),
    units: Object.fromEntries(tags.map((t) => [t, rows[0].values[t].unit])),
    values: Object.fromEntries(tags.map((t) => [t, rows.map((r) => r.values[t].value)])),
    labels: Object.fromEntries(labels.map((k) => [k, rows.map((r) => r.labels[k] ?? '')])),
  });
}

/** Each part a version deriving from the ones before through what they kept; the last version's facts. */
async function throughVersions(graph: GraphSnapshot, parts: OperationRecord[][]) {
  const dataset = mkdtempSync(join(tmpdir(), 'forge-so-far-'));
  const versions: string[] = [];
  let last: Fact[] = [];
  for (const [i, records] of parts.entries()) {
    const dir = join(dataset, 'versions', `v${i + 1}`);
    const inputs = await factInputsSoFar(graph, { dataset, versions: [...versions] });
    for (const r of records) inputs.add(r);
    last = inputs.derive(DEFAULT_DERIVE_OPTIONS).facts;
    await keepKnowledge(dir, records.filter(keptForLater), inputs.chains(DEFAULT_DERIVE_OPTIONS.maxSources));
    versions.push(dir);
  }
  return last;
}

/**
 * Three versions of a schedule, each deriving from the one before through the files it kept (knowledge/records.jsonl
 * and knowledge/chains.json): the last one's facts are those of all the data at once - nothing read twice, nothing
 * lost - though it read only its own records and the kept ones.
 */
test('facts of the data so far, through what each version kept, equal the facts of all the data at once', async () => {
  const rows = samples(120, new Set([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 70, 71, 72, 73]), new Set([50, 95]));
  const events = alarmEvents();
  const orders = workOrders();
  const parts: OperationRecord[][] = [
    [batch(rows.slice(0, 40)), ...events.slice(0, 3), orders[0]],
    [batch(rows.slice(40, 90)), ...events.slice(3, 5)],
    [batch(rows.slice(90)), ...events.slice(5), ...orders.slice(1)],
  ];
  const opts = DEFAULT_DERIVE_OPTIONS;
  const all = deriveFacts(parts.flat(), GRAPH, opts).facts;
  expect(new Set(all.map((f) => f.kind))).toEqual(new Set(['out_of_spec', 'event_chain', 'maintenance_pattern']));
  expect(await throughVersions(GRAPH, parts)).toEqual(all);
  // a run of its own reads nothing kept
  const own = await factInputsSoFar(GRAPH, undefined);
  for (const r of parts[2]) own.add(r);
  expect(own.derive(opts).facts.length).toBeLessThan(all.length);
});

test('threshold rules and their agreement with the graph over versions: the rows so far, as at once', async () => {
  const shots = ruleShots(3000);
  const cut = (from: number, to: number): OperationRecord =>
    OperationRecord.parse({
      ...shots,
      id: `${shots.id}-${from}`,
      line: shots.lines[from],
      lines: shots.lines.slice(from, to),
      times: shots.times.slice(from, to),
      values: Object.fromEntries(Object.entries(shots.values).map(([k, v]) => [k, v.slice(from, to)])),
      labels: Object.fromEntries(Object.entries(shots.labels).map(([k, v]) => [k, v.slice(from, to)])),
    });
  const all = deriveFacts([shots], RULE_GRAPH).facts;
  expect(all.some((f) => f.kind === 'threshold_rule')).toBe(true);
  expect(all.some((f) => f.kind === 'graph_agreement')).toBe(true);
  expect(await throughVersions(RULE_GRAPH, [[cut(0, 1000)], [cut(1000, 2200)], [cut(2200, 3000)]])).toEqual(all);
});
