import { numbersIn } from '../common/numbers';
import type { Fact } from '../kinds';
import { conversion, ucumCode } from '../knowledge/units';
import type { Lang } from './documents';
import { writtenAs } from './factValues';
import { BANNED_OPENINGS } from './prompts';

/** Enumeration markers at the start of a line ("1.", "2)", "3、", "Q1:") are layout, not claims. */
const LIST_MARKER = /^[ \t]*(?:[QA]|步骤|问|答)?\d{1,2}[.)、:：][ \t]/gm;

/** Every number the fact states (statement and evidence), as numbers. */
export function factNumbers(facts: readonly Fact[]): Set<number> {
  const out = new Set<number>();
  for (const f of facts) for (const n of numbersIn(JSON.stringify([f.statement, f.evidence]))) out.add(n);
  return out;
}

/** Enumeration markers inside a line ("（2）", "(3)") are layout too. */
const ENUMERATION = /[（(]\d{1,2}[)）]/g;

/**
 * A text's figures: its numbers without enumeration markers and without the digits of codes its facts name
 * (`IMM-01`, `HF-10` are names, not figures).
 */
export function textFigures(text: string, facts: readonly Fact[]): number[] {
  const json = JSON.stringify(facts.map((f) => [f.statement, f.evidence]));
  const plain = text
    .replace(LIST_MARKER, '')
    .replace(ENUMERATION, ' ')
    .replace(CODE, (c) => (json.includes(c) ? ' ' : c));
  return numbersIn(plain);
}

/**
 * Numbers in the text that none of its facts state (exactly, or rounded to the decimals written): an empty list
 * means the text invents no number.
 */
export function inventedNumbers(text: string, facts: readonly Fact[]): number[] {
  const allowed = [...factNumbers(facts)];
  return [...new Set(textFigures(text, facts).filter((n) => !allowed.some((a) => writtenAs(n, a))))];
}

/** Codes as plants write them (ALM-203, IMM-01, WO-2026-0001, XMEAS_9, P-101A): each must be one the facts name. */
const CODE = /\b[A-Z]{1,8}[-_]?\d[A-Z0-9]*(?:[-_.][A-Z0-9]+)*\b/g;
export function inventedCodes(text: string, facts: readonly Fact[]): string[] {
  const json = JSON.stringify(facts.map((f) => [f.statement, f.evidence]));
  return [...new Set((text.match(CODE) ?? []).filter((c) => !json.includes(c)))];
}

/**
 * A number with a unit after it: `250 °C`, `30 bar`, `2.6kW`, and UCUM codes with dots and braces read as
 * one unit: `13.4 N.m`, `2 um.N.m`, `1200 {rev}/min` (a sentence's full stop is not part of a unit).
 */
const UNIT_PART = '(?:\\{[^}\\s]{1,16}\\}|[A-Za-zµμ]+\\d?)';
const WITH_UNIT = new RegExp(
  `(?<![\\w.-])(\\d+(?:\\.\\d+)?)\\s?(°[CF]|℃|℉|${UNIT_PART}(?:[./]${UNIT_PART})*)(?![A-Za-z])`,
  'g',
);
/** English words that happen to be UCUM codes (at = technical atmosphere, are = 100 m2, a = year): read as words. */
const WORDS = new Set(['at', 'a', 'are', 'ar', 'in', 'b', 't', 'p', 'g', 'm', 'h']);
/** Units of time and counts are how every fact is told (durations, rates): not checked against the parameter's unit. */
const FREE_UNITS = new Set(['s', 'min', 'h', 'd', 'ms', 'wk', 'mo', 'a']);

/**
 * Units the text puts on numbers that none of its facts uses (in a unit field or on a number in its texts) - unless the
 * number converts exactly from
 * one of the facts' values in a unit the facts use (250 °C written as 523.15 K).
 */
export function inventedUnits(text: string, facts: readonly Fact[]): string[] {
  const units = new Set<string>();
  const visit = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) k === 'unit' && typeof x === 'string' ? units.add(x) : visit(x);
  };
  facts.forEach((f) => visit(f.statement));
  // and units the facts' own texts put on numbers (a work order's "6 degC above 250 degC setpoint")
  for (const f of facts) for (const [, , unit] of JSON.stringify(f.statement).matchAll(WITH_UNIT)) units.add(unit);
  const codes = new Set([...units].map((u) => ucumCode(u) ?? u));
  const numbers = factNumbers(facts);
  const out: string[] = [];
  for (const [, num, unit] of text.matchAll(WITH_UNIT)) {
    const code = WORDS.has(unit) ? null : ucumCode(unit);
    if (!code || FREE_UNITS.has(code) || code === '%' || units.has(unit) || codes.has(code)) continue;
    const exact = [...codes].some((to) => {
      const c = conversion(unit, to);
      if (!c.ok) return false;
      const back = conversion(to, unit);
      return (
        back.ok &&
        [...numbers].some((n) => Math.abs(back.convert(n) - Number(num)) <= 1e-6 * Math.max(1, Math.abs(Number(num))))
      );
    });
    if (!exact) out.push(`${num} ${unit}`);
  }
  return [...new Set(out)];
}

/** The stock opening a text starts with, if any. */
export function stockOpening(text: string, lang: Lang): string | null {
  const start = text.trim().toLowerCase();
  return BANNED_OPENINGS[lang].find((b) => start.startsWith(b)) ?? null;
}

const CJK = /[\u4e00-\u9fff]/g;
export function looksLike(text: string, lang: Lang): boolean {
  const cjk = (text.match(CJK) ?? []).length;
  const letters = (text.match(/[A-Za-z]/g) ?? []).length;
  return lang === 'zh' ? cjk >= 20 && cjk >= letters / 4 : letters >= 40 && cjk <= letters / 10;
}

/** A simple quality score in [0, 1]: enough length, little repetition. An LLM judge can come later. */
export function qualityScore(text: string, tokens: number): number {
  const words = text
    .toLowerCase()
    .split(/[\s,.;:!?，。；：！？、]+/)
    .filter(Boolean);
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
