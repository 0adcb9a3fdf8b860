/**
 * What a real small model writes through Forge, read like the labelled set. llama.cpp (started by the project's own
 * files) serves SmolLM2-135M-Instruct and any GGUF given; the gate eval's facts (the example run's moulding line,
 * with its plant vocabulary) are planned into jobs in both languages, every style, single facts and bundles, and go
 * through expandJobs with the LlmExpander and the default filters, as a run sends them. Printed per model and
 * language: answers, the accepted share, rejections by reason (every reason of every text), and every accepted text
 * in full - the texts a reader labels with the labelled set's defect kinds (test/fixtures/gate-eval: invented cause,
 * foreign part, swapped figure, changed unit, limit as setpoint, safety bypass, meta note, echoed prompt, cut text,
 * wrong language, invented number, personal data, repeated steps, no figure). The accepted texts are also written
 * to var/bench-local-quality/<model>.jsonl in the labelled set's shape (label "unread"), so a text a reader finds a
 * defect in can join the set under its kind.
 *   npx ts-node --transpile-only bench/localModelQuality.ts [--gguf a.gguf,b.gguf] [--no-smollm2] [--jobs 32]
 *     [--threads 2]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AUDIENCES, STYLES, type Lang } from '../activities/expand/documents';
import { expandJobs } from '../activities/expand/expandFacts';
import { planJobs, type ExpansionJob } from '../activities/expand/jobs';
import { DEFAULT_PII_OPTIONS } from '../activities/parse/pii';
import { localModelName, localModelUrl, ROOT, startLocalModel, stopService } from '../infra/services';
import { loadGateEval } from './gateEval';
import { defaultExpander, EXPAND_DEFAULTS, localModelLayout } from './lib/localServer';

const { values } = parseArgs({
  options: {
    gguf: { type: 'string', default: '' },
    'no-smollm2': { type: 'boolean', default: false },
    jobs: { type: 'string', default: '32' },
    threads: { type: 'string', default: '2' },
  },
});
const OUT = join(ROOT, 'var', 'bench-local-quality');
const log = (l: string) => process.stderr.write(`[bench] ${l}\n`);

/** Jobs spread evenly over the plan: both languages, every style, single facts first, then bundles. */
export function sampleJobs(jobs: readonly ExpansionJob[], n: number): ExpansionJob[] {
  const groups = (['en', 'zh'] as const).flatMap((lang) =>
    (['fact', 'bundle'] as const).map((input) =>
      jobs.filter((j) => j.lang === lang && (j.input === 'fact') === (input === 'fact')),
    ),
  );
  const per = [Math.ceil((n * 3) / 8), Math.floor((n * 1) / 8)];
  return groups.flatMap((g, i) => {
    const want = Math.min(g.length, per[i % 2]);
    return Array.from({ length: want }, (_, k) => g[Math.floor((k * g.length) / want)]);
  });
}

async function measure(gguf: string | undefined, jobs: ExpansionJob[], g: ReturnType<typeof loadGateEval>) {
  const name = localModelName(gguf);
  const layout = localModelLayout(38081, Number(values.threads));
  await stopService(layout, 'llm', log);
  await startLocalModel(layout, log, gguf);
  try {
    // a llama.cpp server answers one request at a time
    const expander = defaultExpander(localModelUrl(layout), name, 1);
    const t0 = performance.now();
    const out = await expandJobs(jobs, expander, {
      concurrency: 4,
      pii: DEFAULT_PII_OPTIONS,
      plant: g.plant,
      dedup: false,
    });
    const min = (performance.now() - t0) / 60_000;
    console.log(
      `\n== ${name} (llama.cpp, ${values.threads} threads): ${out.generated} texts in ${min.toFixed(1)} min, ` +
        `response format ${expander.capabilities.responseFormat}, ${out.usage.completion_tokens} tokens out ==`,
    );
    for (const lang of ['en', 'zh'] as Lang[]) {
      const asked = jobs.filter((j) => j.lang === lang).length;
      const kept = out.docs.filter((d) => d.lang === lang).length;
      const reasons: Record<string, number> = {};
      for (const r of out.rejected.filter((x) => x.lang === lang))
        for (const x of r.reasons ?? [{ reason: r.reason }]) reasons[x.reason] = (reasons[x.reason] ?? 0) + 1;
      console.log(
        `${lang}: accepted ${kept}/${asked} (${Math.round((100 * kept) / Math.max(1, asked))} %); ` +
          `rejection reasons ${JSON.stringify(reasons)}`,
      );
    }
    mkdirSync(OUT, { recursive: true });
    const file = join(OUT, `${name}.jsonl`);
    const lines = out.docs.map((d, i) => ({
      id: `${name}-${i}`,
      split: 'model',
      fact_ids: d.fact_ids,
      style: d.style,
      audience: d.audience,
      lang: d.lang,
      label: 'unread',
      text: d.text,
    }));
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + (lines.length ? '\n' : ''));
    console.log(`accepted texts (${lines.length}, also in ${file}):`);
    for (const l of lines) console.log(`--- ${l.id} [${l.lang} ${l.style} ${l.fact_ids.length} fact(s)]\n${l.text}`);
  } finally {
    await stopService(layout, 'llm', log);
  }
}

async function main(): Promise<void> {
  const g = loadGateEval();
  const plan = planJobs([...g.facts.values()], {
    styles: STYLES,
    audiences: AUDIENCES,
    languages: ['en', 'zh'],
    variants: STYLES.length,
    pairs: 6,
    triples: 2,
    bundleVariants: 2,
  });
  const jobs = sampleJobs(plan, Number(values.jobs));
  console.log(
    `${jobs.length} jobs of ${plan.length} planned on the gate eval's ${g.facts.size} facts ` +
      `(${jobs.filter((j) => j.lang === 'en').length} en, ${jobs.filter((j) => j.input !== 'fact').length} bundles), ` +
      `default request settings (max_tokens ${EXPAND_DEFAULTS.maxTokens}, ` +
      `temperature ${EXPAND_DEFAULTS.temperature}) and filters`,
  );
  const models = [...(values['no-smollm2'] ? [] : [undefined]), ...values.gguf!.split(',').filter(Boolean)];
  for (const m of models) await measure(m, jobs, g);
}

if (require.main === module)
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
