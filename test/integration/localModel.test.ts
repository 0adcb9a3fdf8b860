/**
 * The example line through a real OpenAI-compatible server that no one here wrote: llama.cpp's server
 * (llama-cpp-python[server], pinned) serving SmolLM2-135M-Instruct, installed and started by the project's
 * own files (globalSetup -> infra/services.ts startLocalModel -> infra/llm/install.sh). English, one text
 * per fact, no bundles, short answers: a minute on 2 cores. What must hold with any model, small or large:
 * the endpoint's capabilities are negotiated (llama.cpp refuses json_schema with an HTTP 500), the run ends,
 * and no written LLM document fails a content gate; a model under the quality floor is replaced, and said so.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkText } from '../../activities/expand/filters';
import { RejectedLine } from '../../activities/expand/documents';
import { Fact } from '../../activities/kinds';
import { loadRunConfig } from '../../activities/run/config';
import { startRun, waitForRun } from '../../cli/runs';
import { LOCAL_MODEL, localModelUrl, TEST_LAYOUT } from '../../infra/services';
import { connectClient } from '../../infra/temporal';
import { createForgeWorker } from '../../infra/worker';
import { testEnv } from './testEnv';
import { bundle, EXAMPLE, EXAMPLE_INPUTS, readDocs, readManifest, tempDir } from './runHelpers';

jest.setTimeout(600_000);

test(
  'the example line against llama.cpp + SmolLM2: negotiated, finished, no written LLM document fails a gate, ' +
    'the floor stated',
  async () => {
    const env = testEnv({ openaiBaseUrl: localModelUrl(TEST_LAYOUT), openaiApiKey: null, model: LOCAL_MODEL });
    const fw = await createForgeWorker(env, { workflowBundle: await bundle() });
    const outDir = tempDir('local-model');
    try {
      const client = await connectClient(env);
      const base = await loadRunConfig(join(EXAMPLE, 'forge.config.json'), []);
      const config = {
        ...base,
        expand: {
          ...base.expand,
          languages: ['en' as const],
          variants: 1,
          bundles: { pairs: 0, triples: 0, variants: 1 },
          maxTokens: 200,
          concurrency: 2,
        },
      };
      await fw.worker.runUntil(async () =>
        waitForRun(await startRun(client, env, { inputs: EXAMPLE_INPUTS, outDir, config }), () => undefined),
      );
    } finally {
      await fw.close();
    }
    const m = readManifest(outDir);
    // llama.cpp's server answers json_schema with HTTP 500 (a validation error): json_object, found out once
    expect(m.generator).toMatchObject({ kind: 'llm', model: LOCAL_MODEL, response_format: 'json_object' });
    expect(m.quality_floor).toBeDefined();
    expect(m.counts.docs_generated).toBe(m.counts.facts);
    const facts = new Map(
      readFileSync(join(outDir, 'facts.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => Fact.parse(JSON.parse(l)))
        .map((f) => [f.id, f]),
    );
    const docs = readDocs(outDir);
    expect(docs.length).toBe(m.counts.docs_written);
    for (const d of docs) {
      if (d.generator.kind === 'llm') {
        // every written LLM text passes every gate again: not meta-talk, right language, long enough, about its facts
        expect({
          id: d.id,
          check: checkText(
            d.text,
            d.lang,
            d.fact_ids.map((id) => facts.get(id)!),
            { employeeIdPatterns: [] },
            d.style,
          ).reason,
        }).toEqual({ id: d.id, check: undefined });
      } else {
        // an offline text here is the fallback for a group under the floor, and says so
        expect(m.quality_floor!.action).toBe('offline');
        expect(d.generator.note).toMatch(/^fallback: the LLM's texts fell under the quality floor/);
      }
    }
    // every text the model wrote and Forge did not keep is in rejected.jsonl with its reason, counted once
    const rejected = readFileSync(join(outDir, 'rejected.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => RejectedLine.parse(JSON.parse(l)));
    expect(rejected.length).toBe(Object.values(m.counts.docs_rejected).reduce((a, b) => a + b, 0));
    expect(readFileSync(join(outDir, 'README.md'), 'utf8')).toContain(m.quality_floor!.summary);
  },
);
