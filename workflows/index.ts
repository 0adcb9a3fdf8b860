import {
  ApplicationFailure,
  condition,
  defineQuery,
  defineUpdate,
  executeChild,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type {
  CorpusPlanSummary,
  ExpandSummary,
  FactsSummary,
  ParseSummary,
  ReviewDecision,
  ReviewOutcome,
  RunInput,
  RunResult,
  ScanSummary,
} from '../activities/run/contracts';
import { expandProgressSignal, fast, fileName, longActivities, parseProgressSignal } from './common';
import { EMPTY_EXPAND_TOTALS, expandFacts } from './expandFacts';
import { parseSource } from './parseSource';
import { EMPTY_TOTALS } from './stageOne';
import { FORGE_DOCS_WRITTEN, FORGE_FACTS, FORGE_STAGE } from './searchAttributes';

// the run's child workflows, registered with it
export { expandFacts } from './expandFacts';
export { parseSource } from './parseSource';

export type Stage = 'prepare' | 'parse' | 'knowledge' | 'expand' | 'review' | 'manifest' | 'done';
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
  /** texts of the expansion: those whose batch is done, of all planned */
  texts: { done: number; total: number } | null;
  docsWritten: number | null;
  /** the quality floor's verdict on the generated texts, once expansion is done */
  quality: string | null;
}

/** A run's progress before anything is done (the CLI shows it for a run not yet started). */
export const EMPTY_PROGRESS: Progress = {
  stage: 'prepare',
  inputs: 0,
  chunks: 0,
  chunksTotal: 0,
  parsed: 0,
  lines: 0,
  records: 0,
  quarantined: 0,
  facts: null,
  texts: null,
  docsWritten: null,
  quality: null,
};
export const progressQuery = defineQuery<Progress>('progress');

/** Where the human spot-check stands: the sample to read, the shards it covers, and until when the run waits. */
export interface ReviewState {
  state: 'not_requested' | 'pending' | 'awaiting' | 'decided' | 'timed_out';
  samplePath: string | null;
  shards: string[];
  deadline: string | null;
}
export const reviewQuery = defineQuery<ReviewState>('review');
/**
 * The reviewer's decision: validated (a rejection needs a reason; shards must be the run's; only while the run waits).
 */
export const reviewUpdate = defineUpdate<ReviewOutcome, [ReviewDecision]>('review');

/** The run's live "current details" in the Web UI (Temporal markdown): stage, counts, rates, rejects by reason. */
function currentDetails(
  p: Progress,
  startedMs: number,
  nowMs: number,
  rejected: Record<string, number> | null,
): string {
  const secs = Math.max(1, (nowMs - startedMs) / 1000);
  const lines = [
    `**Stage:** ${p.stage}`,
    `**Parsed:** ${p.parsed}/${p.inputs} sources, ${p.chunks}/${p.chunksTotal} chunks, ${p.lines} lines ` +
      `-> ${p.records} records (${p.quarantined} quarantined), ${Math.round(p.lines / secs)} lines/s`,
  ];
  if (p.facts !== null) lines.push(`**Facts:** ${p.facts}`);
  if (p.texts)
    lines.push(`**Texts:** ${p.texts.done}/${p.texts.total} (${Math.round(p.texts.done / secs)} texts/s over the run)`);
  if (p.docsWritten !== null) lines.push(`**Documents written:** ${p.docsWritten}`);
  if (p.quality !== null) lines.push(`**Quality:** ${p.quality}`);
  if (rejected && Object.keys(rejected).length)
    lines.push(
      `**Rejected:** ${Object.entries(rejected)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
  return lines.join('\n\n');
}

/**
 * One corpus run: parse every source (in parallel), derive facts against the knowledge graph, expand them
 * into checked documents, write the manifest. Only references (paths) and small summaries pass through here.
 */
export async function synthesizeCorpus(input: RunInput): Promise<RunResult> {
  const progress: Progress = { ...EMPTY_PROGRESS, inputs: input.inputs.length };
  const { long } = longActivities(input.config);
  const workflowId = workflowInfo().workflowId;
  setHandler(progressQuery, () => progress);
  // answered from the start: `forge review` on a run that has not come to its review says so
  const reviewState: ReviewState = { state: 'pending', samplePath: null, shards: [], deadline: null };
  setHandler(reviewQuery, () => reviewState);
  const started = workflowInfo().startTime.getTime();
  let rejected: Record<string, number> | null = null;
  const show = () => setCurrentDetails(currentDetails(progress, started, Date.now(), rejected));
  const enter = (stage: Stage) => {
    progress.stage = stage;
    upsertSearchAttributes([{ key: FORGE_STAGE, value: stage }]);
    show();
  };
  show();

  const prepared = await fast(`prepare: ${input.inputs.length} inputs`).prepareRun({
    inputs: input.inputs,
    outDir: input.outDir,
    config: input.config,
  });

  // stage 1: a scan per source (chunk plan, templates, name digests), then a child workflow per source parses its
  // chunks in parallel (continuing as new every `parse.continueAsNewAfter` chunks) and reports progress by signal
  enter('parse');
  setHandler(parseProgressSignal, (d) => {
    progress.chunks += d.chunks;
    progress.lines += d.lines;
    progress.records += d.records;
    progress.quarantined += d.quarantined;
    show();
  });
  const scans: ScanSummary[] = await Promise.all(
    prepared.inputs.map((source) =>
      long(`scan ${fileName(source.path)}`).scanSource({ source, outDir: input.outDir, config: input.config }),
    ),
  );
  progress.chunksTotal = scans.reduce((a, s) => a + s.chunks, 0);
  const parallel = Math.max(1, Math.floor(input.config.parse.parallelChunks / scans.length));
  const parsed: ParseSummary[] = await Promise.all(
    scans.map(async (scan, i) => {
      const summary = await executeChild(parseSource, {
        workflowId: `${workflowId}/parse/${i + 1}-${fileName(scan.source)}`,
        staticSummary: `parse ${fileName(scan.source)}: ${scan.chunks} chunks`,
        staticDetails:
          `**Source:** ${scan.source} (${scan.format}, ${scan.bytes} bytes, ${scan.lines}` +
          ` lines)\n\n**Chunks:** ${scan.chunks}, ${parallel} at once, continuing as new every ` +
          `${input.config.parse.continueAsNewAfter}`,
        args: [
          {
            parent: workflowId,
            scan,
            outDir: input.outDir,
            config: input.config,
            parallel,
            from: 0,
            totals: EMPTY_TOTALS,
          },
        ],
      });
      progress.parsed++;
      show();
      return summary;
    }),
  );

  enter('knowledge');
  await fast(`load ${input.config.graphs.length} graph files`).loadGraph({
    files: [prepared.schemaFile, ...input.config.graphs],
  });
  const facts: FactsSummary = await fast('derive facts').deriveRunFacts({
    outDir: input.outDir,
    sources: parsed.map((p) => ({ source: p.source, chunks: p.chunks, series: p.series })),
    runId: input.runId,
    config: input.config,
  });
  progress.facts = facts.facts;
  upsertSearchAttributes([{ key: FORGE_FACTS, value: facts.facts }]);

  enter('expand');
  const plannedTexts = await fast('plan expansion').planExpansion({
    outDir: input.outDir,
    factsPath: facts.factsPath,
    config: input.config,
  });
  progress.texts = { done: 0, total: plannedTexts.jobs };
  // batches go to the LLM task queue (`<queue>-llm`) from a child workflow, a bounded number at once, each with what is
  // left of the budget
  setHandler(expandProgressSignal, (d) => {
    progress.texts!.done += d.texts;
    show();
  });
  const totals = await executeChild(expandFacts, {
    workflowId: `${workflowId}/expand`,
    staticSummary: `expand ${facts.facts} facts: ${plannedTexts.jobs} texts in ${plannedTexts.batches} batches`,
    staticDetails:
      `**Batches:** ${plannedTexts.batches} of ${plannedTexts.batchSize} texts, ` +
      `${input.config.expand.parallelBatches} at once on the LLM task queue, continuing as new every ` +
      `${input.config.expand.continueAsNewAfter}`,
    args: [
      {
        parent: workflowId,
        outDir: input.outDir,
        factsPath: facts.factsPath,
        config: input.config,
        batches: plannedTexts.batches,
        from: 0,
        totals: EMPTY_EXPAND_TOTALS,
      },
    ],
  });
  const expanded: ExpandSummary = await fast('collect and de-duplicate documents').collectDocuments({
    outDir: input.outDir,
    factsPath: facts.factsPath,
    config: input.config,
    totals,
    planned: plannedTexts.jobs,
  });
  progress.docsWritten = expanded.written;
  progress.quality = expanded.quality.summary;
  if (expanded.quality.action === 'fail') {
    throw ApplicationFailure.nonRetryable(
      `${expanded.quality.summary} (expand.onLowQuality = fail; see ${input.outDir}/rejected.jsonl)`,
      'QualityFloor',
    );
  }
  rejected = expanded.rejected;
  upsertSearchAttributes([{ key: FORGE_DOCS_WRITTEN, value: expanded.written }]);

  // the corpus: real documents mixed in, curriculum order, shards planned, a sample of each for review
  enter('review');
  const plan: CorpusPlanSummary = await fast('plan corpus and review sample').planCorpus({
    outDir: input.outDir,
    documentsPath: expanded.documentsPath,
    config: input.config,
  });
  const review = await spotCheck(input, plan, reviewState, show);

  const failed = [
    // a group of texts under the quality floor, with a backup corpus: every shard is written from real data
    ...(expanded.quality.action === 'backup'
      ? plan.shards.map((shard) => ({ shard, reason: expanded.quality.summary }))
      : []),
    ...plan.lowQuality.map((q) => ({
      shard: q.shard,
      reason: `mean quality ${q.quality} below ${input.config.review.minQuality}`,
    })),
    ...(review.decision === 'reject'
      ? (review.shards.length ? review.shards : plan.shards).map((shard) => ({
          shard,
          reason: `rejected in review: ${review.reason}`,
        }))
      : []),
  ].filter((f, i, all) => all.findIndex((x) => x.shard === f.shard) === i);
  if (failed.length && !input.config.backup.path) {
    throw ApplicationFailure.nonRetryable(
      `${failed.length} shard(s) failed (${failed[0].reason}) and no backup corpus is configured (backup.path) ` +
        `to replace them`,
      'ReviewRejected',
    );
  }
  const corpus = await fast(`write ${plan.shards.length} shards`).writeCorpus({
    outDir: input.outDir,
    documentsPath: expanded.documentsPath,
    config: input.config,
    failed,
  });

  enter('manifest');
  const result = await fast('write manifest and dataset card').writeManifest({
    outDir: input.outDir,
    runId: input.runId,
    workflowId,
    configHash: prepared.configHash,
    config: input.config,
    inputs: scans.map((s, i) => ({ ...s, path: prepared.inputs[i].path })),
    parsed,
    facts,
    expanded,
    plan,
    review,
    corpus,
  });
  enter('done');
  return result;
}

/**
 * The human spot-check. Without `review.wait` the sample is written and the run goes on. With it, the run
 * waits for the `review` Update up to `review.timeoutSeconds`; then `review.onTimeout` decides: approve, fail
 * the run, or fall back (every shard replaced from the backup corpus).
 */
async function spotCheck(
  input: RunInput,
  plan: CorpusPlanSummary,
  reviewState: ReviewState,
  show: () => void,
): Promise<ReviewOutcome> {
  const cfg = input.config.review;
  const state = reviewState;
  Object.assign(state, {
    state: cfg.wait ? 'awaiting' : 'not_requested',
    samplePath: plan.samplePath,
    shards: plan.shards,
  });
  let outcome: ReviewOutcome = {
    requested: cfg.wait,
    decision: null,
    reason: null,
    shards: [],
    reviewer: null,
    timed_out: false,
  };
  if (!cfg.wait) return outcome;
  state.deadline = new Date(Date.now() + cfg.timeoutSeconds * 1000).toISOString();
  setHandler(
    reviewUpdate,
    (d: ReviewDecision) => {
      outcome = {
        requested: true,
        decision: d.decision,
        reason: d.reason?.trim() || null,
        shards: d.shards ?? [],
        reviewer: d.reviewer ?? null,
        timed_out: false,
      };
      state.state = 'decided';
      return outcome;
    },
    {
      validator: (d: ReviewDecision) => {
        if (state.state !== 'awaiting') throw new Error(`this run is not waiting for a review (${state.state})`);
        if (d?.decision !== 'approve' && d?.decision !== 'reject')
          throw new Error('decision must be "approve" or "reject"');
        if (d.decision === 'reject' && !d.reason?.trim()) throw new Error('a rejection needs a reason');
        const unknown = (d.shards ?? []).filter((x) => !plan.shards.includes(x));
        if (unknown.length)
          throw new Error(`no such shard in this run: ${unknown.join(', ')} (shards: ${plan.shards.join(', ')})`);
      },
    },
  );
  show();
  const decided = await condition(() => state.state === 'decided', cfg.timeoutSeconds * 1000);
  if (decided) return outcome;
  state.state = 'timed_out';
  if (cfg.onTimeout === 'fail')
    throw ApplicationFailure.nonRetryable(
      `no review within ${cfg.timeoutSeconds} s (review.onTimeout = fail)`,
      'ReviewTimedOut',
    );
  return {
    requested: true,
    decision: cfg.onTimeout === 'approve' ? 'approve' : 'reject',
    reason: `no review within ${cfg.timeoutSeconds} s (policy: ${cfg.onTimeout})`,
    shards: [],
    reviewer: null,
    timed_out: true,
  };
}
