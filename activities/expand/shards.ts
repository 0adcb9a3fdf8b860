import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { sha256, toJsonl, writeFileAtomic } from '../common/files';
import type { CorpusDocument, ShardDocument } from './documents';

/**
 * A written shard: where, how many documents and bytes, its hash, its text tokens and what generating it cost in
 * tokens.
 */
export interface ShardInfo {
  path: string;
  docs: number;
  bytes: number;
  sha256: string;
  tokens: number;
  prompt_tokens: number;
  completion_tokens: number;
  real: number;
}

/** Cut documents into shards of at most `maxDocs` documents and `maxBytes` bytes (one document may exceed it alone). */
export function planShards<T extends ShardDocument>(docs: readonly T[], maxDocs: number, maxBytes: number): T[][] {
  const shards: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const d of docs) {
    const size = Buffer.byteLength(JSON.stringify(d)) + 1;
    if (current.length && (current.length >= maxDocs || bytes + size > maxBytes)) {
      shards.push(current);
      current = [];
      bytes = 0;
    }
    current.push(d);
    bytes += size;
  }
  if (current.length) shards.push(current);
  return shards;
}

export type ShardFormat = 'jsonl' | 'jsonl.gz' | 'parquet';

/** The Parquet writer: hyparquet-writer is published as an ES module, loaded with require (Node >= 20.19). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const parquet = () =>
  require('hyparquet-writer') as typeof import('hyparquet-writer', { with: { 'resolution-mode': 'import' }});

/**
 * One shard's bytes. Parquet: one column per document field; strings as UTF-8, `tokens` as INT32, the
 * nested fields (fact_ids, sources, generator, quality, usage) as JSON text; a real document's missing
 * synthetic fields are null.
 */
export function shardBytes(docs: readonly ShardDocument[], format: ShardFormat): Buffer {
  if (format === 'jsonl') return Buffer.from(toJsonl(docs));
  if (format === 'jsonl.gz') return gzipSync(toJsonl(docs), { level: 6 });
  type Key = keyof CorpusDocument | 'source';
  const col = (name: Key, type: 'STRING' | 'JSON' | 'INT32') => ({
    name,
    type,
    data: docs.map((d) => {
      const v = (d as Record<string, unknown>)[name];
      return v === undefined ? null : type === 'JSON' ? JSON.stringify(v) : v;
    }),
  });
  const buf = parquet().parquetWriteBuffer({
    columnData: [
      col('id', 'STRING'),
      col('text', 'STRING'),
      col('lang', 'STRING'),
      col('origin', 'STRING'),
      col('style', 'STRING'),
      col('audience', 'STRING'),
      col('input', 'STRING'),
      col('fact_ids', 'JSON'),
      col('sources', 'JSON'),
      col('source', 'STRING'),
      col('generator', 'JSON'),
      col('quality', 'JSON'),
      col('tokens', 'INT32'),
      col('usage', 'JSON'),
    ],
  });
  return Buffer.from(buf);
}

/**
 * Write the given shards as `shards/<name>` under `runDir`, each atomically, then remove parts left from an
 * earlier run of the same directory. Paths in the result are relative to `runDir`.
 */
export async function writeShards(
  runDir: string,
  shards: readonly { name: string; docs: readonly ShardDocument[] }[],
  format: ShardFormat,
): Promise<ShardInfo[]> {
  const dir = join(runDir, 'shards');
  const out: ShardInfo[] = [];
  for (const { name, docs } of shards) {
    const bytes = shardBytes(docs, format);
    await writeFileAtomic(join(dir, name), bytes);
    const synthetic = docs.filter((d): d is CorpusDocument => d.origin === 'synthetic');
    const total = (f: (d: CorpusDocument) => number) => synthetic.reduce((a, d) => a + f(d), 0);
    out.push({
      path: `shards/${name}`,
      docs: docs.length,
      bytes: bytes.length,
      sha256: sha256(bytes),
      tokens: docs.reduce((a, d) => a + d.tokens, 0),
      prompt_tokens: total((d) => d.usage.prompt_tokens),
      completion_tokens: total((d) => d.usage.completion_tokens),
      real: docs.length - synthetic.length,
    });
  }
  const keep = new Set(out.map((s) => s.path.slice('shards/'.length)));
  for (const f of await readdir(dir).catch(() => [] as string[])) {
    if (/^part-\d{5}\.(jsonl|jsonl\.gz|parquet)$/.test(f) && !keep.has(f)) await rm(join(dir, f), { force: true });
  }
  return out;
}
