import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { canonicalJson } from '../common/canonicalJson';
import { sha256 } from '../common/files';

/**
 * A completed request as the cache keeps it: the answer (masked for personal data, with the kinds found), why it
 * ended, and what it cost.
 */
export const CachedCompletion = z.object({
  content: z.string(),
  prompt_tokens: z.number().int().nonnegative(),
  completion_tokens: z.number().int().nonnegative(),
  finish_reason: z.string().optional(),
  pii: z.array(z.string()).optional(),
});
export type CachedCompletion = z.infer<typeof CachedCompletion>;

export interface LlmCache {
  get(key: string): Promise<CachedCompletion | null>;
  put(key: string, value: CachedCompletion): Promise<void>;
}

/** The cache key of a request: a hash of everything that decides the answer (model, messages, parameters). */
export function requestKey(request: Record<string, unknown>): string {
  return sha256(canonicalJson(request));
}

/**
 * Requests cached as files under a directory (`<dir>/ab/abcdef....json`, written to a temporary name and
 * renamed), so that a retried activity or a rerun of the same run sends no request that already succeeded,
 * and workers sharing the directory share the cache.
 */
export class FileLlmCache implements LlmCache {
  constructor(private readonly dir: string) {}

  private path(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  async get(key: string): Promise<CachedCompletion | null> {
    let text: string;
    try {
      text = await readFile(this.path(key), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    const parsed = CachedCompletion.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null; // a damaged entry is asked again and overwritten
  }

  async put(key: string, value: CachedCompletion): Promise<void> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(tmp, JSON.stringify(value));
    await rename(tmp, path);
  }
}
