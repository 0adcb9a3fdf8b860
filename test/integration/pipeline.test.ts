import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import type { Driver } from 'neo4j-driver';
import { OperationRecord } from '../../activities/parse/records';
import { openBatches } from '../../activities/parse/sampleBatch';
import { loadRunConfig } from '../../activities/run/config';
import { compileFormula, formulaInputs } from '../../activities/knowledge/derivedQuantities';
import { GraphIndex } from '../../activities/knowledge/linking';
import { ucumCode } from '../../activities/knowledge/units';
import { exportGraph } from '../../graphs/graphDump';
import { FORGE_DOCS_WRITTEN, FORGE_DOMAIN, FORGE_RUN_ID, FORGE_STAGE } from '../../workflows/searchAttributes';
import { countFacts, loadGraphFiles, openDriver, readGraphSnapshot, toNative } from '../../graphs/store';
import { failureMessage, startRun, waitForRun } from '../../cli/runs';
import { runHistories, scheduledActivities } from '../../infra/runHistory';
import { progressQuery } from '../../workflows';
import { testEnv } from './testEnv';
import { ngrams, Probe } from '../../activities/corpus/probes';
import { Conversation } from '../../activities/corpus/sft';
import {
  allFiles,
  dataLines,
  EXAMPLE,
  EXAMPLE_INPUTS,
  readDocs,
  readManifest,
  ROOT,
  runningWorker,
  tempDir,
} from './runHelpers';

jest.setTimeout(120_000);
const execFileP = promisify(execFile);

const env = testEnv();
let client: Client;
let stopWorker: () => Promise<void>;
let driver: Driver;

beforeAll(async () => {
  ({ client, stop: stopWorker } = await runningWorker(env));
  driver = openDriver(env.neo4jUri, null, null);
});

afterAll(async () => {
  await stopWorker?.();
  await driver?.close();
});

async function graphSize(): Promise<{ nodes: number; rels: number; facts: number }> {
  const r = await driver.executeQuery(
    'MATCH (n) WITH count(n) AS nodes OPTIONAL MATCH ()-[r]->() RETURN nodes, count(r) AS rels, COUNT { MATCH ' +
      '(f:Fact) } AS facts',
  );
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

  test(
    'the run is filterable and readable in the Web UI: search attributes, summaries, current details, ' +
      'activity summaries',
    async () => {
      const { handle } = first;
      const desc = await handle.describe();
      const runId = readManifest(outDir).run_id;
      expect(desc.typedSearchAttributes.get(FORGE_RUN_ID)).toBe(runId);
      expect(desc.typedSearchAttributes.get(FORGE_DOMAIN)).toBe('injection-moulding');
      expect(desc.typedSearchAttributes.get(FORGE_STAGE)).toBe('done');
      expect(desc.typedSearchAttributes.get(FORGE_DOCS_WRITTEN)).toBe(readManifest(outDir).counts.docs_written);
      expect(await desc.staticSummary()).toBe(`Forge injection-moulding: 3 inputs -> ${outDir}`);
      expect(await desc.staticDetails()).toContain('**Inputs**');
      // the list the Web UI filters with
      let listed: string[] = [];
      for (let i = 0; i < 20 && !listed.length; i++) {
        listed = [];
        for await (const w of client.workflow.list({ query: `ForgeRunId = "${runId}" AND ForgeStage = "done"` }))
          listed.push(w.workflowId);
        if (!listed.length) await new Promise((r) => setTimeout(r, 250));
      }
      expect(listed).toEqual([handle.workflowId]);
      const meta = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
      expect(meta.currentDetails).toMatch(/\*\*Stage:\*\* done[\s\S]*\*\*Documents written:\*\* \d+/);
      // the run, a child workflow per source and one for expansion, each with its summary and details
      const histories = await runHistories(client, handle);
      expect(histories.map((h) => h.type).sort()).toEqual([
        'expandFacts',
        'parseSource',
        'parseSource',
        'parseSource',
        'synthesizeCorpus',
      ]);
      const sensors = client.workflow.getHandle(
        histories.find((h) => h.type === 'parseSource' && h.workflowId.endsWith('sensors.csv'))!.workflowId,
      );
      expect(await (await sensors.describe()).staticSummary()).toBe('parse sensors.csv: 1 chunks');
      expect(await (await sensors.describe()).staticDetails()).toMatch(
        /\*\*Source:\*\* sensors\.csv \(csv, \d+ bytes, \d+ lines\)/,
      );
      expect((await sensors.query<{ currentDetails?: string }>('__temporal_workflow_metadata')).currentDetails).toMatch(
        /\*\*Chunks:\*\* 1\/1/,
      );
      const summaries = scheduledActivities(histories).map((a) => a.summary);
      expect(summaries).toEqual(
        expect.arrayContaining([
          'scan sensors.csv',
          'parse sensors.csv chunk 1/1',
          'segment sensors.csv',
          'derive facts',
          'expand batch 1/2',
          'write manifest and dataset card',
        ]),
      );
      expect(summaries.filter((x) => x === null)).toEqual([]);
    },
  );

  test(
    'forge search-attributes finds them registered on the dev server (and would add what a cluster ' + 'lacks)',
    async () => {
      const { stdout, stderr } = await execFileP(process.execPath, [join(ROOT, 'cli', 'bin.js'), 'search-attributes'], {
        env: { ...process.env, TEMPORAL_ADDRESS: env.temporalAddress },
        encoding: 'utf8',
      });
      expect(stderr).toBe('');
      expect(stdout).toBe("namespace default already has Forge's search attributes\n");
    },
  );

  test('forge status --watch draws a progress bar while a run goes on, and ends with it', async () => {
    const watchDir = tempDir('watch');
    const config = await loadRunConfig(join(EXAMPLE, 'forge.config.json'), []);
    const handle = await startRun(client, env, { inputs: EXAMPLE_INPUTS, outDir: watchDir, config });
    // not spawnSync: the worker in this process must keep answering the run's queries meanwhile
    const { stdout, stderr } = await execFileP(
      process.execPath,
      [join(ROOT, 'cli', 'bin.js'), 'status', handle.workflowId, '--watch'],
      {
        env: { ...process.env, TEMPORAL_ADDRESS: env.temporalAddress },
        encoding: 'utf8',
      },
    );
    expect(stderr).toBe('');
    const lines = stdout.trim().split('\n');
    expect(lines.at(-2)).toMatch(/^\[#{30}\] 100% COMPLETED$/);
    expect(lines.at(-1)).toMatch(/^Web UI: /);
    expect(lines.slice(0, -2).every((l) => /^\[[#.]{30}\] +\d+% (starting|\w+: )/.test(l))).toBe(true);
    await handle.result();
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
    expect(m.counts.docs_written + Object.values(m.counts.docs_rejected).reduce((a, b) => a + b, 0)).toBe(
      m.counts.docs_generated,
    );
    // the offline expander states only what its facts state: no check but the near-duplicate one rejects its texts
    expect(Object.keys(m.counts.docs_rejected).filter((r) => r !== 'near_duplicate')).toEqual([]);
    expect((m.counts.docs_rejected.near_duplicate ?? 0) / m.counts.docs_generated).toBeLessThan(0.05);
    expect(m.generator.kind).toBe('offline');
    expect(Object.keys(m.by_lang).sort()).toEqual(['en', 'zh']);
    expect(Object.keys(m.by_style).length).toBeGreaterThanOrEqual(3);
    const docs = readDocs(outDir);
    expect(docs).toHaveLength(m.counts.docs_written);
    expect(m.shards.reduce((a, s) => a + s.docs, 0)).toBe(docs.length);
    expect(m.tokens).toBe(docs.reduce((a, d) => a + d.tokens, 0));
  });

  test('the run writes three splits: the shards, each document as a chat, probes sharing no 8-gram with them', () => {
    const m = readManifest(outDir);
    const read = (path: string) =>
      readFileSync(join(outDir, path), 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l));
    const chats = read(m.splits.sft.path).map((c) => Conversation.parse(c));
    const docs = readDocs(outDir);
    expect(chats).toHaveLength(docs.length);
    expect(chats.reduce((a, c) => a + c.turns, 0)).toBe(m.splits.sft.turns);
    const probes = read(m.splits.probes.path).map((p) => Probe.parse(p));
    expect(probes).toHaveLength(m.splits.probes.probes);
    expect(new Set(probes.map((p) => p.kind)).size).toBeGreaterThanOrEqual(3);
    const training = new Set(
      [...docs.map((d) => d.text), ...chats.flatMap((c) => c.messages.map((x) => x.content))].flatMap((t) => [
        ...ngrams(t),
      ]),
    );
    expect(probes.filter((p) => [...ngrams(p.question)].some((g) => training.has(g)))).toEqual([]);
    expect(readFileSync(join(outDir, m.splits.probes.task), 'utf8')).toContain(`test: ${m.splits.probes.path}`);
    const card = readFileSync(join(outDir, 'README.md'), 'utf8');
    for (const config of ['pretrain', 'sft', 'probes']) expect(card).toContain(`config_name: ${config}`);
  });

  test('every malformed line is in quarantine with its line number and a reason', () => {
    // events.log lines 24 (cut by the log shipper) and 26 (hour 25) keep their records, without a time
    const expected: Record<string, number[]> = {
      'sensors.csv': [52, 97, 252],
      'events.log': [],
      'workorders.txt': [7],
    };
    for (const [source, lines] of Object.entries(expected)) {
      const q = readdirSync(join(outDir, 'quarantine'))
        .filter((f) => f.startsWith(`${source}.`))
        .sort()
        .flatMap((f) =>
          readFileSync(join(outDir, 'quarantine', f), 'utf8')
            .split('\n')
            .filter((l) => l !== '')
            .map((l) => JSON.parse(l)),
        );
      expect(q.map((e) => e.line)).toEqual(lines);
      for (const e of q)
        expect(e).toEqual({
          source,
          line: expect.any(Number),
          raw: expect.any(String),
          reason: expect.stringMatching(/\w/),
        });
    }
  });

  test("every document's fact_ids exist as :Fact nodes linked to the graph", async () => {
    const docs = readDocs(outDir);
    const ids = [...new Set(docs.flatMap((d) => d.fact_ids))];
    expect(await countFacts(driver, ids)).toBe(ids.length);
    const linked = await driver.executeQuery(
      'MATCH (f:Fact)-[:ABOUT]->(n:Entity) WHERE f.id IN $ids RETURN count(DISTINCT f) AS n',
      { ids },
    );
    expect(toNative(linked.records[0].get('n'))).toBeGreaterThan(0);
    for (const d of docs) expect(d.generator.kind).toBe('offline');
  });

  test('no personal datum from the input appears anywhere under the run directory', () => {
    const planted = JSON.parse(readFileSync(join(EXAMPLE, 'pii.json'), 'utf8')) as Record<string, string[] | string>;
    const values = Object.entries(planted)
      .filter(([k]) => !k.startsWith('_'))
      .flatMap(([, v]) => v as string[]);
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
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !/^(TEMPORAL_|NEO4J_|OPENAI_|FORGE_)/.test(k)),
    );
    const res = spawnSync(
      process.execPath,
      [
        join(ROOT, 'cli', 'bin.js'),
        'parse',
        '--source',
        ...EXAMPLE_INPUTS,
        '--out',
        parseDir,
        '--config',
        join(EXAMPLE, 'forge.config.json'),
      ],
      { env: clean, encoding: 'utf8' },
    );
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(
      /sensors\.csv: 303 lines -> 300 records, 3 quarantined .*series: \d+ windows, 4 changes/,
    );
    for (const sub of ['records', 'quarantine']) {
      const files = readdirSync(join(outDir, sub)).sort();
      expect(readdirSync(join(parseDir, sub)).sort()).toEqual(files);
      for (const f of files)
        expect({ f, text: readFileSync(join(parseDir, sub, f), 'utf8') }).toEqual({
          f,
          text: readFileSync(join(outDir, sub, f), 'utf8'),
        });
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
  test(
    'parses every chunk as its own activity, with the same records, counts and documents as one chunk per ' + 'source',
    async () => {
      const base = await loadRunConfig(join(EXAMPLE, 'forge.config.json'), []);
      const run = async (chunkBytes: number, small = false) => {
        const outDir = tempDir(`chunks-${chunkBytes}`);
        // small: every child workflow continues as new after 3 chunks / 1 batch, 1 chunk of a source at once
        const config = small
          ? {
              ...base,
              parse: { ...base.parse, chunkBytes, continueAsNewAfter: 3, parallelChunks: 3 },
              expand: { ...base.expand, continueAsNewAfter: 1 },
            }
          : { ...base, parse: { ...base.parse, chunkBytes } };
        const handle = await startRun(client, env, { inputs: EXAMPLE_INPUTS, outDir, config });
        await waitForRun(handle, () => undefined);
        const histories = await runHistories(client, handle);
        const chunkActivities = scheduledActivities(histories).filter((a) => a.type === 'parseChunk').length;
        // sample batches follow the blocks read, so chunking regroups them: compare rows, in line order
        const records = ['sensors.csv', 'events.log', 'workorders.txt'].map((src) =>
          readdirSync(join(outDir, 'records'))
            .filter((f) => f.startsWith(`${src}.`))
            .sort()
            .flatMap((f) =>
              openBatches(
                readFileSync(join(outDir, 'records', f), 'utf8')
                  .split('\n')
                  .filter(Boolean)
                  .map((l) => OperationRecord.parse(JSON.parse(l))),
              ),
            )
            .map((r) => JSON.stringify(r))
            .sort(),
        );
        // per run of a workflow: how many of its parseChunk activities were out at once, at most
        const inFlight = histories.map((h) => {
          const chunkEvents = new Set(
            h.events
              .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'parseChunk')
              .map((e) => String(e.eventId)),
          );
          let now = 0,
            most = 0;
          for (const e of h.events) {
            if (chunkEvents.has(String(e.eventId))) most = Math.max(most, ++now);
            const closed =
              e.activityTaskCompletedEventAttributes ??
              e.activityTaskFailedEventAttributes ??
              e.activityTaskTimedOutEventAttributes;
            if (closed && chunkEvents.has(String(closed.scheduledEventId))) now--;
          }
          return most;
        });
        const runsOf = (type: string) => histories.filter((h) => h.type === type).length;
        return {
          outDir,
          chunkActivities,
          records,
          manifest: readManifest(outDir),
          inFlight: Math.max(...inFlight),
          parseRuns: runsOf('parseSource'),
          expandRuns: runsOf('expandFacts'),
          progress: await handle.query(progressQuery),
        };
      };
      const small = await run(4096, true);
      const big = await run(8 * 1024 * 1024);
      expect(big.chunkActivities).toBe(3);
      expect(small.chunkActivities).toBeGreaterThanOrEqual(6); // 28 KB of input in chunks of about 4 KB
      // continue-as-new: a source of n chunks takes ceil(n / 3) runs of its child workflow, expansion one run per batch
      expect([big.parseRuns, big.expandRuns]).toEqual([3, 1]);
      expect(small.parseRuns).toBeGreaterThan(3);
      expect(small.expandRuns).toBe(Math.ceil(small.progress.texts!.total / base.expand.batchSize));
      expect(small.expandRuns).toBeGreaterThan(1);
      // bounded fan-out: 3 chunks at once shared by 3 sources
      expect(small.inFlight).toBe(1);
      expect(big.inFlight).toBe(1);
      // the run's progress, reported by its children's signals, adds up to the whole
      expect(small.progress).toMatchObject({
        chunks: small.chunkActivities,
        chunksTotal: small.chunkActivities,
        parsed: 3,
        lines: small.manifest.counts.lines,
        records: small.manifest.counts.records,
      });
      expect(small.progress.texts!.done).toBe(small.progress.texts!.total);
      expect(small.records).toEqual(big.records);
      expect(small.manifest.counts).toEqual(big.manifest.counts);
      expect(readDocs(small.outDir).map((d) => d.id)).toEqual(readDocs(big.outDir).map((d) => d.id));
    },
  );
});

describe('a run with differential privacy', () => {
  test(
    'releases only private rule facts, records the budget in the manifest and the card, and names no ' + 'raw line',
    async () => {
      const base = await loadRunConfig(join(EXAMPLE, 'forge.config.json'), []);
      const outDir = tempDir('private');
      const config = {
        ...base,
        privacy: { epsilon: 1000, maxRules: 3, grid: 100, bounds: {} },
        expand: {
          ...base.expand,
          languages: ['en' as const],
          variants: 1,
          bundles: { pairs: 0, triples: 0, variants: 1 },
        },
      };
      const handle = await startRun(client, env, { inputs: EXAMPLE_INPUTS, outDir, config });
      await waitForRun(handle, () => undefined);
      const manifest = readManifest(outDir);
      expect(manifest.privacy).toMatchObject({
        epsilon: 1000,
        unit: 'row',
        split: { totals: 0.1, selection: 0.45, counts: 0.45 },
        withheld_kinds: ['out_of_spec', 'event_chain', 'maintenance_pattern'],
      });
      expect(manifest.privacy!.bounds_from_data.length).toBeGreaterThan(0);
      expect(
        Object.keys(manifest.counts.facts_by_kind).every((k) => k === 'threshold_rule' || k === 'graph_agreement'),
      ).toBe(true);
      const facts = readFileSync(join(outDir, 'facts.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
      // a generous epsilon, so that the example's rules pass the noise-aware test and documents are written
      expect(facts.length).toBe(manifest.counts.facts);
      expect(facts.length).toBeGreaterThan(0);
      for (const f of facts) for (const s of f.sources) expect(s).not.toMatch(/:\d+$/);
      for (const d of readDocs(outDir)) for (const s of d.sources) expect(s).not.toMatch(/:\d+$/);
      const card = readFileSync(join(outDir, 'README.md'), 'utf8');
      expect(card).toMatch(/Privacy: 1000-differentially private per row/);
      expect(card).toMatch(/NOT private: threshold ranges taken from the data/);
    },
  );
});

describe('bad input', () => {
  test.each([
    [
      'garbage.log',
      'garbage\nnonsense\n',
      /^garbage\.log is wholly unreadable: all 2 lines were quarantined \(see .*quarantine\/garbage\.log\.00000\.jsonl/,
    ],
    // the header's five fields, but no line's time reads: the header is not this source's
    [
      'words.log',
      'this is not a log line\nnor is this one a line\n',
      /^words\.log: none of its 2 lines has a time that can be read .*set text\.timeFormat and text\.timeFields/,
    ],
  ])('%s: a source with no readable line fails the run, saying what to check', async (name, text, message) => {
    const dir = tempDir(name);
    const path = join(dir, name);
    writeFileSync(path, text);
    const handle = await startRun(client, env, {
      inputs: [path],
      outDir: join(dir, 'out'),
      config: await loadRunConfig(null, []),
    });
    const err = await handle.result().then(
      () => null,
      (e: unknown) => e,
    );
    expect(failureMessage(err)).toMatch(message);
  });

  test('a missing input file fails the run at once, naming the file, without retries', async () => {
    const config = await loadRunConfig(null, []);
    const missing = join(EXAMPLE, 'no-such-file.csv');
    const started = Date.now();
    const handle = await startRun(client, env, {
      inputs: [EXAMPLE_INPUTS[0], missing],
      outDir: tempDir('missing'),
      config,
    });
    const err = await handle.result().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(failureMessage(err)).toBe(`input file not found: ${missing}`);
    expect(Date.now() - started).toBeLessThan(15_000);
    const history = await handle.fetchHistory();
    const attempts = history
      .events!.filter((e) => e.activityTaskStartedEventAttributes)
      .map((e) => e.activityTaskStartedEventAttributes!.attempt);
    expect(attempts).toEqual([1]);
  });
});

// Last in this file: the seed graphs add nodes that the run tests above count (one Neo4j, one file, in order).
describe('seed graphs of four domains', () => {
  const SEEDS = ['schema', 'injection-moulding', 'cnc-machining', 'chemical-tep', 'pump-station'].map((n) =>
    join(ROOT, 'graphs', `${n}.cypher`),
  );
  const files = () => SEEDS.map((f) => ({ name: f, text: readFileSync(f, 'utf8') }));
  let size: Awaited<ReturnType<typeof graphSize>>;

  beforeAll(async () => {
    await loadGraphFiles(driver, files());
    size = await graphSize();
  });

  test('load idempotently: a second load adds no node and no relationship', async () => {
    await loadGraphFiles(driver, files());
    expect(await graphSize()).toEqual(size);
  });

  test('every parameter has a UCUM unit; every formula reads known parameters and is linked to them', async () => {
    const graph = await readGraphSnapshot(driver);
    const ids = new Set(graph.parameters.map((p) => p.id));
    expect(graph.parameters.length).toBeGreaterThanOrEqual(40);
    expect(graph.parameters.filter((p) => ucumCode(p.unit) === null).map((p) => `${p.id} (${p.unit})`)).toEqual([]);
    const derived = graph.parameters.filter((p) => p.formula);
    expect(derived.map((p) => p.id).sort()).toEqual([
      'hold_ratio',
      'hydraulic_power',
      'pump_efficiency',
      'spindle_power',
      'tep_compressor_specific_work',
      'tep_reactor_cooling_approach',
      'wear_load',
    ]);
    for (const p of derived)
      expect(compileFormula({ id: p.id, formula: p.formula! }, ids).inputs.length).toBeGreaterThan(0);
    const links = await driver.executeQuery(
      'MATCH (d:Parameter)-[:COMPUTED_FROM]->(p:Parameter) RETURN d.id AS d, collect(p.id) AS inputs ORDER BY d',
    );
    expect(Object.fromEntries(links.records.map((r) => [r.get('d'), (r.get('inputs') as string[]).sort()]))).toEqual(
      Object.fromEntries(derived.map((p) => [p.id, formulaInputs({ id: p.id, formula: p.formula! })])),
    );
    // tags as logs write them reach their parameter through sensors and aliases
    const index = new GraphIndex(graph);
    expect(['XMEAS_9', 'VMC07.SPINDLE.VIB', 'CW.P101A.TBRG', 'TC-2'].map((t) => index.parameter(t)?.id)).toEqual([
      'tep_reactor_temp',
      'spindle_vibration',
      'bearing_temp',
      'melt_temp',
    ]);
  });

  test(
    'ISA-95 hierarchy down to equipment in every domain; process steps chained only within their ' + 'domain',
    async () => {
      const r = await driver.executeQuery(`MATCH
        (e:Enterprise)-[:HAS_SITE]->(:Site)-[:HAS_AREA]->(:Area)-[:HAS_LINE|HAS_UNIT|HAS_CELL]->()
          -[:HAS_EQUIPMENT]->(m:Equipment)
      RETURN collect(DISTINCT m.id) AS top`);
      expect((r.records[0].get('top') as string[]).sort()).toEqual(
        expect.arrayContaining(['IMM-01', 'VMC-07', 'TEP/reactor', 'P-101A']),
      );
      const cross = await driver.executeQuery(
        'MATCH (a:ProcessStep)-[:NEXT]->(b:ProcessStep) WHERE a.domain <> b.domain RETURN count(*) AS n',
      );
      expect(toNative(cross.records[0].get('n'))).toBe(0);
      const fmea = await driver.executeQuery(
        'MATCH (f:FailureMode) WHERE f.rpn IS NOT NULL AND (f)-[:HAS_MECHANISM]->() AND (f)-[:HAS_CAUSE]->() ' +
          'RETURN count(f) AS n',
      );
      expect(toNative(fmea.records[0].get('n'))).toBeGreaterThanOrEqual(15);
    },
  );

  test(
    'forge graph export writes the graph back; loading the file rebuilds what was deleted, in JSON and in ' + 'Cypher',
    async () => {
      const dir = tempDir('graph-export');
      const cli = (...args: string[]) =>
        spawnSync(process.execPath, [join(ROOT, 'cli', 'bin.js'), 'graph', ...args], {
          env: { ...process.env, NEO4J_URI: env.neo4jUri },
          encoding: 'utf8',
        });
      for (const file of ['graph.json', 'graph.cypher']) {
        const res = cli('export', '--out', join(dir, file), '--facts');
        expect(res.stderr).toBe('');
        expect(res.stdout).toMatch(/^exported \d+ nodes and \d+ relationships \(facts included\)/);
      }
      const before = await exportGraph(driver, { facts: true });
      expect(JSON.parse(readFileSync(join(dir, 'graph.json'), 'utf8'))).toEqual(before);
      for (const file of ['graph.json', 'graph.cypher']) {
        await driver.executeQuery(
          "MATCH (n:Entity) WHERE n.id STARTS WITH 'tep_' OR n.id STARTS WITH 'fm:cw:' DETACH DELETE n",
        );
        expect((await exportGraph(driver, { facts: true })).nodes.length).toBeLessThan(before.nodes.length);
        const res = cli('load', join(dir, file));
        expect(res.stderr).toBe('');
        expect(await exportGraph(driver, { facts: true })).toEqual(before);
      }
      expect(await graphSize()).toEqual(size);
    },
  );

  test('a file that is not an export is refused with a clear message', () => {
    const dir = tempDir('graph-bad');
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ nodes: [] }));
    const res = spawnSync(process.execPath, [join(ROOT, 'cli', 'bin.js'), 'graph', 'load', join(dir, 'bad.json')], {
      env: { ...process.env, NEO4J_URI: env.neo4jUri },
      encoding: 'utf8',
    });
    expect(res.status).not.toBe(0);
    expect(res.stderr).toMatch(/bad\.json: not a graph written by "forge graph export": format: /);
  });
});
