import { ApplicationFailure, continueAsNew, getExternalWorkflowHandle, setCurrentDetails } from '@temporalio/workflow';
import type { RunConfig } from '../activities/run/config';
import type { ParseSummary, ParseTotals, ScanSummary } from '../activities/run/contracts';
import { addChunk, finishSource } from './stageOne';
import {
  batchedReport,
  fileName,
  limiter,
  longActivities,
  parseProgressSignal,
  PROGRESS_REPORTS,
  type ParseProgressDelta,
} from './common';

export interface ParseSourceInput {
  /** the run's workflow id: progress goes there as signals */
  parent: string;
  scan: ScanSummary;
  outDir: string;
  config: RunConfig;
  /** chunks of this source in flight at once */
  parallel: number;
  /** the first chunk of this run of the workflow, and the totals of the chunks before it (after continue-as-new) */
  from: number;
  totals: ParseTotals;
}

/**
 * Stage 1 for one source, a child workflow of the run: its chunks in parallel (at most `parallel` at once),
 * then segmentation for a table. After `parse.continueAsNewAfter` chunks it continues as new with the
 * totals so far, so its history stays small whatever the source's size; the run sees one result.
 */
export async function parseSource(input: ParseSourceInput): Promise<ParseSummary> {
  const { scan, config, outDir } = input;
  const { long } = longActivities(config);
  const totals: ParseTotals = { ...input.totals, pii: { ...input.totals.pii } };
  const end = Math.min(scan.chunks, input.from + config.parse.continueAsNewAfter);
  const parent = getExternalWorkflowHandle(input.parent);
  const report = batchedReport<ParseProgressDelta>(
    Math.max(1, Math.ceil(scan.chunks / PROGRESS_REPORTS)),
    () => ({ chunks: 0, lines: 0, records: 0, quarantined: 0 }),
    (d) => parent.signal(parseProgressSignal, d),
    'chunks',
  );
  let done = input.from;
  const show = () =>
    setCurrentDetails(
      `**Chunks:** ${done}/${scan.chunks} (this run of the ` +
        `workflow: ${input.from + 1}-${end})\n\n**Lines:** ${totals.lines} -> ${totals.records} records (` +
        `${totals.quarantined} quarantined)`,
    );
  show();
  const slot = limiter(input.parallel);
  await Promise.all(
    Array.from({ length: end - input.from }, (_, k) => input.from + k).map(async (i) => {
      const c = await slot(() =>
        long(`parse ${fileName(scan.source)} chunk ${i + 1}/${scan.chunks}`).parseChunk({
          modelPath: scan.modelPath,
          chunk: i,
          outDir,
          config,
        }),
      );
      addChunk(totals, c);
      done++;
      show();
      await report.add({
        chunks: 1,
        lines: c.counts.lines,
        records: c.counts.records,
        quarantined: c.counts.quarantined,
      });
    }),
  );
  await report.flush();
  if (end < scan.chunks) return continueAsNew<typeof parseSource>({ ...input, from: end, totals });

  return finishSource(scan, totals, outDir, {
    fail: (message) => {
      throw ApplicationFailure.nonRetryable(message, 'UnreadableSource');
    },
    segment: async () => {
      const { windows, changes, states, anomalies, reference } = await long(
        `segment ${fileName(scan.source)}`,
      ).segmentSeries({
        source: scan.source,
        modelPath: scan.modelPath,
        chunks: scan.chunks,
        outDir,
        config,
        ...(scan.previousModel ? { previousModel: scan.previousModel } : {}),
      });
      if (reference) setCurrentDetails(`**Reference of normal operation:** ${reference.summary}`);
      return { windows, changes, states, anomalies, reference };
    },
  });
}
