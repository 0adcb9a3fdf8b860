import { copyFile, mkdir, readFile, rename, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { readJsonl, writeFileAtomic } from '../common/files';
import { Fact } from '../kinds';
import type { History } from '../kinds/knowledgeSoFar';
import { compareFacts, FactIndex, VersionChanges } from './factIndex';
import { documentsPath, readDocuments } from '../expand/corpusFiles';
import { dedupIndexPath } from '../expand/dedupIndexFile';
import { Cursors, fileKey, matchInputs, planReads, type PlannedRead } from '../parse/cursors';
import { NonRetryableError } from '../common/failures';
import { describeInput, distinctNames, modelPath, type InputRef } from '../parse/parseFile';
import { loadRunConfig, runDomain, type RunConfig } from './config';
import { Manifest, type RunResult } from './contracts';

/**
 * A scheduled run's increment (issue: triggered, incremental runs): what is new in the schedule's inputs since the
 * last committed version, read into a version of its own (`<out>/versions/<run id>/`, a whole run directory), and -
 * once that run has finished - the cursors advanced and the version added to the dataset manifest. A run that fails
 * commits nothing: the next one reads the same lines again.
 */

/** What a schedule starts a run with (**contract**: the schedule's action, `forge schedule create`). */
export interface ScheduledRunInput {
  schedule: string;
  /** files, directories or `dir/*.log` patterns (absolute) */
  inputs: string[];
  outDir: string;
  /** the run config file, read when the run starts; null: defaults */
  configPath: string | null;
  /** the graphs a config without `graphs` uses */
  defaultGraphs: string[];
}

/** One version of a schedule's corpus (an entry of `<out>/dataset.json`). */
export const DatasetVersion = z.object({
  version: z.number().int().min(1),
  run_id: z.string(),
  created_at: z.string(),
  /** the version's run directory, relative to the dataset's */
  dir: z.string(),
  /** what it read: per file, the lines from and to (inclusive) */
  reads: z.array(
    z.object({ name: z.string(), path: z.string(), from_line: z.number().int(), to_line: z.number().int() }),
  ),
  notes: z.array(z.string()),
  /** its facts and documents beside the earlier versions' (run/factIndex.ts) */
  ...VersionChanges.shape,
  /** its run's counts (the manifest's), in part */
  counts: Manifest.shape.counts.pick({
    lines: true,
    records: true,
    quarantined: true,
    facts: true,
    docs_written: true,
  }),
});
export type DatasetVersion = z.infer<typeof DatasetVersion>;

/** `<out>/dataset.json` (**contract**): the schedule's versions, oldest first, and its facts over them. */
export const DatasetManifest = z.object({
  schedule: z.string(),
  versions: z.array(DatasetVersion),
  facts: FactIndex,
});
export type DatasetManifest = z.infer<typeof DatasetManifest>;

export const cursorsPath = (outDir: string) => join(outDir, 'cursors.json');
const pendingCursorsPath = (outDir: string, runId: string) => join(outDir, 'cursors', `${runId}.pending.json`);
export const datasetManifestPath = (outDir: string) => join(outDir, 'dataset.json');
export const versionDir = (outDir: string, runId: string) => join(outDir, 'versions', runId);

async function readJsonOr<T>(path: string, schema: z.ZodType<T>, empty: T): Promise<T> {
  const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  return text === null ? empty : schema.parse(JSON.parse(text));
}

export const readDataset = (outDir: string, schedule: string) =>
  readJsonOr(datasetManifestPath(outDir), DatasetManifest, { schedule, versions: [], facts: {} });

/** The facts a dataset's versions said, by id (none before its first version). */
export const readFactIndex = async (outDir: string): Promise<FactIndex> => (await readDataset(outDir, '')).facts;

/** The model of a source (by name) in the latest version that read it, or null. */
async function lastModelOf(outDir: string, dataset: DatasetManifest, name: string): Promise<string | null> {
  for (const v of [...dataset.versions].reverse()) {
    if (!v.reads.some((r) => r.name === name)) continue;
    const path = modelPath(join(outDir, v.dir), name);
    if (await stat(path).catch(() => null)) return path;
  }
  return null;
}

/**
 * The planned reads as inputs of the version's run, each from its line, with the previous version's model of the
 * same source. A file that cannot be read is said and left (its cursor stays); two inputs with one name are refused.
 */
async function describeReads(planned: readonly PlannedRead[], outDir: string, dataset: DatasetManifest) {
  const sources: InputRef[] = [];
  const reads: PlannedRead[] = [];
  const notes: string[] = [];
  const failed = new Set<string>();
  for (const r of planned) {
    try {
      const ref = await describeInput(r.path);
      const previousModel = await lastModelOf(outDir, dataset, ref.name);
      sources.push({
        ...ref,
        bytes: r.end,
        ...(r.from.byte > 0 ? { from: r.from } : {}),
        ...(previousModel ? { previousModel } : {}),
      });
      reads.push(r);
    } catch (e) {
      if (!(e instanceof NonRetryableError)) throw e;
      notes.push(`${e.message} (not read; its cursor stays)`);
      failed.add(fileKey(r.next));
    }
  }
  return { sources: distinctNames(sources, ": narrow the schedule's patterns"), reads, notes, failed };
}

/** What a scheduled run reads now: its sources (each from its cursor), the config, the version's directory. */
export interface Increment {
  runId: string;
  config: RunConfig;
  /** the domain its runs are filed under (search attribute ForgeDomain) */
  domain: string;
  sources: InputRef[];
  versionDir: string;
  /** the dataset and its committed versions: the version's facts derive from the data so far */
  history: History;
  notes: string[];
  reads: DatasetVersion['reads'];
}

/**
 * Plan a scheduled run: read its config (a missing or broken one is the run's clear error), match its patterns,
 * and plan each file's read after the committed cursors. The cursors the run will commit are kept aside; the
 * latest version's near-duplicate index is copied into the new version, so that no near-duplicate pair spans two.
 */
export async function planIncrement(
  input: ScheduledRunInput,
  runId: string,
  now = new Date().toISOString(),
): Promise<Increment> {
  const config = await loadRunConfig(input.configPath, input.defaultGraphs);
  const notes: string[] = [];
  const files: string[] = [];
  for (const pattern of input.inputs) {
    const matched = await matchInputs(pattern);
    if (!matched.length) notes.push(`${pattern}: no file matches (vanished?)`);
    for (const f of matched) if (!files.includes(f)) files.push(f);
  }
  const cursors = await readJsonOr(cursorsPath(input.outDir), Cursors, { sources: [] });
  const dataset = await readDataset(input.outDir, input.schedule);
  const latest = dataset.versions.at(-1);
  if (latest && now < latest.created_at)
    notes.push(`the clock went backwards: now ${now}, the latest version (v${latest.version}) ${latest.created_at}`);
  const plan = await planReads(files, cursors.sources);
  notes.push(...plan.notes);
  const { sources, reads, notes: unread, failed } = await describeReads(plan.reads, input.outDir, dataset);
  notes.push(...unread);
  const next: Cursors = {
    sources: [
      ...plan.cursors.sources.filter((c) => !failed.has(fileKey(c))),
      ...cursors.sources.filter((c) => failed.has(fileKey(c))),
    ],
  };
  const dir = versionDir(input.outDir, runId);
  if (sources.length) {
    await mkdir(join(dir, 'dedup'), { recursive: true });
    if (latest) {
      await copyFile(dedupIndexPath(join(input.outDir, latest.dir)), dedupIndexPath(dir)).catch(
        (e: NodeJS.ErrnoException) => {
          if (e.code !== 'ENOENT') throw e;
        },
      );
    }
  }
  await mkdir(join(input.outDir, 'cursors'), { recursive: true });
  await writeFileAtomic(pendingCursorsPath(input.outDir, runId), JSON.stringify(next, null, 1));
  return {
    runId,
    config,
    domain: runDomain(config),
    sources,
    versionDir: dir,
    history: { dataset: input.outDir, versions: dataset.versions.map((v) => join(input.outDir, v.dir)) },
    notes,
    reads: reads.map((r, i) => ({
      name: sources[i].name,
      path: r.path,
      from_line: r.from.line,
      to_line: r.next.line,
    })),
  };
}

/**
 * Commit a scheduled run: its cursors become the schedule's (one rename), and its version - when it read anything -
 * is added to the dataset manifest and card.
 */
export async function commitIncrement(args: {
  input: ScheduledRunInput;
  increment: Pick<Increment, 'runId' | 'versionDir' | 'notes' | 'reads'>;
  result: Pick<RunResult, 'counts'> | null;
  now: string;
}): Promise<DatasetManifest> {
  const { input, increment, result } = args;
  const dataset = await readDataset(input.outDir, input.schedule);
  // a retried commit (the worker died after writing the manifest) adds its version once
  const committed = dataset.versions.some((v) => v.run_id === increment.runId);
  if (result && !committed) {
    const version = dataset.versions.length + 1;
    const facts = await readJsonl(join(increment.versionDir, 'facts.jsonl'), Fact);
    const docs = await readDocuments(documentsPath(increment.versionDir));
    const { index, ...changes } = compareFacts(
      dataset.facts,
      facts,
      docs.flatMap((d) => (d.origin === 'synthetic' ? [d] : [])),
      { version, run_id: increment.runId },
    );
    dataset.facts = index;
    dataset.versions.push({
      version,
      run_id: increment.runId,
      created_at: args.now,
      dir: relative(input.outDir, increment.versionDir),
      reads: increment.reads,
      notes: increment.notes,
      ...changes,
      counts: DatasetVersion.shape.counts.parse(result.counts),
    });
    await writeFileAtomic(datasetManifestPath(input.outDir), JSON.stringify(dataset, null, 1));
    await writeFileAtomic(join(input.outDir, 'README.md'), datasetCard(dataset));
  }
  // (a pending file gone is one a retried commit renamed already: nothing else removes it)
  await rename(pendingCursorsPath(input.outDir, increment.runId), cursorsPath(input.outDir)).catch(
    (e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    },
  );
  return dataset;
}

/**
 * The dataset card of a schedule's corpus: the HF configuration `default` reads every version's shards (the corpus
 * so far), `v1`, `v2`... one version each.
 */
export function datasetCard(d: DatasetManifest): string {
  const shards = (v: DatasetVersion) => `${v.dir}/shards/*`;
  const configs = [
    ...(d.versions.length
      ? [`- config_name: default\n  data_files:\n${d.versions.map((v) => `  - "${shards(v)}"`).join('\n')}`]
      : []),
    ...d.versions.map((v) => `- config_name: v${v.version}\n  data_files: "${shards(v)}"`),
  ];
  const rows = d.versions.map(
    (v) =>
      `| v${v.version} | ${v.run_id} | ${v.created_at} | ${v.counts.lines} | ${v.counts.records} | ` +
      `${v.counts.facts} | ` +
      `${v.counts.docs_written} | ${v.reads.map((r) => `${r.name}:${r.from_line}-${r.to_line}`).join(', ')} |`,
  );
  return [
    '---',
    `pretty_name: "Forge corpus, schedule ${d.schedule}"`,
    'configs:',
    ...configs,
    '---',
    '',
    `# Forge corpus of schedule ${d.schedule}`,
    '',
    'Each version is one scheduled run over what was new in its inputs; its own card is in its directory.',
    '',
    '| version | run | created | lines | records | facts | documents | lines read |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
