/**
 * Expansion against a real local model - llama.cpp's server (llama-cpp-python[server], pinned) serving
 * SmolLM2-135M-Instruct, started by the project's own files - beside the OpenAI-compatible test server
 * (own process, loopback HTTP, 200 ms per answer, faithful offline text). Through expandJobs with the
 * LlmExpander, as the expansion activity runs them, Forge's default request settings: for each server
 * thread setting and each Forge concurrency, texts per minute, the accepted share, and rejections by reason.
 *   npx ts-node --transpile-only bench/localModel.ts [--jobs 12] [--threads 1,2] [--concurrency 1,2,4]
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { expandJobs } from '../activities/expand/expandFacts';
import { DEFAULT_PII_OPTIONS } from '../activities/parse/pii';
import { LOCAL_MODEL, localModelUrl, startLocalModel, stopService } from '../infra/services';
import { BENCH_JOBS } from './lib/benchJobs';
import { defaultExpander, EXPAND_DEFAULTS, localModelLayout } from './lib/localServer';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '12' },
    threads: { type: 'string', default: '1,2' },
    concurrency: { type: 'string', default: '1,2,4' },
  },
});
// English texts of single facts, every style in turn: what a small run asks of a model
const JOBS = BENCH_JOBS.filter((j) => j.lang === 'en' && j.input === 'fact').slice(0, Number(values.jobs));
const log = (l: string) => process.stderr.write(`[bench] ${l}\n`);

async function measure(label: string, baseURL: string, model: string, concurrency: number): Promise<void> {
  const expander = defaultExpander(baseURL, model, concurrency);
  const t0 = performance.now();
  const out = await expandJobs(JOBS, expander, { concurrency: 2 * concurrency, pii: DEFAULT_PII_OPTIONS });
  const min = (performance.now() - t0) / 60_000;
  const reasons: Record<string, number> = {};
  for (const r of out.rejected) reasons[r.reason] = (reasons[r.reason] ?? 0) + 1;
  console.log(
    `${label.padEnd(34)} concurrency ${concurrency}: ${(out.generated / min).toFixed(1).padStart(6)} texts/min, ` +
      `${expander.requests} requests, accepted ${out.docs.length}/${out.generated}` +
      ` (${Math.round((100 * out.docs.length) / Math.max(1, out.generated))} %), response ` +
      `format ${expander.capabilities.responseFormat}; rejected ${JSON.stringify(reasons)}`,
  );
}

async function main(): Promise<void> {
  console.log(
    `${JOBS.length} English single-fact texts per measurement, Forge's default request settings ` +
      `(max_tokens ${EXPAND_DEFAULTS.maxTokens}, temperature ${EXPAND_DEFAULTS.temperature}, response ` +
      `format ${EXPAND_DEFAULTS.responseFormat} negotiated)`,
  );
  for (const threads of values.threads!.split(',').map(Number)) {
    const layout = localModelLayout(38080, threads);
    await stopService(layout, 'llm', log);
    await startLocalModel(layout, log);
    try {
      for (const c of values.concurrency!.split(',').map(Number))
        await measure(`llama.cpp + ${LOCAL_MODEL}, ${threads} thread(s)`, localModelUrl(layout), LOCAL_MODEL, c);
    } finally {
      await stopService(layout, 'llm', log);
    }
  }
  const child = fork(join(__dirname, 'lib', 'llmServerProcess.ts'), ['--latency', '200'], {
    execArgv: ['-r', 'ts-node/register/transpile-only'],
  });
  const baseURL = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { baseURL: string }).baseURL));
    child.once('exit', (code) => reject(new Error(`the test server exited (${code})`)));
  });
  try {
    for (const c of values.concurrency!.split(',').map(Number))
      await measure('test server (200 ms, faithful text)', baseURL, 'bench', c);
  } finally {
    child.disconnect();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
