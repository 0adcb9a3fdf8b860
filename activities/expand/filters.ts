/**
 * The document filters: every text passes each of them before it is written. After HF datatrove's filters,
 * a filter is a small function that returns why it rejects a text (a reason and a detail), or null; they
 * run in order and the first rejection is the text's one line in rejected.jsonl.
 */
import { PiiMasker, type PiiOptions } from '../parse/pii';
import type { Fact } from '../knowledge/facts';
import { numbersIn } from '../common/numbers';
import { inventedCodes, inventedNumbers, inventedUnits, looksLike, stockOpening } from './checks';
import type { Lang, RejectReason, Style } from './documents';

/** What a filter sees: the text, its language and style, and the facts it must be faithful to. */
export interface DocumentInput {
  text: string;
  lang: Lang;
  style: Style | null;
  facts: readonly Fact[];
  pii: PiiOptions;
}
export interface Rejection {
  reason: RejectReason;
  detail?: string;
}
export interface DocumentFilter {
  name: string;
  check: (d: DocumentInput) => Rejection | null;
}

/** Length bounds per style, in characters (Chinese text is about a third as long for the same content). */
const MIN_CHARS: Record<Lang, number> = { en: 120, zh: 40 };
const MAX_CHARS = 8000;

const length: DocumentFilter = {
  name: 'length',
  check: ({ text, lang }) => {
    const n = text.trim().length;
    if (n < MIN_CHARS[lang]) return { reason: 'too_short', detail: `${n} characters, under ${MIN_CHARS[lang]}` };
    return n > MAX_CHARS ? { reason: 'too_long', detail: `${n} characters, over ${MAX_CHARS}` } : null;
  },
};

const opening: DocumentFilter = {
  name: 'opening',
  check: ({ text, lang }) => {
    const o = stockOpening(text, lang);
    return o ? { reason: 'stock_opening', detail: `opens with "${o}"` } : null;
  },
};

/**
 * Talk about the request instead of the content, and refusals: JSON, the prompt, the user, "as an AI",
 * apologies, "answer again". Training text about a plant never speaks of these.
 */
const META_EN = new RegExp(
  [
    '\\bjson\\b',
    '\\b(?:the|this|your|my) (?:prompt|request|instructions?|question)\\b',
    '\\bthe user\\b',
    '\\bas an ai\\b',
    '\\blanguage model\\b',
    "\\bi(?:'m| am) (?:sorry|unable|not able)\\b",
    "\\bi (?:cannot|can't|can not|won't)\\b",
    '\\bapologi[sz]e\\b',
    '\\banswer again\\b',
    '\\bgreat question\\b',
    '\\bas requested\\b',
    '\\byou asked\\b',
    '\\bhere (?:is|are) (?:the|your|a)\\b',
    '\\bcurrently unavailable\\b',
    '\\bis not possible to\\b',
    '\\{\\s*"?text"?\\s*:',
  ].join('|'),
  'i',
);
const META_ZH =
  /JSON|提示词|用户(?:的)?(?:问题|请求|要求)|您的(?:问题|请求)|作为(?:一个)?(?:AI|人工智能)|语言模型|抱歉|对不起|无法(?:回答|提供|完成)|重新回答|再次回答|以下是|我不能|我无法/i;
const metaTalk: DocumentFilter = {
  name: 'meta_talk',
  check: ({ text }) => {
    const m = META_EN.exec(text) ?? META_ZH.exec(text);
    return m ? { reason: 'meta_talk', detail: `"${m[0]}"` } : null;
  },
};

/**
 * What training text about a plant never asks a reader to do: visit a link or run a command (even when the
 * data held one: a work order's text may carry an injected instruction), or defeat a safety function the
 * facts do not speak of. A text that does was steered by text inside the data, or invented it.
 */
// (a bare domain is a link; one inside an e-mail address is personal data, for the PII filter)
const URL = new RegExp(
  String.raw`\bhttps?:\/\/\S+|\bwww\.[\w-]+\.\S+|(?<![@\w.-])[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|io` +
    String.raw`|example|xyz|ru|cn|info|biz)\b(?![@\w-])(?:\/\S*)?`,
  'i',
);
const COMMAND =
  /(?:^|[\s`$;|&])(?:sudo|rm -rf|curl|wget|chmod|chown|powershell|cmd\.exe|bash -c|sh -c|nc -e|ssh|scp)\b/i;
const SAFETY_EN = new RegExp(
  String.raw`\b(?:disable|bypass|override|defeat|jumper|bridge|mute|silence|remove|switch off` +
    String.raw`|turn off|deactivate)\b[^.\n]{0,40}\b(?:interlocks?|safety|guards?|e-?stop` +
    String.raw`|emergency stop|light curtains?|alarms?|protection|relief valves?)\b`,
  'i',
);
const SAFETY_ZH =
  /(?:关闭|屏蔽|旁路|短接|解除|拆除|禁用|跳过)[^。\n]{0,12}(?:联锁|连锁|安全|急停|报警|防护|光幕|安全阀)/;
const unsafe: DocumentFilter = {
  name: 'no_injection',
  check: ({ text, facts }) => {
    const source = JSON.stringify(facts.map((f) => [f.statement, f.evidence]));
    for (const [re, what] of [
      [URL, 'a link'],
      [COMMAND, 'a command'],
    ] as const) {
      const m = re.exec(text);
      if (m) return { reason: 'unsafe_instruction', detail: `${what}: "${m[0].trim()}"` };
    }
    for (const re of [SAFETY_EN, SAFETY_ZH]) {
      const m = re.exec(text);
      if (m && !source.toLowerCase().includes(m[0].trim().toLowerCase()))
        return { reason: 'unsafe_instruction', detail: `a safety override the facts do not contain: "${m[0].trim()}"` };
    }
    return null;
  },
};

const faithful: DocumentFilter = {
  name: 'faithful',
  check: ({ text, facts }) => {
    const normal = normaliseNumbers(text);
    const numbers = inventedNumbers(normal, facts);
    if (numbers.length)
      return { reason: 'unfaithful_number', detail: `numbers not in the fact: ${numbers.join(', ')}` };
    const units = inventedUnits(text, facts);
    if (units.length) return { reason: 'unfaithful_unit', detail: `units not in the fact: ${units.join(', ')}` };
    const codes = inventedCodes(text, facts);
    return codes.length ? { reason: 'unfaithful_entity', detail: `codes not in the fact: ${codes.join(', ')}` } : null;
  },
};

const piiClean: DocumentFilter = {
  name: 'pii_clean',
  check: ({ text, pii }) => {
    const masker = new PiiMasker(pii);
    return masker.text(text) !== text ? { reason: 'pii', detail: Object.keys(masker.counts).join(', ') } : null;
  },
};

const language: DocumentFilter = {
  name: 'language',
  check: ({ text, lang }) =>
    looksLike(text, lang)
      ? null
      : { reason: 'wrong_language', detail: `not ${lang === 'zh' ? 'Chinese' : 'English'} text` },
};

/** The names a fact is about (asset, parameter, alarm, failure mode... in both languages) and its node ids. */
export function factTerms(facts: readonly Fact[]): string[] {
  const out = new Set<string>();
  const visit = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      for (const k of ['name', 'name_zh', 'id'])
        if (typeof o[k] === 'string' && (o[k] as string).length >= 2) out.add(o[k] as string);
      Object.values(o).forEach(visit);
    }
  };
  for (const f of facts) {
    visit(f.statement);
    f.subject.forEach((s) => out.add(s));
    const st = f.statement as Record<string, unknown>;
    for (const k of ['asset', 'cause']) if (typeof st[k] === 'string') out.add(st[k] as string);
  }
  return [...out];
}

/** The figures a fact states (numbers in its statement, not its evidence): a text about it states one. */
export function factFigures(facts: readonly Fact[]): Set<number> {
  return new Set(facts.flatMap((f) => numbersIn(JSON.stringify(f.statement))));
}

const coverage: DocumentFilter = {
  name: 'coverage',
  check: ({ text, facts }) => {
    const lower = text.toLowerCase();
    const terms = factTerms(facts);
    if (terms.length && !terms.some((t) => lower.includes(t.toLowerCase())))
      return { reason: 'no_coverage', detail: "names none of its facts' subjects" };
    const figures = factFigures(facts);
    if (figures.size && !numbersIn(normaliseNumbers(text)).some((n) => figures.has(n)))
      return { reason: 'no_coverage', detail: "states none of its facts' figures" };
    return null;
  },
};

/** The shape each style asks for, as lines: at least two of them. */
const FORM: Partial<Record<Style, { re: RegExp; what: string }>> = {
  qa: { re: /^\s*(?:Q\d*[:：.]|问[:：]|问题\s*\d*[:：])/m, what: 'question lines ("Q:" / "问：")' },
  sop: { re: /^\s*(?:\d{1,2}[.)、]|步骤\s*\d|Step \d)/m, what: 'numbered steps' },
  troubleshooting: {
    re: /^\s*(?:[A-Za-z][\w-]*(?: [A-Za-z][\w-]*){0,2}|[\u4e00-\u9fff]{1,8})[:：]/m,
    what: 'speaker lines ("Operator: ...")',
  },
  knowledge_list: { re: /^\s*(?:[-•*]|\d{1,2}[.)、])\s/m, what: 'list lines ("- ...")' },
};
const form: DocumentFilter = {
  name: 'form',
  check: ({ text, style }) => {
    const f = style ? FORM[style] : undefined;
    if (!f) return null;
    const re = new RegExp(f.re.source, 'gm');
    const n = (text.match(re) ?? []).length;
    return n >= 2 ? null : { reason: 'bad_form', detail: `a ${style} text needs at least two ${f.what}, found ${n}` };
  },
};

/**
 * Gopher-style repetition (Rae et al. 2021): the share of duplicated lines, and of characters inside repeated
 * word 5-grams (a model looping on itself), the facts' multi-word names counted as one word.
 */
const repetition: DocumentFilter = {
  name: 'repetition',
  check: ({ text, facts }) => {
    const lines = text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    const dupLines = lines.length - new Set(lines).size;
    if (lines.length >= 3 && dupLines / lines.length > 0.3)
      return { reason: 'repetitive', detail: `${dupLines} of ${lines.length} lines repeated` };
    // the facts' names (a cause, a failure mode: several words) repeat in good text too: each counts as one word
    let named = text.toLowerCase();
    for (const t of factTerms(facts)
      .filter((x) => /\s/.test(x))
      .sort((a, b) => b.length - a.length))
      named = named.split(t.toLowerCase()).join(' § ');
    const words = named.split(/[\s,.;:!?，。；：！？、]+/).filter(Boolean);
    if (words.length < 12) return null;
    const seen = new Map<string, number>();
    const covered = new Array<boolean>(words.length).fill(false);
    for (let i = 0; i + 5 <= words.length; i++) {
      const g = words.slice(i, i + 5).join(' ');
      const n = (seen.get(g) ?? 0) + 1;
      seen.set(g, n);
      if (n > 1) covered.fill(true, i, i + 5); // the words of a 5-gram seen before
    }
    const chars = (ws: string[]) => ws.reduce((a, w) => a + w.length, 0);
    const share = chars(words.filter((_, i) => covered[i])) / chars(words);
    if (share <= 0.5) return null;
    const top = [...seen].sort((a, b) => b[1] - a[1])[0];
    return {
      reason: 'repetitive',
      detail: `${Math.round(share * 100)} % of the text in repeated 5-grams ("${top[0]}" ${top[1]} times)`,
    };
  },
};

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

const EN_UNITS: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};
const ZH_DIGITS: Record<string, number> = {
  零: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const ZH_SCALE: Record<string, number> = { 十: 10, 百: 100, 千: 1000, 万: 10000 };

/**
 * Numbers as digits, so that the faithfulness check reads them: digit grouping (`1,250` → 1250), English
 * number words from twenty-five up to thousands (`three hundred` → 300; words under twenty-one alone stay
 * words, as "one" and "two" are how sentences speak), Chinese numerals with a scale (`三百` → 300, `二十五` → 25).
 */
export function normaliseNumbers(text: string): string {
  let out = text.replace(/\b\d{1,3}(?:,\d{3})+(?:\.\d+)?\b/g, (m) => m.replace(/,/g, ''));
  const word = Object.keys(EN_UNITS).join('|');
  out = out.replace(new RegExp(`\\b(?:(?:${word}|hundred|thousand)(?:[\\s-]+(?:and\\s+)?)?)+\\b`, 'gi'), (m) => {
    const parts = m
      .toLowerCase()
      .split(/[\s-]+/)
      .filter((p) => p && p !== 'and');
    if (!parts.some((p) => p === 'hundred' || p === 'thousand' || EN_UNITS[p] >= 20)) return m;
    let total = 0,
      current = 0;
    for (const p of parts) {
      if (p === 'hundred') current = (current || 1) * 100;
      else if (p === 'thousand') {
        total += (current || 1) * 1000;
        current = 0;
      } else if (EN_UNITS[p] !== undefined) current += EN_UNITS[p];
      else return m;
    }
    const trail = /\s$/.test(m) ? ' ' : '';
    return String(total + current) + trail;
  });
  return out.replace(/[零一二两三四五六七八九十百千万]{2,}/g, (m) => {
    if (!/[十百千万]/.test(m)) return m;
    let total = 0,
      current = 0;
    for (const c of m) {
      if (ZH_DIGITS[c] !== undefined) current = ZH_DIGITS[c];
      else {
        total += (current || 1) * ZH_SCALE[c];
        current = 0;
      }
    }
    return String(total + current);
  });
}
