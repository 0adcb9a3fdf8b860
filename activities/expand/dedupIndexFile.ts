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

export async function loadDedupIndex(outDir: string, threshold: number): Promise<NearDuplicateIndex> {
  const index = new NearDuplicateIndex(threshold);
  const path = dedupIndexPath(outDir);
  const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return '';
    throw e;
  });
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
