/**
 * The document filters: every text passes each of them before it is written. After HF datatrove's filters,
 * a filter is a small function that returns why it rejects a text (a reason and a detail), or null; they
 * run in order and the first rejection is the text's one line in rejected.jsonl.
 */
import type { PiiOptions } from '../parse/pii';
import type { Fact } from '../knowledge/facts';
import type { Lang, RejectReason, Style } from './documents';
import { coverage, faithful, language, metaTalk, opening, piiClean, unsafe } from './contentFilters';
import type { DocumentFilter } from './filterTypes';
import { form, length, repetition } from './shapeFilters';

export type { DocumentFilter, DocumentInput, Rejection } from './filterTypes';
export { factFigures, factTerms } from './contentFilters';

/** Every filter, in order: what a text says (opening, meta-talk, injection, faithfulness, privacy), then its shape. */
export const DOCUMENT_FILTERS: readonly DocumentFilter[] = [
  opening,
  metaTalk,
  unsafe,
  faithful,
  piiClean,
  length,
  language,
  coverage,
  form,
  repetition,
];

export interface CheckOutcome {
  ok: boolean;
  reason?: RejectReason;
  detail?: string;
  checks: string[];
}

/** Run the filters: the first rejection, or ok with the names of the filters passed. */
export function checkText(
  text: string,
  lang: Lang,
  facts: readonly Fact[],
  pii: PiiOptions,
  style: Style | null = null,
): CheckOutcome {
  const input = { text, lang, style, facts, pii };
  const passed: string[] = [];
  for (const f of DOCUMENT_FILTERS) {
    const r = f.check(input);
    if (r) return { ok: false, ...r, checks: passed };
    passed.push(f.name);
  }
  return { ok: true, checks: passed };
}

export { normaliseNumbers } from './numberWords';
