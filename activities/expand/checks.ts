import { numbersIn } from '../common/numbers';
import { PiiMasker, type PiiOptions } from '../parse/pii';
import type { Fact } from '../knowledge/facts';
import type { Lang } from './documents';

export type RejectReason = 'unfaithful_number' | 'pii' | 'wrong_language' | 'too_short' | 'duplicate' | 'invalid_output';

/** Enumeration markers at the start of a line ("1.", "2)", "3、", "Q1:") are layout, not claims. */
const LIST_MARKER = /^[ \t]*(?:[QA]|步骤|问|答)?\d{1,2}[.)、:：][ \t]/gm;

/** Every number the fact states (statement and evidence), as numbers. */
export function factNumbers(facts: readonly Fact[]): Set<number> {
  const out = new Set<number>();
  for (const f of facts) for (const n of numbersIn(JSON.stringify([f.statement, f.evidence]))) out.add(n);
  return out;
}

/** Numbers in the text that none of its facts state: an empty list means the text invents no number. */
export function inventedNumbers(text: string, facts: readonly Fact[]): number[] {
  const allowed = factNumbers(facts);
  return [...new Set(numbersIn(text.replace(LIST_MARKER, '')).filter((n) => !allowed.has(n)))];
}

const CJK = /[\u4e00-\u9fff]/g;
export function looksLike(text: string, lang: Lang): boolean {
  const cjk = (text.match(CJK) ?? []).length;
  const letters = (text.match(/[A-Za-z]/g) ?? []).length;
  return lang === 'zh' ? cjk >= 20 && cjk >= letters / 4 : letters >= 40 && cjk <= letters / 10;
}

export interface CheckOutcome {
  ok: boolean;
  reason?: RejectReason;
  detail?: string;
  checks: string[];
}

/** The checks every text passes before it is written: faithful numbers, no personal data, right language, length. */
export function checkText(text: string, lang: Lang, facts: readonly Fact[], pii: PiiOptions): CheckOutcome {
  if (text.trim().length < 40) return { ok: false, reason: 'too_short', checks: [] };
  const invented = inventedNumbers(text, facts);
  if (invented.length) return { ok: false, reason: 'unfaithful_number', detail: `numbers not in the fact: ${invented.join(', ')}`, checks: [] };
  const masker = new PiiMasker(pii);
  if (masker.text(text) !== text) return { ok: false, reason: 'pii', detail: Object.keys(masker.counts).join(', '), checks: ['faithful_numbers'] };
  if (!looksLike(text, lang)) return { ok: false, reason: 'wrong_language', checks: ['faithful_numbers', 'pii_clean'] };
  return { ok: true, checks: ['faithful_numbers', 'pii_clean', 'language', 'length'] };
}

/** A simple quality score in [0, 1]: enough length, little repetition. An LLM judge can come later. */
export function qualityScore(text: string, tokens: number): number {
  const words = text.toLowerCase().split(/[\s,.;:!?，。；：！？、]+/).filter(Boolean);
  const grams = new Set<string>();
  let repeats = 0;
  for (let i = 0; i + 2 < words.length; i++) {
    const g = words.slice(i, i + 3).join(' ');
    if (grams.has(g)) repeats++;
    grams.add(g);
  }
  const repetition = words.length > 3 ? repeats / (words.length - 2) : 0;
  const length = Math.min(1, tokens / 120);
  return Math.round(1000 * length * (1 - repetition)) / 1000;
}
