/**
 * The real workflows on the real Temporal dev server with fake activities (temporalio/samples-typescript's
 * way): what only the orchestration decides - the bounded chunk fan-out, continue-as-new, the budget stop,
 * the review timeout and fallback, the quality floor - checked in seconds, without parsing or an LLM. Tests that wait
 * (the review's timeout) run on @temporalio/testing's time-skipping environment: a day's wait takes seconds.
 */
import { Context } from '@temporalio/activity';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Activities } from '../../activities/runActivities';
import { loadRunConfig, type RunConfig } from '../../activities/run/config';
import type { ExpandSummary } from '../../activities/run/contracts';
import type { QualityReport } from '../../activities/expand/qualityFloor';
import { failureMessage, startRun, waitForRun } from '../../cli/runs';
import { connectClient, connectWorker } from '../../infra/temporal';
import { testEnv } from './testEnv';
import { bundle } from './runHelpers';
import { timeSkippingEnv } from './timeSkipping';

jest.setTimeout(60_000);

const env = testEnv();
let client: Client;
let workflowBundle: WorkflowBundleWithSourceMap;
let skipping: TestWorkflowEnvironment;
beforeAll(async () => {
  client = await connectClient(env);
  workflowBundle = await bundle();
  skipping = await timeSkippingEnv();
}, 300_000);
afterAll(async () => {
  await skipping?.teardown();
});

/** Where a run runs: the dev server, or the time-skipping test server (which skips time while a result is awaited). */
interface Server {
  client: Client;
  connection: () => Promise<NativeConnection>;
  /** close the connection after the run (the time-skipping environment owns its own) */
  owned: boolean;
  namespace: string;
  timeSkipping: boolean;
}
const devServer = (): Server => ({
  client,
  connection: () => connectWorker(env),
  owned: true,
  namespace: env.temporalNamespace,
  timeSkipping: false,
});
const timeSkipping = (): Server => ({
  client: skipping.client,
  connection: async () => skipping.nativeConnection,
  owned: false,
  namespace: skipping.namespace ?? 'default',
  timeSkipping: true,
});

/** What the fakes saw. */
interface Seen {
  chunkRuns: Set<string>;
  inFlight: number;
  maxInFlight: number;
  chunks: number;
  batches: number[];
  failed: { shard: string; reason: string }[];
  /** the run's quality so far as each batch was given it, and the totals collectDocuments got */
  priors: { accepted: number; checked: number }[];
  totals: { stopped: string | null; accepted: number } | null;
}

/** Fake activities: small summaries, chunk activities that take a little time, a chosen quality verdict. */
function fakes(
  seen: Seen,
  opts: {
    chunks: number;
    batches: number;
    tokensPerBatch: number;
    quality: QualityReport['action'];
    stopForQualityAt?: number;
  },
): Partial<Activities> {
  const quality: QualityReport = {
    floor: 0.3,
    accepted_share: opts.quality === 'none' ? 0.9 : 0.1,
    by_style: {},
    by_lang: {},
    below: opts.quality === 'none' ? [] : ['run'],
    top_reasons: ['meta_talk (9)'],
    action: opts.quality,
    summary: `quality floor 0.3: ${opts.quality}`,
  };
  return {
    prepareRun: async (i) => ({
      inputs: i.inputs.map((p) => ({
        path: p,
        name: p.split('/').pop()!,
        spec: { format: 'text' } as never,
        bytes: 100,
      })),
      configHash: 'h',
      schemaFile: 's',
    }),
    scanSource: async (i) => ({
      source: i.source.name,
      modelPath: 'm',
      chunks: opts.chunks,
      sha256: 'x',
      lines: opts.chunks * 10,
      bytes: 100,
      format: 'text',
      series: false,
    }),
    parseChunk: async () => {
      seen.chunkRuns.add(Context.current().info.workflowExecution?.runId ?? '?');
      seen.maxInFlight = Math.max(seen.maxInFlight, ++seen.inFlight);
      await new Promise((r) => setTimeout(r, 40));
      seen.inFlight--;
      seen.chunks++;
      return {
        recordsPath: 'r',
        quarantinePath: 'q',
        counts: { lines: 10, records: 10, quarantined: 0, untimed: 0 },
        pii: {},
      };
    },
    loadGraph: async () => 1,
    deriveRunFacts: async () => ({
      facts: 3,
      byKind: { out_of_spec: 3 },
      unlinked: {},
      links: 0,
      factsPath: 'f',
      rulesSetAside: 0,
    }),
    planExpansion: async () => ({ jobs: opts.batches * 10, batches: opts.batches, batchSize: 10 }),
    generatorEndpoint: async () => ({ kind: 'llm', base_url: 'http://fake', model: 'fake' }),
    expandBatch: async (i) => {
      seen.batches.push(i.batch);
      seen.priors.push(i.quality ?? { accepted: -1, checked: -1 });
      const stop = i.batch === opts.stopForQualityAt;
      return {
        batch: i.batch,
        jobs: 10,
        generated: stop ? 4 : 10,
        accepted: stop ? 0 : 9,
        skipped: stop ? 6 : 0,
        cached: 0,
        stopped: stop ? 'quality' : null,
        usage: { prompt_tokens: opts.tokensPerBatch, completion_tokens: 0 },
        requests: 10,
        unanswered: 0,
        generator: { kind: 'llm', model: 'fake' },
      };
    },
    collectDocuments: async (i): Promise<ExpandSummary> => (
      (seen.totals = { stopped: i.totals.stopped, accepted: i.totals.accepted }),
      {
        generated: i.totals.generated,
        rejected: {},
        written: i.totals.generated,
        tokens: 0,
        byLang: {},
        byStyle: {},
        byAudience: {},
        byInput: {},
        documentsPath: 'd',
        generator: { kind: 'llm', model: 'fake' },
        usage: { ...i.totals.usage, cost_usd: 0, cached: 0, requests: i.totals.requests },
        skipped: 0,
        stopped: null,
        quality,
        unanswered: 0,
        modelTexts: 0,
        filters: {},
      }
    ),
    planCorpus: async () => ({
      shards: ['part-00000.jsonl', 'part-00001.jsonl'],
      samplePath: 's',
      sampled: 2,
      lowQuality: [],
      real: { available: 0, mixed: 0, rejected: {} },
      order: 'id',
    }),
    writeCorpus: async (i) => {
      seen.failed.push(...i.failed);
      const sha256 = '';
      return {
        shards: [],
        replacements: [],
        splits: {
          sft: { path: 'sft', conversations: 0, turns: 0, sha256 },
          probes: { path: 'p', probes: 0, withheld_overlap: 0, by_kind: {}, task: 't', sha256 },
        },
      };
    },
    writeManifest: async (i) => ({
      runId: i.runId,
      outDir: i.outDir,
      manifestPath: 'manifest.json',
      counts: {} as never,
    }),
  };
}

/** Run one workflow on a worker (main and LLM queue) with the fakes; its result, or its failure message. */
async function run(
  config: RunConfig,
  opts: Parameters<typeof fakes>[1],
  server: Server = devServer(),
): Promise<{ seen: Seen; error: string | null }> {
  const seen: Seen = {
    chunkRuns: new Set(),
    inFlight: 0,
    maxInFlight: 0,
    chunks: 0,
    batches: [],
    failed: [],
    priors: [],
    totals: null,
  };
  const taskQueue = `wf-fakes-${Math.random().toString(36).slice(2, 8)}`;
  const activities = fakes(seen, opts);
  const connection = await server.connection();
  const main = await Worker.create({
    connection,
    namespace: server.namespace,
    taskQueue,
    workflowBundle,
    activities,
  });
  const llm = await Worker.create({
    connection,
    namespace: server.namespace,
    taskQueue: `${taskQueue}-llm`,
    activities,
  });
  let error: string | null = null;
  const llmRun = llm.run();
  try {
    await main.runUntil(async () => {
      const handle = await startRun(
        server.client,
        { ...env, taskQueue, temporalNamespace: server.namespace },
        { inputs: ['/nowhere/a.log'], outDir: '/nowhere/out', config },
      );
      // the time-skipping client skips time only while a result is awaited: wait on it, not by polling
      const done = server.timeSkipping ? handle.result() : waitForRun(handle, () => undefined, { pollMs: 100 });
      await done.catch((e: unknown) => {
        error = failureMessage(e);
      });
    });
  } finally {
    llm.shutdown();
    await llmRun;
    if (server.owned) await connection.close();
  }
  return { seen, error };
}

const base = async (change: (c: RunConfig) => RunConfig = (c) => c) => change(await loadRunConfig(null, []));

test('bounded chunk fan-out and continue-as-new: 12 chunks, 2 at once, a new run of the child every 5', async () => {
  const config = await base((c) => ({ ...c, parse: { ...c.parse, parallelChunks: 2, continueAsNewAfter: 5 } }));
  const { seen, error } = await run(config, { chunks: 12, batches: 1, tokensPerBatch: 10, quality: 'none' });
  expect(error).toBeNull();
  expect(seen.chunks).toBe(12);
  expect(seen.maxInFlight).toBe(2);
  expect(seen.chunkRuns.size).toBe(3);
});

test('the budget stops expansion cleanly: no batch starts once the tokens are spent', async () => {
  const config = await base((c) => ({
    ...c,
    expand: { ...c.expand, parallelBatches: 1, budget: { maxTokens: 2500, maxCostUsd: null } },
  }));
  const { seen, error } = await run(config, { chunks: 1, batches: 10, tokensPerBatch: 1000, quality: 'none' });
  expect(error).toBeNull();
  expect(seen.batches).toEqual([0, 1, 2]);
});

test(
  "a batch stopped for quality: no batch starts after it, each batch was given the run's quality " + 'so far',
  async () => {
    const config = await base((c) => ({ ...c, expand: { ...c.expand, parallelBatches: 1 } }));
    const { seen, error } = await run(config, {
      chunks: 1,
      batches: 6,
      tokensPerBatch: 10,
      quality: 'offline',
      stopForQualityAt: 2,
    });
    expect(error).toBeNull();
    expect(seen.batches).toEqual([0, 1, 2]);
    expect(seen.priors).toEqual([
      { accepted: 0, checked: 0 },
      { accepted: 9, checked: 10 },
      { accepted: 18, checked: 20 },
    ]);
    expect(seen.totals).toEqual({ stopped: 'quality', accepted: 18 });
  },
);

test.each([
  [
    'fallback',
    (r: { seen: Seen; error: string | null }) => {
      expect(r.error).toBeNull();
      expect(r.seen.failed.map((f) => f.shard)).toEqual(['part-00000.jsonl', 'part-00001.jsonl']);
      expect(r.seen.failed[0].reason).toMatch(/no review within 86400 s \(policy: fallback\)/);
    },
  ],
  [
    'fail',
    (r: { seen: Seen; error: string | null }) => {
      expect(r.error).toBe('no review within 86400 s (review.onTimeout = fail)');
      expect(r.seen.failed).toEqual([]);
    },
  ],
] as const)('a review that does not come in a day (time skipped), policy %s', async (policy, check) => {
  const config = await base((c) => ({
    ...c,
    review: { ...c.review, wait: true, timeoutSeconds: 86_400, onTimeout: policy },
    backup: { ...c.backup, path: '/nowhere/backup.jsonl' },
  }));
  check(await run(config, { chunks: 1, batches: 1, tokensPerBatch: 10, quality: 'none' }, timeSkipping()));
});

test(
  'the quality floor: "fail" fails the run naming it; "backup" writes every shard from the backup ' + 'corpus',
  async () => {
    const failing = await run(await base(), { chunks: 1, batches: 1, tokensPerBatch: 10, quality: 'fail' });
    expect(failing.error).toMatch(/failed: quality floor 0.3: fail \(expand.onLowQuality = fail/);
    const backup = await run(await base((c) => ({ ...c, backup: { ...c.backup, path: '/nowhere/backup.jsonl' } })), {
      chunks: 1,
      batches: 1,
      tokensPerBatch: 10,
      quality: 'backup',
    });
    expect(backup.error).toBeNull();
    expect(backup.seen.failed.map((f) => [f.shard, f.reason])).toEqual([
      ['part-00000.jsonl', 'quality floor 0.3: backup'],
      ['part-00001.jsonl', 'quality floor 0.3: backup'],
    ]);
  },
);

test('a run no worker polls for: waiting on it says so once, and goes on waiting', async () => {
  const taskQueue = `wf-nobody-${Math.random().toString(36).slice(2, 8)}`;
  const handle = await startRun(
    client,
    { ...env, taskQueue },
    { inputs: ['/nowhere/a.log'], outDir: '/nowhere/out', config: await base() },
  );
  const lines: string[] = [];
  const waiting = waitForRun(handle, (l) => lines.push(l), { pollMs: 100, taskQueue, noWorkerAfterMs: 1000 }).catch(
    (e: unknown) => failureMessage(e),
  );
  const deadline = Date.now() + 30_000;
  while (!lines.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  await handle.terminate('test over');
  await waiting;
  expect(lines).toEqual([
    `no worker polls the task queue "${taskQueue}": the run waits until one does - start one with "npx forge worker"`,
  ]);
});
