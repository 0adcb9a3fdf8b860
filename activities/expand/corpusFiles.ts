import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { readJsonl, toJsonl, writeFileAtomic } from '../common/files';
import type { PiiOptions } from '../parse/pii';
import { readBackupLines, type BackupReading, type PlannedShard } from './assemble';
import { ShardDocument } from './documents';

/** Where a run directory keeps the assembly's intermediate files. */
export const documentsPath = (outDir: string) => join(outDir, 'documents', 'synthetic.jsonl');
export const planPath = (outDir: string) => join(outDir, 'documents', 'plan.json');
/** The backup corpus's documents as screened when the corpus was planned (mixed in and spare). */
export const realPath = (outDir: string) => join(outDir, 'documents', 'real.jsonl');
export const samplePath = (outDir: string) => join(outDir, 'review', 'sample.jsonl');

/** The backup corpus: a JSON-lines file, or every `*.jsonl` file of a directory (in name order). */
export async function readBackup(path: string, pii: PiiOptions): Promise<BackupReading> {
  const info = await stat(path).catch(() => null);
  if (!info) throw new Error(`backup corpus not found: ${path}`);
  const files = info.isDirectory()
    ? (await readdir(path))
        .filter((f) => f.endsWith('.jsonl'))
        .sort()
        .map((f) => join(path, f))
    : [path];
  if (!files.length) throw new Error(`backup corpus ${path} holds no .jsonl file`);
  const out: BackupReading = { docs: [], rejected: {} };
  for (const f of files) {
    const r = readBackupLines(basename(f), await readFile(f, 'utf8'), pii);
    out.docs.push(...r.docs);
    for (const [k, v] of Object.entries(r.rejected)) out.rejected[k] = (out.rejected[k] ?? 0) + v;
  }
  return out;
}

const Plan = z.object({
  shards: z.array(z.object({ name: z.string(), ids: z.array(z.string()), quality: z.number().nullable() })),
  /** the real documents the plan uses and the spare ones for replacing failed shards, by id */
  mixed: z.array(z.string()),
  spare: z.array(z.string()),
});
export type CorpusPlan = { shards: PlannedShard[]; mixed: string[]; spare: string[] };

export async function writePlan(outDir: string, plan: CorpusPlan): Promise<void> {
  await writeFileAtomic(planPath(outDir), JSON.stringify(plan));
}
export async function readPlan(outDir: string): Promise<CorpusPlan> {
  return Plan.parse(JSON.parse(await readFile(planPath(outDir), 'utf8')));
}
export async function writeDocuments(path: string, docs: readonly ShardDocument[]): Promise<void> {
  await writeFileAtomic(path, toJsonl(docs));
}
export const readDocuments = (path: string) => readJsonl(path, ShardDocument);
/** The review sample: documents with the shard each one stands for. */
export const SampleDocument = z.intersection(ShardDocument, z.object({ shard: z.string() }));
export const readSample = (path: string) => readJsonl(path, SampleDocument);
