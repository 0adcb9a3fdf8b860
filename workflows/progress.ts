import { defineQuery } from '@temporalio/workflow';

/** A run's progress: what `forge status` and the Web UI show while it runs. */
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

/** The run's live "current details" in the Web UI (Temporal markdown): stage, counts, rates, rejects by reason. */
export function currentDetails(
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
