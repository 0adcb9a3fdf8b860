import {
  ApplicationFailure,
  executeChild,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { failedShards } from '../activities/run/failedShards';
import type {
  ExpandSummary,
  FactsSummary,
  ParseSummary,
  PreparedRun,
  RunInput,
  RunResult,
  ScanSummary,
} from '../activities/run/contracts';
import { expandProgressSignal, fast, fileName, longActivities, parseProgressSignal } from './common';
import { EMPTY_EXPAND_TOTALS, expandFacts } from './expandFacts';
import { parseSource } from './parseSource';
import { currentDetails, EMPTY_PROGRESS, progressQuery, type Progress, type Stage } from './progress';
import { reviewQuery, spotCheck, type ReviewState } from './review';
import { EMPTY_TOTALS } from './stageOne';
import { FORGE_DOCS_WRITTEN, FORGE_FACTS, FORGE_STAGE } from './searchAttributes';

/** What every stage of a run shares: its input and id, its progress, and how to show it and enter a stage. */
interface Run {
  input: RunInput;
  workflowId: string;
  progress: Progress;
  reviewState: ReviewState;
  show: () => void;
  enter: (stage: Stage) => void;
  /** the rejected texts by reason, once known (the Web UI's details show them) */
  rejected: Record<string, number> | null;
}

/**
 * One corpus run: parse every source (in parallel), derive facts against the knowledge graph, expand them
 * into checked documents, write the corpus after its review, then the manifest. Only references (paths) and small
 * summaries pass through here.
 */
export async function synthesizeCorpus(input: RunInput): Promise<RunResult> {
  const run = startRun(input);
  const prepared = await fast(`prepare: ${(input.sources ?? input.inputs).length} inputs`).prepareRun({
    inputs: input.inputs,
    outDir: input.outDir,
    config: input.config,
    sources: input.sources,
  });
  const { scans, parsed } = await parseStage(run, prepared);
  const facts = await knowledgeStage(run, prepared, parsed);
  const expanded = await expandStage(run, facts);
  const { plan, review, corpus } = await corpusStage(run, expanded);
  run.enter('manifest');
  const result = await fast('write manifest and dataset card').writeManifest({
    outDir: input.outDir,
    runId: input.runId,
    workflowId: run.workflowId,
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
  run.enter('done');
  return result;
}

/** The run's shared state, its queries answered from the start (`forge review` on an early run says so). */
function startRun(input: RunInput): Run {
  const started = workflowInfo().startTime.getTime();
  const run: Run = {
    input,
    workflowId: workflowInfo().workflowId,
    progress: { ...EMPTY_PROGRESS, inputs: input.inputs.length },
    reviewState: { state: 'pending', samplePath: null, shards: [], deadline: null },
    show: () => setCurrentDetails(currentDetails(run.progress, started, Date.now(), run.rejected)),
    enter: (stage) => {
      run.progress.stage = stage;
      upsertSearchAttributes([{ key: FORGE_STAGE, value: stage }]);
      run.show();
    },
    rejected: null,
  };
  setHandler(progressQuery, () => run.progress);
  setHandler(reviewQuery, () => run.reviewState);
  run.show();
  return run;
}

/**
 * Stage 1: a scan per source (chunk plan, templates, name digests), then a child workflow per source parses its
 * chunks in parallel (continuing as new every `parse.continueAsNewAfter` chunks) and reports progress by signal.
 */
async function parseStage(run: Run, prepared: PreparedRun): Promise<{ scans: ScanSummary[]; parsed: ParseSummary[] }> {
  const { input, progress } = run;
  const { long } = longActivities(input.config);
  run.enter('parse');
  setHandler(parseProgressSignal, (d) => {
    progress.chunks += d.chunks;
    progress.lines += d.lines;
    progress.records += d.records;
    progress.quarantined += d.quarantined;
    run.show();
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
        workflowId: `${run.workflowId}/parse/${i + 1}-${fileName(scan.source)}`,
        staticSummary: `parse ${fileName(scan.source)}: ${scan.chunks} chunks`,
        staticDetails:
          `**Source:** ${scan.source} (${scan.format}, ${scan.bytes} bytes, ${scan.lines}` +
          ` lines)\n\n**Chunks:** ${scan.chunks}, ${parallel} at once, continuing as new every ` +
          `${input.config.parse.continueAsNewAfter}`,
        args: [
          {
            parent: run.workflowId,
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
      run.show();
      return summary;
    }),
  );
  return { scans, parsed };
}

/** Stage 2: the graph files loaded, facts derived from the records against it. */
async function knowledgeStage(run: Run, prepared: PreparedRun, parsed: ParseSummary[]): Promise<FactsSummary> {
  const { input } = run;
  run.enter('knowledge');
  await fast(`load ${input.config.graphs.length} graph files`).loadGraph({
    files: [prepared.schemaFile, ...input.config.graphs],
  });
  const facts: FactsSummary = await fast('derive facts').deriveRunFacts({
    outDir: input.outDir,
    sources: parsed.map((p) => ({ source: p.source, chunks: p.chunks, series: p.series })),
    runId: input.runId,
    config: input.config,
    history: input.history,
  });
  run.progress.facts = facts.facts;
  upsertSearchAttributes([{ key: FORGE_FACTS, value: facts.facts }]);
  return facts;
}

/**
 * Stage 3: batches go to the LLM task queue (`<queue>-llm`) from a child workflow, a bounded number at once, each
 * with what is left of the budget; then the documents are collected under the quality floor.
 */
async function expandStage(run: Run, facts: FactsSummary): Promise<ExpandSummary> {
  const { input, progress } = run;
  run.enter('expand');
  const planned = await fast('plan expansion').planExpansion({
    outDir: input.outDir,
    factsPath: facts.factsPath,
    config: input.config,
    dataset: input.history?.dataset,
  });
  progress.texts = { done: 0, total: planned.jobs };
  setHandler(expandProgressSignal, (d) => {
    progress.texts!.done += d.texts;
    run.show();
  });
  const totals = await executeChild(expandFacts, {
    workflowId: `${run.workflowId}/expand`,
    staticSummary: `expand ${facts.facts} facts: ${planned.jobs} texts in ${planned.batches} batches`,
    staticDetails:
      `**Batches:** ${planned.batches} of ${planned.batchSize} texts, ` +
      `${input.config.expand.parallelBatches} at once on the LLM task queue, continuing as new every ` +
      `${input.config.expand.continueAsNewAfter}`,
    args: [
      {
        parent: run.workflowId,
        outDir: input.outDir,
        factsPath: facts.factsPath,
        config: input.config,
        batches: planned.batches,
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
    planned: planned.jobs,
  });
  progress.docsWritten = expanded.written;
  progress.quality = expanded.quality.summary;
  if (expanded.quality.action === 'fail') {
    throw ApplicationFailure.nonRetryable(
      `${expanded.quality.summary} (expand.onLowQuality = fail; see ${input.outDir}/rejected.jsonl)`,
      'QualityFloor',
    );
  }
  run.rejected = expanded.rejected;
  upsertSearchAttributes([{ key: FORGE_DOCS_WRITTEN, value: expanded.written }]);
  return expanded;
}

/**
 * The corpus: real documents mixed in, curriculum order, shards planned, a sample of each for review; the shards
 * that failed (failedShards) replaced from the backup corpus - or the run fails when there is none.
 */
async function corpusStage(run: Run, expanded: ExpandSummary) {
  const { input } = run;
  run.enter('review');
  const plan = await fast('plan corpus and review sample').planCorpus({
    outDir: input.outDir,
    documentsPath: expanded.documentsPath,
    config: input.config,
  });
  const review = await spotCheck(input, plan, run.reviewState, run.show);
  const failed = failedShards({
    quality: expanded.quality,
    plan,
    review,
    minQuality: input.config.review.minQuality,
  });
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
  return { plan, review, corpus };
}
