import { z } from 'zod';

/**
 * Which generator a worker writes with: the offline expander, or an LLM endpoint (its base URL without
 * credentials, query or fragment, and the model). A run fixes it when its expansion starts - asked of one LLM worker
 * - and every expansion batch checks that its worker writes with the same one, so one corpus never mixes
 * generators (workflows/expandFacts.ts). Pure; no secrets.
 */
export const GeneratorEndpoint = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('offline') }),
  z.object({ kind: z.literal('llm'), base_url: z.string(), model: z.string() }),
]);
export type GeneratorEndpoint = z.infer<typeof GeneratorEndpoint>;

/** A base URL as it may be written down: no user, password, query or fragment. */
export function publicUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(not a URL)';
  }
}

export const sameEndpoint = (a: GeneratorEndpoint, b: GeneratorEndpoint): boolean =>
  a.kind === b.kind && (a.kind === 'offline' || (b.kind === 'llm' && a.base_url === b.base_url && a.model === b.model));

export const describeEndpoint = (e: GeneratorEndpoint): string =>
  e.kind === 'offline' ? 'the offline expander' : `model ${e.model} at ${e.base_url}`;
