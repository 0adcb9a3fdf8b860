/** The filters on a text's shape: its length, its style's form, and looping repetition. */
import type { Lang, Style } from './documents';
import { factTerms } from './contentFilters';
import { z } from 'zod';
import { filterOptions, NO_OPTIONS, type DocumentFilter } from './filterTypes';

/** Length bounds in characters, per language (Chinese text is about a third as long for the same content). */
const LengthOptions = filterOptions({
  minChars: z
    .object({ en: z.number().int().min(0).default(120), zh: z.number().int().min(0).default(40) })
    .strict()
    .prefault({}),
  maxChars: z.number().int().positive().default(8000),
});
export const length: DocumentFilter<z.infer<typeof LengthOptions>> = {
  name: 'length',
  options: LengthOptions,
  check: ({ text, lang }, o) => {
    const n = text.trim().length;
    const min = o.minChars[lang as Lang];
    if (n < min) return { reason: 'too_short', detail: `${n} characters, under ${min}` };
    return n > o.maxChars ? { reason: 'too_long', detail: `${n} characters, over ${o.maxChars}` } : null;
  },
};

/** A question line's marker ("Q:", "问：", "问题 1："); also where the chat split cuts a Q&A text into turns. */
export const QUESTION_LINE = /^\s*(?:Q\d*[:：.]|问[:：]|问题\s*\d*[:：])/;
/** A speaker's name before a dialogue line's colon (up to three words, or up to eight Chinese characters). */
export const SPEAKER_NAME = String.raw`[A-Za-z][\w-]*(?: [A-Za-z][\w-]*){0,2}|[\u4e00-\u9fff]{1,8}`;

/** The shape each style asks for, as lines: at least two of them. */
const FORM: Partial<Record<Style, { re: RegExp; what: string }>> = {
  qa: { re: new RegExp(QUESTION_LINE.source, 'm'), what: 'question lines ("Q:" / "问：")' },
  sop: { re: /^\s*(?:\d{1,2}[.)、]|步骤\s*\d|Step \d)/m, what: 'numbered steps' },
  troubleshooting: {
    re: new RegExp(String.raw`^\s*(?:${SPEAKER_NAME})[:：]`, 'm'),
    what: 'speaker lines ("Operator: ...")',
  },
  knowledge_list: { re: /^\s*(?:[-•*]|\d{1,2}[.)、])\s/m, what: 'list lines ("- ...")' },
};
export const form: DocumentFilter = {
  name: 'form',
  options: NO_OPTIONS,
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
const RepetitionOptions = filterOptions({
  /** the share of a text's lines (at least 3) that may repeat another line */
  maxDuplicateLines: z.number().min(0).max(1).default(0.3),
  /** how many full lines (a step, an item, a turn: 12 characters or more) may repeat another line word for word */
  maxRepeatedLines: z.number().int().min(0).default(1),
  /** the share of a text's characters that may lie in repeated word 5-grams */
  maxRepeatedShare: z.number().min(0).max(1).default(0.5),
});
export const repetition: DocumentFilter<z.infer<typeof RepetitionOptions>> = {
  name: 'repetition',
  options: RepetitionOptions,
  check: ({ text, facts }, o) => {
    // a step or an item repeated under another number is a repeated line
    const lines = text
      .split('\n')
      .map((l) => l.trim().replace(/^(?:[-•*]|(?:Step\s*|步骤\s*|[QA问答]\s*)?\d{1,2}[.)、:：]?)\s+/i, ''))
      .filter(Boolean);
    const dupLines = lines.length - new Set(lines).size;
    if (lines.length >= 3 && dupLines / lines.length > o.maxDuplicateLines)
      return { reason: 'repetitive', detail: `${dupLines} of ${lines.length} lines repeated` };
    const full = lines.filter((l) => l.length >= 12);
    const dupFull = full.length - new Set(full).size;
    if (dupFull > o.maxRepeatedLines)
      return { reason: 'repetitive', detail: `${dupFull} full lines repeated word for word` };
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
    if (share <= o.maxRepeatedShare) return null;
    const top = [...seen].sort((a, b) => b[1] - a[1])[0];
    return {
      reason: 'repetitive',
      detail: `${Math.round(share * 100)} % of the text in repeated 5-grams ("${top[0]}" ${top[1]} times)`,
    };
  },
};

/**
 * The prompt or markup echoed into the text: its tags (`<facts>`, `<p>`), its instruction lines ("One title
 * line:", "Reader:", "Language:"), or a figure, table or image the text points to and cannot hold.
 */
const ECHO = [
  /<\/?(?:facts?|p|steps?|text|div|br|h[1-6]|ul|ol|li|title|answer|json|sop|qa|dialogue)\b[^>]*>/i,
  /^\s*(?:Reader|Audience|Language|Style|Format|One title line|Title line|Fact(?: \d+)? \([a-z_]+\))\s*[:：]/im,
  /^\s*(?:读者|受众|语言|风格|格式|一行标题)\s*[:：]/m,
  /\b(?:the )?(?:figure|table|diagram|chart|image|picture) (?:below|above)\b/i,
  /\bas shown in (?:the )?(?:figure|table)\b/i,
  /如下图|下图所示|如图所示|见下图|下表|如下表/,
];
export const promptEcho: DocumentFilter = {
  name: 'prompt_echo',
  options: NO_OPTIONS,
  check: ({ text }) => {
    for (const re of ECHO) {
      const m = re.exec(text);
      if (m) return { reason: 'prompt_echo', detail: `"${m[0].trim()}"` };
    }
    return null;
  },
};

/** English words a sentence does not end on. */
const DANGLING_EN = new RegExp(
  String.raw`\b(?:the|a|an|of|to|and|or|with|for|in|on|at|by|from|that|which|would|could|should|will|is|are` +
    String.raw`|was|were|be|you|your|their|its|than|as|if|when|because|into|whose|this|these|between)$`,
  'i',
);
/** Chinese characters a sentence does not end on (particles, verbs waiting for their object, measure words). */
const DANGLING_ZH = /[的和与或及在对将把从向为是个些种被让使由因而但检查请需应会可能]$/;
/** Styles whose lines are items, not sentences: a last line without a full stop is no sign of a cut. */
const ITEM_STYLES = new Set(['knowledge_list', 'qa', 'sop']);

/** A text that stops mid-sentence (the model ran out of tokens or stopped early). */
export const truncated: DocumentFilter = {
  name: 'truncated',
  options: NO_OPTIONS,
  check: ({ text, lang, style }) => {
    const t = text.trim();
    const end = t.slice(-12);
    const cut =
      /[,;:(\[{\-–—、，：；（“‘]$/.test(t) ||
      (lang === 'en' ? DANGLING_EN.test(end) : DANGLING_ZH.test(end)) ||
      (lang === 'zh' && /[\u4e00-\u9fff]$/.test(t) && !ITEM_STYLES.has(style ?? '')) ||
      (lang === 'en' && /[A-Za-z]$/.test(t) && !ITEM_STYLES.has(style ?? '') && t.split('\n').pop()!.length > 60);
    return cut ? { reason: 'truncated', detail: `ends mid-sentence: "…${t.slice(-30)}"` } : null;
  },
};
