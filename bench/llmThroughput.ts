/**
 * Expansion through an OpenAI-compatible endpoint: documents per second against the test server
 * (real HTTP on loopback) answering after a fixed latency, for several concurrencies, beside the ideal
 * (concurrency / latency); then the near-duplicate rate and distinct-n diversity of the corpus written.
 *   npx ts-node --transpile-only bench/llmThroughput.ts [--latency 200] [--concurrency 1,8,64] [--seconds 3]
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { expandJobs } from '../activities/expand/expandFacts';
import type { ExpansionJob } from '../activities/expand/jobs';
import { LlmExpander } from '../activities/expand/llmExpander';
import { minhash, NearDuplicateIndex } from '../activities/expand/nearDuplicates';
import { offlineExpander } from '../activities/expand/offlineExpander';
import { DEFAULT_PII_OPTIONS } from '../activities/parse/pii';
import { BENCH_FACTS as facts, BENCH_JOBS as jobs } from './lib/benchJobs';

const { values } = parseArgs({
  options: {
    latency: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '1,8,64' },
    seconds: { type: 'string', default: '3' },
  },
});
const LATENCY = Number(values.latency);

/** distinct n-grams / all n-grams over the corpus (words for English, characters for Chinese) */
function distinctN(texts: string[], n: number): number {
  const all = new Set<string>();
  let total = 0;
  for (const t of texts) {
    const units = /[\u4e00-\u9fff]/.test(t) ? [...t.replace(/\s+/g, '')] : t.toLowerCase().split(/\s+/).filter(Boolean);
    for (let i = 0; i + n <= units.length; i++) {
      all.add(units.slice(i, i + n).join(' '));
      total++;
    }
  }
  return total ? all.size / total : 0;
}

async function main(): Promise<void> {
  // the endpoint in a process of its own, answering each prompt with the offline text of its job
  const child = fork(join(__dirname, 'lib', 'llmServerProcess.ts'), ['--latency', String(LATENCY)], {
    execArgv: ['-r', 'ts-node/register/transpile-only'],
  });
  const baseURL = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { baseURL: string }).baseURL));
    child.once('exit', (code) => reject(new Error(`the test server exited (${code})`)));
  });
  console.log(
    `expansion against the OpenAI-compatible test server (own process, loopback HTTP, ${LATENCY} ms per ` +
      `answer), ${jobs.length} distinct jobs`,
  );
  try {
    for (const c of values.concurrency!.split(',').map(Number)) {
      const ideal = c / (LATENCY / 1000);
      const n = Math.min(jobs.length * 4, Math.max(c, Math.round(ideal * Number(values.seconds))));
      // distinct prompts (no cache here), repeated with a marker so every request is sent
      const batch: ExpansionJob[] = Array.from({ length: n }, (_, i) => jobs[i % jobs.length]);
      const expander = new LlmExpander(
        {
          baseURL,
          apiKey: null,
          model: 'bench',
          temperature: 0.7,
          maxTokens: 800,
          timeoutMs: 30_000,
          maxAttempts: 3,
          concurrency: { initial: c, min: 1, max: c },
          responseFormat: 'json_schema',
        },
        null,
      );
      const t0 = performance.now();
      // as a run does: twice as many texts in flight as requests, so checking one text does not hold a request back
      const out = await expandJobs(batch, expander, { concurrency: 2 * c, pii: DEFAULT_PII_OPTIONS });
      const secs = (performance.now() - t0) / 1000;
      const rate = out.generated / secs;
      console.log(
        `concurrency ${String(c).padStart(2)}: ${out.generated} documents ` +
          `in ${secs.toFixed(2)} s = ${rate.toFixed(1)} docs/s; ideal ${ideal.toFixed(1)} docs/s; ` +
          `ratio ${(rate / ideal).toFixed(3)} (${expander.requests} requests, limit peak ${expander.limiter.peak})`,
      );
    }
  } finally {
    child.disconnect();
  }
  // the corpus itself: near-duplicates (MinHash, 0.8) and distinct-n, offline expander on the same jobs
  const out = await expandJobs(jobs, offlineExpander, { concurrency: 8, pii: DEFAULT_PII_OPTIONS });
  const texts = out.docs.map((d) => d.text);
  const index = new NearDuplicateIndex(0.8);
  let near = 0;
  texts.forEach((t, i) => {
    const sig = minhash(t);
    if (index.near(sig)) near++;
    else index.add(String(i), sig);
  });
  const byLang = (lang: string) => out.docs.filter((d) => d.lang === lang).map((d) => d.text);
  console.log(
    `offline corpus ` +
      `of ${texts.length} documents (${facts.length} facts, ${jobs.filter((j) => j.input !== 'fact').length}` +
      ` bundle jobs): near-duplicates at 0.8: ${near} (${((100 * near) / texts.length).toFixed(1)} %)`,
  );
  for (const lang of ['en', 'zh'])
    console.log(
      `  ${lang}: distinct-1 ${distinctN(byLang(lang), 1).toFixed(3)}, distinct-2 ` +
        `${distinctN(byLang(lang), 2).toFixed(3)}, distinct-3 ${distinctN(byLang(lang), 3).toFixed(3)}`,
    );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
