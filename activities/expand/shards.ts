import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256, toJsonl, writeFileAtomic } from '../common/files';
import type { CorpusDocument } from './documents';

/** A written shard: where, how many documents and bytes, its hash, its text tokens and what generating it cost in tokens. */
export interface ShardInfo { path: string; docs: number; bytes: number; sha256: string; tokens: number; prompt_tokens: number; completion_tokens: number }

/** Cut documents into shards of at most `maxDocs` documents and `maxBytes` bytes (one document may exceed it alone). */
export function planShards(docs: readonly CorpusDocument[], maxDocs: number, maxBytes: number): CorpusDocument[][] {
  const shards: CorpusDocument[][] = [];
  let current: CorpusDocument[] = [];
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

/**
 * Write `shards/part-NNNNN.jsonl` under `runDir`, each atomically, then remove parts left from an earlier
 * run of the same directory. Paths in the result are relative to `runDir`.
 */
export async function writeShards(runDir: string, docs: readonly CorpusDocument[], maxDocs: number, maxBytes: number): Promise<ShardInfo[]> {
  const dir = join(runDir, 'shards');
  const out: ShardInfo[] = [];
  for (const [i, shard] of planShards(docs, maxDocs, maxBytes).entries()) {
    const name = `part-${String(i).padStart(5, '0')}.jsonl`;
    const text = toJsonl(shard);
    await writeFileAtomic(join(dir, name), text);
    const total = (f: (d: CorpusDocument) => number) => shard.reduce((a, d) => a + f(d), 0);
    out.push({
      path: `shards/${name}`, docs: shard.length, bytes: Buffer.byteLength(text), sha256: sha256(text),
      tokens: total((d) => d.tokens), prompt_tokens: total((d) => d.usage.prompt_tokens), completion_tokens: total((d) => d.usage.completion_tokens),
    });
  }
  const keep = new Set(out.map((s) => s.path.slice('shards/'.length)));
  for (const f of await readdir(dir).catch(() => [] as string[])) {
    if (/^part-\d{5}\.jsonl(\.gz)?$/.test(f) && !keep.has(f)) await rm(join(dir, f), { force: true });
  }
  return out;
}
