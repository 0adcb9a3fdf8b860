import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Driver } from 'neo4j-driver';
import { OperationRecord } from '../../activities/parse/records';
import { openBatches } from '../../activities/parse/sampleBatch';
import { loadRunConfig } from '../../activities/run/config';
import { countFacts, openDriver, toNative } from '../../graphs/store';
import { connectClient } from '../../infra/temporal';
import { createForgeWorker, type ForgeWorker } from '../../infra/worker';
import { failureMessage, startRun, waitForRun } from '../../cli/runs';
import { testEnv } from './testEnv';
import { allFiles, bundle, dataLines, EXAMPLE, EXAMPLE_INPUTS, readDocs, readManifest, ROOT, tempDir } from './runHelpers';

jest.setTimeout(120_000);

const env = testEnv();
let workflowBundle: WorkflowBundleWithSourceMap;
let fw: ForgeWorker;
let running: Promise<void>;
let client: Client;
let driver: Driver;

beforeAll(async () => {
  workflowBundle = await bundle();
  fw = await createForgeWorker(env, { workflowBundle });
  running = fw.worker.run();
  client = await connectClient(env);
  driver = openDriver(env.neo4jUri, null, null);
});

afterAll(async () => {
  fw?.worker.shutdown();
  await running;
  await fw?.close();
  await driver?.close();
});

async function graphSize(): Promise<{ nodes: number; rels: number; facts: number }> {
  const r = await driver.executeQuery('MATCH (n) WITH count(n) AS nodes OPTIONAL MATCH ()-[r]->() RETURN nodes, count(r) AS rels, COUNT { MATCH (f:Fact) } AS facts');
  return toNative(r.records[0].toObject()) as { nodes: number; rels: number; facts: number };
}

async function runExample(outDir: string) {
  const config = await loadRunConfig(join(EXAMPLE, 'forge.config.json'), []);
  const handle = await startRun(client, env, { inputs: EXAMPLE_INPUTS, outDir, config });
  return { handle, result: await waitForRun(handle, () => undefined) };
}

describe('a run on the example line', () => {
  const outDir = tempDir('run');
  let first: Awaited<ReturnType<typeof runExample>>;

  beforeAll(async () => {
    first = await runExample(outDir);
  });

  test('manifest counts match the input: every data line is a record or quarantined', () => {
    const m = readManifest(outDir);
    const expectedLines = EXAMPLE_INPUTS.map(dataLines).reduce((a, b) => a + b, 0);
    expect(m.counts.lines).toBe(expectedLines);
    expect(m.counts.records + m.counts.quarantined).toBe(expectedLines);
    expect(m.inputs.map((i) => i.path)).toEqual(EXAMPLE_INPUTS);
    expect(m.workflow_id).toBe(first.handle.workflowId);
    expect(m.counts.facts).toBeGreaterThan(0);
    expect(m.counts.docs_written).toBeGreaterThan(0);
    expect(m.counts.docs_written + Object.values(m.counts.docs_rejected).reduce((a, b) => a + b, 0)).toBe(m.counts.docs_generated);
    expect(m.generator.kind).toBe('offline');
    expect(Object.keys(m.by_lang).sort()).toEqual(['en', 'zh']);
    expect(Object.keys(m.by_style).length).toBeGreaterThanOrEqual(3);
    const docs = readDocs(outDir);
    expect(docs).toHaveLength(m.counts.docs_written);
    expect(m.shards.reduce((a, s) => a + s.docs, 0)).toBe(docs.length);
    expect(m.tokens).toBe(docs.reduce((a, d) => a + d.tokens, 0));
  });

  test('every malformed line is in quarantine with its line number and a reason', () => {
    const expected: Record<string, number[]> = { 'sensors.csv': [52, 97, 252], 'events.log': [24, 26], 'workorders.txt': [7] };
    for (const [source, lines] of Object.entries(expected)) {
      const q = readdirSync(join(outDir, 'quarantine')).filter((f) => f.startsWith(`${source}.`)).sort()
        .flatMap((f) => readFileSync(join(outDir, 'quarantine', f), 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l)));
      expect(q.map((e) => e.line)).toEqual(lines);
      for (const e of q) expect(e).toEqual({ source, line: expect.any(Number), raw: expect.any(String), reason: expect.stringMatching(/\w/) });
    }
  });

  test("every document's fact_ids exist as :Fact nodes linked to the graph", async () => {
    const docs = readDocs(outDir);
    const ids = [...new Set(docs.flatMap((d) => d.fact_ids))];
    expect(await countFacts(driver, ids)).toBe(ids.length);
    const linked = await driver.executeQuery('MATCH (f:Fact)-[:ABOUT]->(n:Entity) WHERE f.id IN $ids RETURN count(DISTINCT f) AS n', { ids });
    expect(toNative(linked.records[0].get('n'))).toBeGreaterThan(0);
    for (const d of docs) expect(d.generator.kind).toBe('offline');
  });

  test('no personal datum from the input appears anywhere under the run directory', () => {
    const planted = JSON.parse(readFileSync(join(EXAMPLE, 'pii.json'), 'utf8')) as Record<string, string[] | string>;
    const values = Object.entries(planted).filter(([k]) => !k.startsWith('_')).flatMap(([, v]) => v as string[]);
    expect(values.length).toBeGreaterThan(10);
    const files = allFiles(outDir);
    expect(files.length).toBeGreaterThan(8);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const v of values) expect({ file: f, found: text.includes(v) ? v : null }).toEqual({ file: f, found: null });
    }
  });

  test('forge parse (no servers) writes exactly the records and quarantine of the full run', () => {
    const parseDir = tempDir('parse');
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(TEMPORAL_|NEO4J_|OPENAI_|FORGE_)/.test(k)));
    const res = spawnSync(process.execPath, [join(ROOT, 'cli', 'bin.js'), 'parse', '--source', ...EXAMPLE_INPUTS, '--out', parseDir, '--config', join(EXAMPLE, 'forge.config.json')], { env: clean, encoding: 'utf8' });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/sensors\.csv: 303 lines -> 300 records, 3 quarantined .*series: \d+ windows, 4 changes/);
    for (const sub of ['records', 'quarantine']) {
      const files = readdirSync(join(outDir, sub)).sort();
      expect(readdirSync(join(parseDir, sub)).sort()).toEqual(files);
      for (const f of files) expect({ f, text: readFileSync(join(parseDir, sub, f), 'utf8') }).toEqual({ f, text: readFileSync(join(outDir, sub, f), 'utf8') });
    }
  });

  test('a second run over the same input duplicates no node, relationship or document', async () => {
    const before = await graphSize();
    const docsBefore = readDocs(outDir).map((d) => d.id);
    const shardsBefore = readManifest(outDir).shards;
    await runExample(outDir);
    expect(await graphSize()).toEqual(before);
    expect(readDocs(outDir).map((d) => d.id)).toEqual(docsBefore);
    expect(readManifest(outDir).shards).toEqual(shardsBefore);
  });
});

describe('a run cut into small chunks', () => {
  test('parses every chunk as its own activity, with the same records, counts and documents as one chunk per source', async () => {
    const base = await loadRunConfig(join(EXAMPLE, 'forge.config.json'), []);
    const run = async (chunkBytes: number) => {
      const outDir = tempDir(`chunks-${chunkBytes}`);
      const handle = await startRun(client, env, { inputs: EXAMPLE_INPUTS, outDir, config: { ...base, parse: { chunkBytes } } });
      await waitForRun(handle, () => undefined);
      const history = await handle.fetchHistory();
      const chunkActivities = history.events!.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'parseChunk').length;
      // sample batches follow the blocks read, so chunking regroups them: compare rows, in line order
      const records = ['sensors.csv', 'events.log', 'workorders.txt'].map((src) => readdirSync(join(outDir, 'records')).filter((f) => f.startsWith(`${src}.`)).sort()
        .flatMap((f) => openBatches(readFileSync(join(outDir, 'records', f), 'utf8').split('\n').filter(Boolean).map((l) => OperationRecord.parse(JSON.parse(l)))))
        .map((r) => JSON.stringify(r)).sort());
      return { outDir, chunkActivities, records, manifest: readManifest(outDir) };
    };
    const small = await run(4096);
    const big = await run(8 * 1024 * 1024);
    expect(big.chunkActivities).toBe(3);
    expect(small.chunkActivities).toBeGreaterThanOrEqual(6); // 28 KB of input in chunks of about 4 KB
    expect(small.records).toEqual(big.records);
    expect(small.manifest.counts).toEqual(big.manifest.counts);
    expect(readDocs(small.outDir).map((d) => d.id)).toEqual(readDocs(big.outDir).map((d) => d.id));
  });
});

describe('bad input', () => {
  test('a source with no readable line fails the run with a clear message', async () => {
    const dir = tempDir('unreadable');
    const path = join(dir, 'garbage.log');
    writeFileSync(path, 'this is not a log line\nnor this one\n');
    const handle = await startRun(client, env, { inputs: [path], outDir: join(dir, 'out'), config: await loadRunConfig(null, []) });
    const err = await handle.result().then(() => null, (e: unknown) => e);
    expect(failureMessage(err)).toMatch(/^garbage\.log is wholly unreadable: all 2 lines were quarantined \(see .*quarantine\/garbage\.log\.00000\.jsonl/);
  });

  test('a missing input file fails the run at once, naming the file, without retries', async () => {
    const config = await loadRunConfig(null, []);
    const missing = join(EXAMPLE, 'no-such-file.csv');
    const started = Date.now();
    const handle = await startRun(client, env, { inputs: [EXAMPLE_INPUTS[0], missing], outDir: tempDir('missing'), config });
    const err = await handle.result().then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(failureMessage(err)).toBe(`input file not found: ${missing}`);
    expect(Date.now() - started).toBeLessThan(15_000);
    const history = await handle.fetchHistory();
    const attempts = history.events!.filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes!.attempt);
    expect(attempts).toEqual([1]);
  });
});
