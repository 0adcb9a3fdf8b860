import { ApplicationFailure, continueAsNew, getExternalWorkflowHandle, setCurrentDetails } from '@temporalio/workflow';
import type { RunConfig } from '../activities/run/config';
import type { ChunkSummary, ParseSummary, ParseTotals, ScanSummary } from '../activities/run/contracts';
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

export const EMPTY_TOTALS: ParseTotals = { lines: 0, records: 0, quarantined: 0, untimed: 0, pii: {} };

function addChunk(t: ParseTotals, c: ChunkSummary): void {
  t.lines += c.counts.lines;
  t.records += c.counts.records;
  t.quarantined += c.counts.quarantined;
  t.untimed += c.counts.untimed;
  for (const [k, v] of Object.entries(c.pii))
    t.pii[k as keyof ParseTotals['pii']] = (t.pii[k as keyof ParseTotals['pii']] ?? 0) + (v ?? 0);
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

  const summary: ParseSummary = { source: scan.source, chunks: scan.chunks, ...totals };
  if (summary.lines > 0 && summary.records === 0) {
    throw ApplicationFailure.nonRetryable(
      `${scan.source} is wholly unreadable: all ${summary.lines} lines were quarantined ` +
        `(see ${outDir}/quarantine/${scan.source}.00000.jsonl for the reasons; check the source's format and header)`,
      'UnreadableSource',
    );
  }
  if (summary.lines > 0 && summary.untimed === summary.lines) {
    // every line has the header's shape but no line's time reads: the header (or the time format) is not this source's
    throw ApplicationFailure.nonRetryable(
      `${scan.source}: none of its ${summary.lines} lines has a time that can be read (see time_text ` +
        `in ${outDir}/records/${scan.source}.00000.jsonl; check the header format, or set text.timeFormat and ` +
        `text.timeFields in a source config)`,
      'UnreadableSource',
    );
  }
  if (scan.format === 'csv') {
    // time series: steady/transition windows, changes and state events, from the source's samples in order
    const series = await long(`segment ${fileName(scan.source)}`).segmentSeries({
      source: scan.source,
      modelPath: scan.modelPath,
      chunks: scan.chunks,
      outDir,
      config,
    });
    summary.series = {
      windows: series.windows,
      changes: series.changes,
      states: series.states,
      anomalies: series.anomalies,
    };
  }
  return summary;
}
