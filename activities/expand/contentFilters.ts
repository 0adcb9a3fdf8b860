/**
 * The filters on what a text says: its opening, talk about the request, steered content, faithfulness, privacy,
 * language and coverage of its facts.
 */
import { PiiMasker } from '../parse/pii';
import type { Fact } from '../kinds';
import { inventedCodes, inventedNumbers, inventedUnits, looksLike, stockOpening, textFigures } from './checks';
import { numbersWithUnits, writtenAs } from './factValues';
import type { PlantVocabulary } from './plantVocabulary';
import { NO_OPTIONS, type DocumentFilter } from './filterTypes';
import { normaliseNumbers } from './numberWords';

export const opening: DocumentFilter = {
  name: 'opening',
  options: NO_OPTIONS,
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
    '\\b(?:the|this|your|my) (?:prompt|request|instructions?)\\b',
    '\\b(?:the )?(?:supplied|provided|given) (?:facts?|data|text|information|details)\\b',
    '\\b(?:as instructed|you (?:have )?provided|you (?:have )?supplied|you gave me)\\b',
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
const META_ZH = new RegExp(
  'JSON|提示词|用户(?:的)?(?:问题|请求|要求)|您的(?:问题|请求)|作为(?:一个)?(?:AI|人工智能)|语言模型|抱歉|对不起|' +
    '无法(?:回答|提供|完成)|重新回答|再次回答|以下是|我不能|我无法|(?:所|您|你)提供的|根据提供的|按(?:照)?(?:您的)?要求|如您所要求',
  'i',
);
export const metaTalk: DocumentFilter = {
  name: 'meta_talk',
  options: NO_OPTIONS,
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
    String.raw`|emergency stop|light curtains?|alarms?|protection|relief valves?|door switch(?:es)?)\b`,
  'i',
);
/** The same with the safety function first: "the interlock can be bypassed", "have the guard removed". */
const SAFETY_EN_PASSIVE = new RegExp(
  String.raw`\b(?:interlocks?|safety (?:gate|door|switch|device|circuit)s?|guards?(?: door)?|e-?stops?` +
    String.raw`|emergency stops?` +
    String.raw`|light curtains?|relief valves?|door switch(?:es)?)\b[^.\n]{0,40}\b(?:bypassed|disabled|jumpered` +
    String.raw`|overridden|removed|defeated|muted|bridged|switched off|turned off|deactivated)\b`,
  'i',
);
// 解除 ("release") disables an interlock or an e-stop, but 报警解除 is an alarm that cleared: not a bypass
// 关闭 a guard door (关闭防护门) shuts it: only 关闭 of a function is a bypass
const SAFETY_ZH = new RegExp(
  String.raw`(?:关闭|屏蔽|旁路|短接|跨接|拆除|禁用|跳过|取消)[^。\n]{0,12}(?:联锁|连锁|安全(?!门)|急停|报警|防护(?![门罩])` +
    String.raw`|光幕|安全阀|保护)|(?:屏蔽|旁路|短接|跨接|拆除|禁用|跳过)[^。\n]{0,12}(?:安全门|防护门|防护罩)` +
    String.raw`|解除[^。\n]{0,8}(?:联锁|连锁|急停|防护|光幕|安全阀|安全装置|保护)`,
);
/** Chinese with the object first: "把安全门联锁短接", "急停按钮先屏蔽掉". */
const SAFETY_ZH_OBJECT_FIRST =
  /(?:联锁|连锁|安全门|急停|防护门|防护罩|光幕|安全阀|安全装置|安全开关|保护功能|超温保护|过载保护)[^。\n，,]{0,10}(?:屏蔽|旁路|短接|跨接|拆除|拆掉|禁用|跳过|解除|关闭|关掉|取消)/;
/**
 * A safety function named, then bypassed by a pronoun in the same or the next sentence: "if the light curtain keeps
 * tripping, override it", "安全门老是报警停机 … 那就先把它短接掉".
 */
const SAFETY_PRONOUN = new RegExp(
  String.raw`(?:\b(?:interlocks?|safety (?:gate|door|switch|device|circuit)s?|guards?(?: door)?|e-?stops?` +
    String.raw`|emergency stops?|light curtains?|relief valves?|door switch(?:es)?)\b|联锁|连锁|安全门|急停|防护门` +
    String.raw`|防护罩|光幕|安全阀|安全装置|安全开关)[^]{0,120}?(?:\b(?:disable|bypass|override|defeat|jumper|bridge` +
    String.raw`|mute|switch off|turn off|deactivate)\s+(?:it|them)\b|(?:把它|把它们|将其|将它|把其)(?:先|暂时|临时)?` +
    String.raw`(?:屏蔽|旁路|短接|跨接|拆除|拆掉|禁用|跳过|解除|关掉|取消))`,
  'i',
);
export const unsafe: DocumentFilter = {
  name: 'no_injection',
  options: NO_OPTIONS,
  check: ({ text, facts }) => {
    const source = JSON.stringify(facts.map((f) => [f.statement, f.evidence]));
    for (const [re, what] of [
      [URL, 'a link'],
      [COMMAND, 'a command'],
    ] as const) {
      const m = re.exec(text);
      if (m) return { reason: 'unsafe_instruction', detail: `${what}: "${m[0].trim()}"` };
    }
    for (const re of [SAFETY_EN, SAFETY_EN_PASSIVE, SAFETY_ZH, SAFETY_ZH_OBJECT_FIRST, SAFETY_PRONOUN]) {
      const m = re.exec(text);
      if (m && !source.toLowerCase().includes(m[0].trim().toLowerCase()))
        return { reason: 'unsafe_instruction', detail: `a safety override the facts do not contain: "${m[0].trim()}"` };
    }
    return null;
  },
};

export const faithful: DocumentFilter = {
  name: 'faithful',
  options: NO_OPTIONS,
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

export const piiClean: DocumentFilter = {
  name: 'pii_clean',
  options: NO_OPTIONS,
  check: ({ text, pii }) => {
    const masker = new PiiMasker(pii, [], true);
    return masker.text(text) !== text ? { reason: 'pii', detail: Object.keys(masker.counts).join(', ') } : null;
  },
};

export const language: DocumentFilter = {
  name: 'language',
  options: NO_OPTIONS,
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

/**
 * The figures a fact states: the numbers of its statement's fields and the numbers with a unit in its texts ("+6
 * degC"), not digits inside its names or codes, not its evidence; a text about it states one.
 */
export function factFigures(facts: readonly Fact[]): Set<number> {
  const out = new Set<number>();
  const visit = (v: unknown): void => {
    if (typeof v === 'number') out.add(v);
    else if (typeof v === 'string') for (const n of numbersWithUnits(v)) out.add(n.value);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (k !== 'severity') visit(x);
  };
  facts.forEach((f) => visit(f.statement));
  return out;
}

/**
 * Whether a text names a term: as written, without its bracketed part or by that part alone ("缺料（短射）" as
 * 短射), or - for a name of several words - by all its words in any order ("worn check ring" for "check ring
 * worn").
 */
export function names(text: string, term: string): boolean {
  const lower = text.toLowerCase();
  const t = term.toLowerCase();
  if (lower.includes(t)) return true;
  const bare = t.replace(/\s*[（(][^）)]*[）)]\s*/g, ' ').trim();
  const inner = [...t.matchAll(/[（(]([^）)]*)[）)]/g)].map((m) => m[1].trim());
  if ([bare, ...inner].some((p) => p.length >= 2 && lower.includes(p))) return true;
  const words = bare.split(/[\s,/-]+/).filter((w) => w.length >= 3);
  if (words.length < 2) return false;
  const have = new Set((lower.match(/[a-z0-9]+/g) ?? []).map((w) => w.replace(/s$/, '')));
  return words.every((w) => have.has(w.replace(/s$/, '')));
}

/** The facts' terms and, for each plant thing they name, its other names and aliases from the graph. */
function coverageTerms(facts: readonly Fact[], plant: PlantVocabulary): string[] {
  const terms = factTerms(facts);
  const json = JSON.stringify(facts.map((f) => [f.statement, f.subject]));
  const related = plant.filter((t) => json.includes(`"${t.id}"`)).flatMap((t) => t.names);
  return [...new Set([...terms, ...related])];
}

export const coverage: DocumentFilter = {
  name: 'coverage',
  options: NO_OPTIONS,
  check: ({ text, facts, plant }) => {
    const terms = coverageTerms(facts, plant);
    if (terms.length && !terms.some((t) => names(text, t)))
      return { reason: 'no_coverage', detail: "names none of its facts' subjects" };
    const figures = factFigures(facts);
    const written = textFigures(normaliseNumbers(text), facts);
    if (figures.size && !written.some((n) => [...figures].some((f) => writtenAs(n, f))))
      return { reason: 'no_coverage', detail: "states none of its facts' figures" };
    return null;
  },
};
