import { z } from 'zod';
import type { PiiOptions } from '../parse/pii';
import type { Fact } from '../kinds';
import type { Lang, RejectReason, Style } from './documents';
import type { PlantVocabulary } from './plantVocabulary';

/** What a filter sees: the text, its language and style, and the facts it must be faithful to. */
export interface DocumentInput {
  text: string;
  lang: Lang;
  style: Style | null;
  facts: readonly Fact[];
  pii: PiiOptions;
  /** the plant's names from the knowledge graph (empty when the run has none) */
  plant: PlantVocabulary;
}
export interface Rejection {
  reason: RejectReason;
  detail?: string;
}

/** Every filter's options start with `enabled` (default true): a run can switch any filter off. */
export function filterOptions<S extends z.ZodRawShape>(shape: S) {
  return z.object({ enabled: z.boolean().default(true), ...shape }).strict();
}
export const NO_OPTIONS = filterOptions({});

/**
 * A document filter (after HF datatrove's filters): a name, its options (zod, with today's defaults; set per run
 * under `expand.filters.<name>`), and a check that returns why it rejects a text, or null.
 */
export interface DocumentFilter<O extends { enabled: boolean } = { enabled: boolean }> {
  name: string;
  options: z.ZodType<O>;
  check: (d: DocumentInput, options: O) => Rejection | null;
}

/** What each filter did in a run: texts passed and rejected, and the time it took (ms). */
export const FilterStats = z.record(
  z.string(),
  z.object({ passed: z.number().int().min(0), rejected: z.number().int().min(0), ms: z.number().min(0) }),
);
export type FilterStats = z.infer<typeof FilterStats>;

/** Filter statistics added together (batches into a run). */
export function addFilterStats(into: FilterStats, more: FilterStats): FilterStats {
  for (const [name, s] of Object.entries(more)) {
    const t = (into[name] ??= { passed: 0, rejected: 0, ms: 0 });
    t.passed += s.passed;
    t.rejected += s.rejected;
    t.ms += s.ms;
  }
  return into;
}

/** Times rounded to microseconds, for a manifest. */
export function roundStats(stats: FilterStats): FilterStats {
  return Object.fromEntries(Object.entries(stats).map(([k, s]) => [k, { ...s, ms: Math.round(s.ms * 1000) / 1000 }]));
}
