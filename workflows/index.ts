import { ApplicationFailure, type ActivityOptions, defineQuery, proxyActivities, setCurrentDetails, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { NON_RETRYABLE } from '../activities/run/errors';
import type { ChunkSummary, ExpandSummary, FactsSummary, ParseSummary, RunInput, RunResult, ScanSummary } from '../activities/run/contracts';
import { FORGE_DOCS_WRITTEN, FORGE_FACTS, FORGE_STAGE } from './searchAttributes';

export type Stage = 'prepare' | 'parse' | 'knowledge' | 'expand' | 'manifest' | 'done';
export interface Progress {
  stage: Stage;
  inputs: number;
  /** chunks parsed, of all chunks of all sources */
  chunks: number;
  chunksTotal: number;
  parsed: number;
  lines: number;
  records: number;
  quarantined: number;
  facts: number | null;
  docsWritten: number | null;
}
export const progressQuery = defineQuery<Progress>('progress');

const retry = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 10, nonRetryableErrorTypes: [...NON_RETRYABLE] };

const FAST: ActivityOptions = { startToCloseTimeout: '5 minutes', retry };
/** activities that stream a whole source or chunk: they heartbeat their progress */
const LONG: ActivityOptions = { startToCloseTimeout: '2 hours', heartbeatTimeout: '2 minutes', retry };
/** Activities with a one-line summary that the Web UI shows on each of them. */
const fast = (summary: string) => proxyActivities<Activities>({ ...FAST, summary });
const long = (summary: string) => proxyActivities<Activities>({ ...LONG, summary });
const fileName = (path: string) => path.split(/[\\/]/).pop() ?? path;

/** The run's live "current details" in the Web UI (Temporal markdown): stage, counts, rates, rejects by reason. */
function currentDetails(p: Progress, startedMs: number, nowMs: number, rejected: Record<string, number> | null): string {
  const secs = Math.max(1, (nowMs - startedMs) / 1000);
  const lines = [
    `**Stage:** ${p.stage}`,
    `**Parsed:** ${p.parsed}/${p.inputs} sources, ${p.chunks}/${p.chunksTotal} chunks, ${p.lines} lines -> ${p.records} records (${p.quarantined} quarantined), ${Math.round(p.lines / secs)} lines/s`,
  ];
  if (p.facts !== null) lines.push(`**Facts:** ${p.facts}`);
  if (p.docsWritten !== null) lines.push(`**Documents written:** ${p.docsWritten}`);
  if (rejected && Object.keys(rejected).length) lines.push(`**Rejected:** ${Object.entries(rejected).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  return lines.join('\n\n');
}

/** One source's chunk results added up (plain arithmetic: deterministic). */
function summarise(source: string, chunks: ChunkSummary[]): ParseSummary {
  const pii: Record<string, number> = {};
  for (const c of chunks) for (const [k, v] of Object.entries(c.pii)) pii[k] = (pii[k] ?? 0) + (v ?? 0);
  return {
    source, pii,
    lines: chunks.reduce((a, c) => a + c.counts.lines, 0),
    records: chunks.reduce((a, c) => a + c.counts.records, 0),
    quarantined: chunks.reduce((a, c) => a + c.counts.quarantined, 0),
    recordFiles: chunks.map((c) => c.recordsPath),
    quarantineFiles: chunks.map((c) => c.quarantinePath),
  };
}

/**
 * One corpus run: parse every source (in parallel), derive facts against the knowledge graph, expand them
 * into checked documents, write the manifest. Only references (paths) and small summaries pass through here.
 */
export async function synthesizeCorpus(input: RunInput): Promise<RunResult> {
  const progress: Progress = { stage: 'prepare', inputs: input.inputs.length, chunks: 0, chunksTotal: 0, parsed: 0, lines: 0, records: 0, quarantined: 0, facts: null, docsWritten: null };
  setHandler(progressQuery, () => progress);
  const started = workflowInfo().startTime.getTime();
  let rejected: Record<string, number> | null = null;
  const show = () => setCurrentDetails(currentDetails(progress, started, Date.now(), rejected));
  const enter = (stage: Stage) => {
    progress.stage = stage;
    upsertSearchAttributes([{ key: FORGE_STAGE, value: stage }]);
    show();
  };
  show();

  const prepared = await fast(`prepare: ${input.inputs.length} inputs`).prepareRun({ inputs: input.inputs, outDir: input.outDir, config: input.config });

  // stage 1: a scan per source (chunk plan, templates, name digests), then every chunk of every source in parallel
  enter('parse');
  const scans: ScanSummary[] = await Promise.all(prepared.inputs.map((source) => long(`scan ${fileName(source.path)}`).scanSource({ source, outDir: input.outDir, config: input.config })));
  progress.chunksTotal = scans.reduce((a, s) => a + s.chunks.length, 0);
  const parsed: ParseSummary[] = await Promise.all(scans.map(async (scan) => {
    const chunks: ChunkSummary[] = await Promise.all(scan.chunks.map(async (chunk) => {
      const c = await long(`parse ${fileName(scan.source)} chunk ${chunk.index + 1}/${scan.chunks.length}`).parseChunk({ modelPath: scan.modelPath, chunk, outDir: input.outDir, config: input.config });
      progress.chunks++;
      progress.lines += c.counts.lines;
      progress.records += c.counts.records;
      progress.quarantined += c.counts.quarantined;
      show();
      return c;
    }));
    const summary = summarise(scan.source, chunks);
    if (summary.lines > 0 && summary.records === 0) {
      throw ApplicationFailure.nonRetryable(
        `${scan.source} is wholly unreadable: all ${summary.lines} lines were quarantined (see ${summary.quarantineFiles[0]} for the reasons; check the source's format and header)`,
        'UnreadableSource');
    }
    if (scan.format === 'csv') {
      // time series: steady/transition windows, changes and state events, from the source's samples in order
      const series = await long(`segment ${fileName(scan.source)}`).segmentSeries({ source: scan.source, recordFiles: summary.recordFiles, outDir: input.outDir, config: input.config });
      summary.recordFiles.push(series.path);
      summary.series = { windows: series.windows, changes: series.changes, states: series.states };
    }
    progress.parsed++;
    return summary;
  }));

  enter('knowledge');
  await fast(`load ${input.config.graphs.length} graph files`).loadGraph({ files: [prepared.schemaFile, ...input.config.graphs] });
  const facts: FactsSummary = await fast('derive facts').deriveRunFacts({
    outDir: input.outDir, recordFiles: parsed.flatMap((p) => p.recordFiles), runId: input.runId, config: input.config,
  });
  progress.facts = facts.facts;
  upsertSearchAttributes([{ key: FORGE_FACTS, value: facts.facts }]);

  enter('expand');
  // expansion goes to the LLM task queue (`<queue>-llm`): its workers' LLM concurrency is set apart from parsing
  const { expandRunFacts } = proxyActivities<Activities>({ ...LONG, taskQueue: `${workflowInfo().taskQueue}-llm`, summary: `expand ${facts.facts} facts` });
  const expanded: ExpandSummary = await expandRunFacts({ outDir: input.outDir, factsPath: facts.factsPath, config: input.config });
  progress.docsWritten = expanded.written;
  rejected = expanded.rejected;
  upsertSearchAttributes([{ key: FORGE_DOCS_WRITTEN, value: expanded.written }]);

  enter('manifest');
  const result = await fast('write manifest and dataset card').writeManifest({
    outDir: input.outDir, runId: input.runId, workflowId: workflowInfo().workflowId, configHash: prepared.configHash,
    config: input.config, inputs: scans.map((s, i) => ({ ...s, path: prepared.inputs[i].path })), parsed, facts, expanded,
  });
  enter('done');
  return result;
}
