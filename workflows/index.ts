import { defineQuery, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { NON_RETRYABLE } from '../activities/run/errors';
import type { ExpandSummary, FactsSummary, ParseSummary, RunInput, RunResult } from '../activities/run/contracts';

export type Stage = 'prepare' | 'parse' | 'knowledge' | 'expand' | 'manifest' | 'done';
export interface Progress {
  stage: Stage;
  inputs: number;
  parsed: number;
  lines: number;
  records: number;
  quarantined: number;
  facts: number | null;
  docsWritten: number | null;
}
export const progressQuery = defineQuery<Progress>('progress');

const retry = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 10, nonRetryableErrorTypes: [...NON_RETRYABLE] };

const fast = proxyActivities<Activities>({ startToCloseTimeout: '5 minutes', retry });
const { expandRunFacts } = proxyActivities<Activities>({ startToCloseTimeout: '2 hours', heartbeatTimeout: '2 minutes', retry });

/**
 * One corpus run: parse every source (in parallel), derive facts against the knowledge graph, expand them
 * into checked documents, write the manifest. Only references (paths) and small summaries pass through here.
 */
export async function synthesizeCorpus(input: RunInput): Promise<RunResult> {
  const progress: Progress = { stage: 'prepare', inputs: input.inputs.length, parsed: 0, lines: 0, records: 0, quarantined: 0, facts: null, docsWritten: null };
  setHandler(progressQuery, () => progress);

  const prepared = await fast.prepareRun({ inputs: input.inputs, outDir: input.outDir, config: input.config });

  progress.stage = 'parse';
  const parsed: ParseSummary[] = await Promise.all(prepared.inputs.map(async (source) => {
    const s = await fast.parseSource({ source, outDir: input.outDir, config: input.config });
    progress.parsed++;
    progress.lines += s.lines;
    progress.records += s.records;
    progress.quarantined += s.quarantined;
    return s;
  }));

  progress.stage = 'knowledge';
  await fast.loadGraph({ files: [prepared.schemaFile, ...input.config.graphs] });
  const facts: FactsSummary = await fast.deriveRunFacts({
    outDir: input.outDir, recordFiles: parsed.map((p) => p.recordsPath), runId: input.runId, config: input.config,
  });
  progress.facts = facts.facts;

  progress.stage = 'expand';
  const expanded: ExpandSummary = await expandRunFacts({ outDir: input.outDir, factsPath: facts.factsPath, config: input.config });
  progress.docsWritten = expanded.written;

  progress.stage = 'manifest';
  const result = await fast.writeManifest({
    outDir: input.outDir, runId: input.runId, workflowId: workflowInfo().workflowId, configHash: prepared.configHash,
    config: input.config, inputs: prepared.inputs, parsed, facts, expanded,
  });
  progress.stage = 'done';
  return result;
}
