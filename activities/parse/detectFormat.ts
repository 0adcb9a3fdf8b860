import { extname } from 'node:path';
import type { SourceFormatName } from './sourceSpec';

const WORK_ORDER_LINE = /^[A-Z]{2,5}-[\w-]+\s*\|/;

/** Choose a parser from the file name and its first lines. Returns null when it cannot tell. */
export function detectFormat(path: string, head: string): SourceFormatName | null {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv' || ext === '.tsv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  const first = head.split(/\r?\n/).find((l) => l.trim() !== '' && !l.trimStart().startsWith('#')) ?? '';
  if (WORK_ORDER_LINE.test(first)) return 'workorders';
  if (first.trimStart().startsWith('{')) return 'jsonl';
  if (ext === '.log' || ext === '.txt') return 'text';
  return null;
}
