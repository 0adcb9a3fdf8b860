/**
 * The document filters: every text passes each of them before it is written. After HF datatrove's filters, a
 * filter is a small function that returns why it rejects a text (a reason and a detail), or null, with options
 * of its own (`expand.filters.<name>`: `enabled` and its thresholds). Every filter runs on every text: a rejected
 * text carries all its reasons; personal data, when found, is the one it is counted under.
 */
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import type { PiiOptions } from '../parse/pii';
import type { Fact } from '../kinds';
import type { Lang, RejectReason, Style } from './documents';
import { coverage, faithful, language, metaTalk, opening, piiClean, unsafe } from './contentFilters';
import type { DocumentFilter, FilterStats, Rejection } from './filterTypes';
import type { PlantVocabulary } from './plantVocabulary';
import { form, length, promptEcho, repetition, truncated } from './shapeFilters';
import { figureRoles, grounded, setpoints, unitBinding } from './claimFilters';

export type { DocumentFilter, DocumentInput, FilterStats, Rejection } from './filterTypes';
export { addFilterStats } from './filterTypes';
export { factFigures, factTerms } from './contentFilters';

/** Every filter, in the order their reasons are listed: what a text says, then its shape. */
// biome-ignore lint/suspicious/noExplicitAny: each filter's options type is its own; settings are checked by zod
export const DOCUMENT_FILTERS: readonly DocumentFilter<any>[] = [
  opening,
  metaTalk,
  promptEcho,
  unsafe,
  faithful,
  figureRoles,
  unitBinding,
  setpoints,
  grounded,
  piiClean,
  length,
  truncated,
  language,
  coverage,
  form,
  repetition,
];

/** `expand.filters`: each filter's options by its name, defaults where not given. */
export const FilterSettings = z
  .object(Object.fromEntries(DOCUMENT_FILTERS.map((f) => [f.name, f.options.prefault({})])))
  .strict()
  .prefault({});
export type FilterSettings = Record<string, { enabled: boolean } & Record<string, unknown>>;
const DEFAULT_SETTINGS = FilterSettings.parse({}) as FilterSettings;

/** The reason a rejected text is counted under: personal data first, else the first filter's. */
export function primaryReason(reasons: readonly Rejection[]): Rejection {
  return reasons.find((r) => r.reason === 'pii') ?? reasons[0];
}

export interface CheckOutcome {
  ok: boolean;
  /** the reason it is counted under, and its detail */
  reason?: RejectReason;
  detail?: string;
  /** every filter's rejection, in filter order */
  reasons: Rejection[];
  /** the filters passed */
  checks: string[];
}

/**
 * Run every enabled filter: ok with the names of the filters passed, or all the rejections (counted per filter
 * in `run.stats`, with its time).
 */
export function checkText(
  text: string,
  lang: Lang,
  facts: readonly Fact[],
  pii: PiiOptions,
  style: Style | null = null,
  run: { filters?: FilterSettings; stats?: FilterStats; plant?: PlantVocabulary } = {},
): CheckOutcome {
  const input = { text, lang, style, facts, pii, plant: run.plant ?? [] };
  const passed: string[] = [];
  const reasons: Rejection[] = [];
  for (const f of DOCUMENT_FILTERS) {
    const options = (run.filters ?? DEFAULT_SETTINGS)[f.name];
    if (!options.enabled) continue;
    const t0 = performance.now();
    const r = f.check(input, options);
    const s = run.stats && (run.stats[f.name] ??= { passed: 0, rejected: 0, ms: 0 });
    if (s) {
      s.ms += performance.now() - t0;
      r ? s.rejected++ : s.passed++;
    }
    if (r) reasons.push(r);
    else passed.push(f.name);
  }
  if (!reasons.length) return { ok: true, reasons, checks: passed };
  return { ok: false, ...primaryReason(reasons), reasons, checks: passed };
}

export { normaliseNumbers } from './numberWords';
