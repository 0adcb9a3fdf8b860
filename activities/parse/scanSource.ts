import { stat } from 'node:fs/promises';
import { readLineBlocks, type ChunkRef, type LineBlock } from './chunks';
import { ParseContext, type ParseOptions } from './parseResult';
import { isNameField } from './pii';
import { TextLogParser } from './parsers/textLog';
import { eachLine } from './parsers/lines';
import type { SourceModel } from './sourceModel';
import type { SourceSpec } from './sourceSpec';
import { Drain } from './templates/drain';
import { drainOptions, freezeTemplates } from './templates/templateModel';

export interface ScanOptions extends ParseOptions {
  /** target size of a chunk; chunks end on line boundaries */
  chunkBytes: number;
}

/**
 * One pass over a source: plan its chunks, learn the names in it (as keyed digests) and mine the
 * templates of a text log from its masked messages. Memory: one block, the templates, the digests.
 */
export async function scanBlocks(blocks: AsyncIterable<LineBlock> | Iterable<LineBlock>, path: string, spec: SourceSpec, opts: ScanOptions): Promise<SourceModel> {
  const ctx = new ParseContext(opts);
  const drain = spec.format === 'text' ? new Drain(drainOptions(spec.text.miner)) : null;
  const text = spec.format === 'text' ? new TextLogParser(ctx, spec, null) : null;
  const chunks: ChunkRef[] = [];
  let chunkStart = 0;
  let chunkFirstLine = 1;
  let offset = 0;
  let lines = 0;
  let headerLine: string | null = null;
  for await (const block of blocks) {
    if (block.firstLine === 1 && spec.format === 'csv' && spec.csv.headerRow) headerLine = ctx.mask.text(firstLineOf(block.text));
    if (spec.format !== 'csv') eachLine(block.text, block.firstLine, (raw) => learn(raw));
    lines = block.firstLine - 1 + block.newlines + (block.text.endsWith('\n') || block.text === '' ? 0 : 1);
    offset = block.next;
    if (offset - chunkStart >= opts.chunkBytes) {
      chunks.push({ index: chunks.length, start: chunkStart, end: offset, firstLine: chunkFirstLine });
      chunkStart = offset;
      chunkFirstLine = block.firstLine + block.newlines;
    }
  }
  if (offset > chunkStart) chunks.push({ index: chunks.length, start: chunkStart, end: offset, firstLine: chunkFirstLine });
  if (spec.format === 'csv' && spec.csv.headerRow && headerLine === null) headerLine = '';
  return {
    source: opts.source, path, spec, bytes: offset, lines, chunks, headerLine,
    templates: drain ? freezeTemplates(drain, spec.text.miner) : null,
    nameDigests: ctx.mask.knownNameDigests(),
  };

  // (a CSV source learns nothing here: its names live in name columns, masked by their role in every chunk)
  function learn(raw: string): void {
    switch (spec.format) {
      case 'text': {
        const split = text!.split(raw);
        if (!('reason' in split)) drain!.add(ctx.mask.text(split.fields.Content));
        return;
      }
      case 'jsonl': {
        try {
          const v = JSON.parse(raw) as Record<string, unknown>;
          for (const x of Object.values(v)) if (typeof x === 'string') ctx.mask.text(x);
        } catch { /* quarantined by the chunk pass */ }
        return;
      }
      case 'workorders': {
        if (raw.trimStart().startsWith('#')) return;
        for (const cell of raw.split('|')) {
          const kv = /^([^:：]+)[:：]\s*(.*)$/s.exec(cell.trim());
          if (kv && isNameField(kv[1])) ctx.mask.nameField(kv[2]);
          else ctx.mask.text(cell);
        }
        return;
      }
    }
  }
}

function firstLineOf(text: string): string {
  const nl = text.indexOf('\n');
  return (nl < 0 ? text : text.slice(0, nl)).replace(/\r$/, '');
}

/** Scan blocks are a quarter of a chunk: chunks end where blocks end, so they land within ~25 % of the target. */
export const scanBlockBytes = (chunkBytes: number) => Math.max(1024, Math.min(1 << 20, Math.floor(chunkBytes / 4)));

export async function scanSource(path: string, spec: SourceSpec, opts: ScanOptions): Promise<SourceModel> {
  const { size } = await stat(path);
  return scanBlocks(readLineBlocks(path, 0, size, 1, scanBlockBytes(opts.chunkBytes)), path, spec, opts);
}
