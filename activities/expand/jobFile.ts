import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../common/files';
import { NamedNode } from '../knowledge/factRefs';
import type { Fact } from '../kinds';
import { Audience, Input, Lang, Style } from './documents';
import type { ExpansionJob } from './jobs';

/** A run's planned texts, by fact id (the facts are in facts.jsonl): what every expansion batch reads its slice of. */
const JobLine = z.object({
  facts: z.array(z.string()).min(1),
  input: Input,
  via: NamedNode.nullable(),
  style: Style,
  audience: Audience,
  lang: Lang,
});
const JobPlan = z.object({ batchSize: z.number().int().positive(), jobs: z.array(JobLine) });

export const jobPlanPath = (outDir: string) => join(outDir, 'documents', 'jobs.json');
export const batchPath = (outDir: string, batch: number) =>
  join(outDir, 'documents', `batch-${String(batch).padStart(5, '0')}.jsonl`);
export const batchRejectedPath = (outDir: string, batch: number) =>
  join(outDir, 'documents', `rejected-${String(batch).padStart(5, '0')}.jsonl`);
/** what each filter passed and rejected in the batch (filterTypes.ts FilterStats) */
export const batchFiltersPath = (outDir: string, batch: number) =>
  join(outDir, 'documents', `filters-${String(batch).padStart(5, '0')}.json`);

export async function writeJobPlan(outDir: string, jobs: readonly ExpansionJob[], batchSize: number): Promise<void> {
  const lines = jobs.map((j) => ({
    facts: j.facts.map((f) => f.id),
    input: j.input,
    via: j.via,
    style: j.style,
    audience: j.audience,
    lang: j.lang,
  }));
  await writeFileAtomic(jobPlanPath(outDir), JSON.stringify({ batchSize, jobs: lines }));
}

/** The jobs of one batch, with their facts. */
export async function readJobBatch(outDir: string, facts: readonly Fact[], batch: number): Promise<ExpansionJob[]> {
  const plan = JobPlan.parse(JSON.parse(await readFile(jobPlanPath(outDir), 'utf8')));
  const byId = new Map(facts.map((f) => [f.id, f]));
  return plan.jobs.slice(batch * plan.batchSize, (batch + 1) * plan.batchSize).map((j) => ({
    ...j,
    facts: j.facts.map((id) => {
      const f = byId.get(id);
      if (!f)
        throw new Error(
          `${jobPlanPath(outDir)} names fact ${id}, which facts.jsonl does not hold: plan the expansion again`,
        );
      return f;
    }),
  }));
}
