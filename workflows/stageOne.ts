import type { ChunkSummary, ParseSummary, ParseTotals, ScanSummary } from '../activities/run/contracts';

/**
 * Stage one for one source, the sequence both the `parseSource` workflow (through activities) and `forge parse`
 * (in process) follow: the chunks, their totals added up one way, the verdict on what they gave, then a
 * table's segmentation. Pure and deterministic (workflow-safe): the steps are passed in.
 */
export const EMPTY_TOTALS: ParseTotals = { lines: 0, records: 0, quarantined: 0, untimed: 0, pii: {} };

/** Add a chunk's counts to a source's totals (the one place they are added up). */
export function addChunk(t: ParseTotals, c: ChunkSummary): void {
  t.lines += c.counts.lines;
  t.records += c.counts.records;
  t.quarantined += c.counts.quarantined;
  t.untimed += c.counts.untimed;
  for (const [k, v] of Object.entries(c.pii))
    t.pii[k as keyof ParseTotals['pii']] = (t.pii[k as keyof ParseTotals['pii']] ?? 0) + (v ?? 0);
}

/** Why a parsed source cannot go on - wholly quarantined, or no line's time readable - or null when it can. */
export function sourceVerdict(summary: ParseSummary, outDir: string): string | null {
  const { source, lines, records, untimed } = summary;
  if (lines > 0 && records === 0)
    return (
      `${source} is wholly unreadable: all ${lines} lines were quarantined (see ${outDir}/quarantine/` +
      `${source}.00000.jsonl for the reasons; check the source's format and header)`
    );
  // every line has the header's shape but no line's time reads: the header (or the time format) is not this source's
  if (lines > 0 && untimed === lines)
    return (
      `${source}: none of its ${lines} lines has a time that can be read (see time_text in ` +
      `${outDir}/records/${source}.00000.jsonl; check the header format, or set text.timeFormat and ` +
      'text.timeFields in a source config)'
    );
  return null;
}

/** The end of stage one for a source whose chunks are parsed: the verdict (`fail` throws), then a table's series. */
export async function finishSource(
  scan: Pick<ScanSummary, 'source' | 'chunks' | 'series'>,
  totals: ParseTotals,
  outDir: string,
  steps: { fail: (message: string) => never; segment: () => Promise<NonNullable<ParseSummary['series']>> },
): Promise<ParseSummary> {
  const summary: ParseSummary = { source: scan.source, chunks: scan.chunks, ...totals };
  const verdict = sourceVerdict(summary, outDir);
  if (verdict) steps.fail(verdict);
  // time series: steady/transition windows, changes, state events and anomalies, from the source's samples in order
  if (scan.series) summary.series = await steps.segment();
  return summary;
}
