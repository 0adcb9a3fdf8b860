import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { toJsonl, writeFileAtomic } from '../common/files';
import { NearDuplicateIndex } from './nearDuplicates';

/**
 * Where a run directory keeps the MinHash signatures of the documents it holds, so later runs into it skip
 * near-duplicates.
 */
export const dedupIndexPath = (outDir: string) => join(outDir, 'dedup', 'minhash.jsonl');
const Entry = z.object({ id: z.string(), sig: z.string() });

/** The index file's text; none yet is an empty index. */
const readIndex = (path: string) =>
  readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return '';
    throw e;
  });

export async function loadDedupIndex(outDir: string, threshold: number): Promise<NearDuplicateIndex> {
  const index = new NearDuplicateIndex(threshold);
  const path = dedupIndexPath(outDir);
  const text = await readIndex(path);
  for (const [i, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    const parsed = Entry.safeParse(JSON.parse(line));
    if (!parsed.success)
      throw new Error(
        `${path}:${i + 1}: not a signature line (${parsed.error.issues[0]?.message}); delete the file to start ` +
          `the index afresh`,
      );
    index.add(parsed.data.id, NearDuplicateIndex.decode(parsed.data.sig));
  }
  return index;
}

export async function saveDedupIndex(outDir: string, index: NearDuplicateIndex): Promise<void> {
  await writeFileAtomic(dedupIndexPath(outDir), toJsonl(index.entries()));
}

/**
 * Take documents out of a run directory's index: a schedule's version drops the earlier texts of the facts it
 * changed (they are superseded), so that their new texts are not taken for near-duplicates of the texts they replace.
 */
export async function dropFromDedupIndex(outDir: string, ids: ReadonlySet<string>): Promise<number> {
  if (!ids.size) return 0;
  const path = dedupIndexPath(outDir);
  const text = await readIndex(path);
  const lines = text.split('\n').filter((l) => l.trim());
  const kept = lines.filter((l) => !ids.has(Entry.parse(JSON.parse(l)).id));
  if (kept.length < lines.length) await writeFileAtomic(path, kept.map((l) => `${l}\n`).join(''));
  return lines.length - kept.length;
}
