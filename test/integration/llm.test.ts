import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { loadRunConfig, type RunConfig } from '../../activities/run/config';
import type { ForgeEnv } from '../../infra/env';
import { connectClient } from '../../infra/temporal';
import { createForgeWorker } from '../../infra/worker';
import { startRun, waitForRun } from '../../cli/runs';
import { startOpenAiTestServer, type OpenAiTestServer } from '../fixtures/openaiServer';
import { faithfulText, jobOfPrompt } from '../fixtures/promptJob';
import { testEnv } from './testEnv';
import { allFiles, bundle, EXAMPLE, EXAMPLE_INPUTS, readDocs, readManifest, tempDir } from './runHelpers';

jest.setTimeout(120_000);

let server: OpenAiTestServer;
let workflowBundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  workflowBundle = await bundle();
  // Faithful text in the asked style and language (what the prompt's facts say), except troubleshooting
  // dialogues, which invent a number; the very first request fails with a 500 that the client retries.
  server = await startOpenAiTestServer((req, n) => {
    if (n === 1) return { status: 500 };
    const text = faithfulText(req);
    const job = jobOfPrompt(req);
    if (job.style === 'troubleshooting')
      return {
        text:
          `${text}\n` + (job.lang === 'zh' ? '操作工：温度到了 987654 度。' : 'Operator: it reached 987654 degrees.'),
      };
    return { text };
  });
});

afterAll(async () => {
  await server?.close();
});

/** The example run into `outDir` on a worker of its own for `env` (the example configuration, changed by `change`). */
async function runExampleWith(
  env: ForgeEnv,
  outDir: string,
  change: (c: RunConfig) => RunConfig = (c) => c,
): Promise<void> {
  const fw = await createForgeWorker(env, { workflowBundle });
  try {
    const client = await connectClient(env);
    const config = change(await loadRunConfig(join(EXAMPLE, 'forge.config.json'), []));
    await fw.worker.runUntil(async () =>
      waitForRun(await startRun(client, env, { inputs: EXAMPLE_INPUTS, outDir, config }), () => undefined),
    );
  } finally {
    await fw.close();
  }
}

test(
  'with OPENAI_BASE_URL set, the expansion activity writes through the endpoint and checks every ' + 'answer',
  async () => {
    const env = testEnv({ openaiBaseUrl: server.baseURL, openaiApiKey: 'test-key', model: 'test-model' });
    const outDir = tempDir('llm');
    await runExampleWith(env, outDir);
    const m = readManifest(outDir);
    expect(m.generator).toEqual({
      kind: 'llm',
      model: 'test-model',
      base_url: server.baseURL.replace(/\/$/, ''),
      response_format: 'json_schema',
      system_role: true,
    });
    // every troubleshooting text was rejected: that style is under the quality floor, written offline instead
    expect(m.quality_floor).toMatchObject({
      action: 'offline',
      below: ['style:troubleshooting'],
      by_style: { troubleshooting: 0 },
    });
    // one request per (fact, style, language), plus the retried 500
    expect(server.requests).toHaveLength(m.counts.docs_generated + 1);
    expect(new Set(server.requests.map((r) => r.model))).toEqual(new Set(['test-model']));
    // the invented number in every troubleshooting dialogue is caught
    expect(m.counts.docs_rejected.unfaithful_number).toBe(m.counts.facts * 2);
    const docs = readDocs(outDir);
    expect(docs.length).toBe(m.counts.docs_written);
    for (const d of docs) {
      if (d.style === 'troubleshooting')
        expect(d.generator).toMatchObject({
          kind: 'offline',
          note: expect.stringMatching(
            /^fallback: the LLM's texts fell under the quality floor \(style:troubleshooting\)/,
          ),
        });
      else
        expect(d.generator).toEqual({
          kind: 'llm',
          model: 'test-model',
          response_format: 'json_schema',
          system_role: true,
        });
    }
    // the prompt carries the fact's own evidence
    expect(server.requests.some((r) => r.messages[1].content.includes('"n_out"'))).toBe(true);
    // what it cost is in the manifest, per run and per shard
    expect(m.generation.prompt_tokens).toBeGreaterThan(0);
    expect(m.generation.requests).toBe(server.requests.length);
    expect(m.shards.reduce((a, s) => a + s.prompt_tokens, 0)).toBeLessThanOrEqual(m.generation.prompt_tokens);

    // a rerun of the same run into the same directory sends no request: every answer comes from the cache
    const before = server.requests.length;
    await runExampleWith(env, outDir);
    expect(server.requests.length).toBe(before);
    const m2 = readManifest(outDir);
    expect(m2.generation).toMatchObject({
      requests: 0,
      prompt_tokens: 0,
      completion_tokens: 0,
      cached: m.counts.docs_generated,
    });
    expect(readDocs(outDir).map((d) => d.id)).toEqual(docs.map((d) => d.id));
  },
);

test(
  'a server that never answers two prompts, cuts one answer at its token limit and puts personal data in ' +
    'another: the run completes, the two are no_answer, the cut one is asked again with twice the limit, the ' +
    'personal data is counted as pii and appears in clear in no file of the run or the cache',
  async () => {
    const PHONE = '13812345678';
    const NAME = '张伟';
    const doomed = new Set<string>();
    const seen = { cut: '', repairedWith: 0, pii: '' };
    const faulty = await startOpenAiTestServer((req) => {
      const user = req.messages.find((m) => m.role === 'user')!.content;
      const job = jobOfPrompt(req);
      if (doomed.has(user) || (doomed.size < 2 && job.style === 'lecture')) {
        doomed.add(user);
        return { status: 503 };
      }
      const text = faithfulText(req);
      if (!seen.cut && job.style === 'knowledge_list' && job.lang === 'en') seen.cut = user;
      if (user === seen.cut) {
        if (req.max_tokens === 800) return { content: '{"text": "- The melt temperature', finish_reason: 'length' };
        seen.repairedWith = req.max_tokens ?? 0;
      }
      if ((!seen.pii || seen.pii === user) && job.style === 'textbook' && job.lang === 'zh') {
        seen.pii = user;
        return { text: `${text}\n如有疑问请联系维修工${NAME}，电话${PHONE}。` };
      }
      return { text };
    });
    try {
      const env = testEnv({ openaiBaseUrl: faulty.baseURL, openaiApiKey: 'test-key', model: 'faulty-model' });
      const outDir = tempDir('llm-faulty');
      await runExampleWith(env, outDir, (c) => ({ ...c, expand: { ...c.expand, maxAttempts: 2 } }));
      const m = readManifest(outDir);
      expect(m.generation.unanswered).toBe(2);
      expect(m.counts.docs_rejected).toMatchObject({ no_answer: 2, pii: 1 });
      expect(m.counts.docs_rejected.truncated).toBeUndefined();
      expect(seen.repairedWith).toBe(1600);
      // every other text is written: nothing else rejected but duplicates
      const { no_answer, pii, duplicate = 0, near_duplicate = 0, ...other } = m.counts.docs_rejected;
      expect(other).toEqual({});
      expect(m.counts.docs_written).toBe(m.counts.docs_generated - no_answer - pii - duplicate - near_duplicate);
      // the phone and the name are nowhere in clear: shards, rejected texts and details, batches, the LLM cache
      const files = allFiles(outDir);
      expect(files.some((f) => f.includes(join('cache', 'llm')))).toBe(true);
      for (const f of files) {
        const body = readFileSync(f, 'utf8');
        expect({ f, phone: body.includes(PHONE), name: body.includes(NAME) }).toEqual({ f, phone: false, name: false });
      }
    } finally {
      await faulty.close();
    }
  },
);

test(
  'expansion runs on the LLM task queue: a main-only worker and an LLM-only worker complete a run ' + 'together',
  async () => {
    const base = testEnv();
    const mainEnv = { ...base, openaiBaseUrl: null, openaiApiKey: null, model: null };
    const llmEnv = { ...base, openaiBaseUrl: server.baseURL, openaiApiKey: 'test-key', model: 'llm-queue-model' };
    const main = await createForgeWorker(mainEnv, { workflowBundle, role: 'main' });
    const llm = await createForgeWorker(llmEnv, { role: 'llm', llmSlots: 1 });
    const outDir = tempDir('llm-queue');
    const llmRun = llm.worker.run();
    try {
      const client = await connectClient(mainEnv);
      const config = await loadRunConfig(join(EXAMPLE, 'forge.config.json'), []);
      await main.worker.runUntil(async () =>
        waitForRun(await startRun(client, mainEnv, { inputs: EXAMPLE_INPUTS, outDir, config }), () => undefined),
      );
    } finally {
      llm.worker.shutdown();
      await llmRun;
      await main.close();
      await llm.close();
    }
    // the main worker has no endpoint: documents by the model prove the expansion ran on the LLM worker
    expect(readManifest(outDir).generator).toMatchObject({ kind: 'llm', model: 'llm-queue-model' });
  },
);

test(
  'a token budget stops a run cleanly: it completes with what was written, and the manifest says why and how ' +
    'much was left',
  async () => {
    const env = testEnv({ openaiBaseUrl: server.baseURL, openaiApiKey: 'test-key', model: 'budget-model' });
    const outDir = tempDir('llm-budget');
    await runExampleWith(env, outDir, (base) => ({
      ...base,
      expand: {
        ...base.expand,
        concurrency: 1,
        budget: { maxTokens: 20_000, maxCostUsd: null },
        prices: { prompt: 2.5, completion: 10 },
      },
    }));
    const m = readManifest(outDir);
    expect(m.generation.stopped).toBe('budget');
    expect(m.generation.skipped).toBeGreaterThan(0);
    expect(m.generation.prompt_tokens + m.generation.completion_tokens).toBeGreaterThanOrEqual(20_000);
    expect(m.generation.cost_usd).toBeGreaterThan(0);
    expect(m.counts.docs_written).toBeGreaterThan(0);
    expect(readDocs(outDir)).toHaveLength(m.counts.docs_written);
    expect(readFileSync(join(outDir, 'README.md'), 'utf8')).toMatch(
      /Generation stopped early \(budget\): \d+ planned texts were not written/,
    );
  },
);

test('two LLM workers with different models: the run refuses, names both, writes nothing from the odd', async () => {
  const envA = testEnv({ openaiBaseUrl: server.baseURL, openaiApiKey: 'test-key', model: 'model-a' });
  const envB = { ...envA, model: 'model-b' };
  const outDir = tempDir('llm-two-generators');
  const a = await createForgeWorker(envA, { workflowBundle });
  const b = await createForgeWorker(envB, { workflowBundle, role: 'llm' });
  const before = server.requests.length;
  let error = '';
  try {
    const client = await connectClient(envA);
    const base = await loadRunConfig(join(EXAMPLE, 'forge.config.json'), []);
    // many small batches in parallel: both workers poll the LLM queue, and each takes some
    const config = { ...base, expand: { ...base.expand, batchSize: 2, parallelBatches: 16 } };
    const done = (async () => {
      try {
        await waitForRun(await startRun(client, envA, { inputs: EXAMPLE_INPUTS, outDir, config }), () => undefined);
      } catch (e) {
        error = (e as Error).message;
      }
    })();
    await Promise.all([a.worker.runUntil(done), b.worker.runUntil(done)]);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
  const m = /this worker writes with model (model-[ab]) at \S+, the run with model (model-[ab]) at /.exec(error);
  expect(m).not.toBeNull();
  const [, odd, fixed] = m!;
  expect(odd).not.toBe(fixed);
  // the odd worker asked its model nothing; no corpus was written
  const asked = server.requests.slice(before).map((r) => r.model);
  expect(asked).not.toContain(odd);
  expect(allFiles(outDir).some((f) => f.includes('shards/'))).toBe(false);
});
