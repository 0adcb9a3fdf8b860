/**
 * The filters on what a text claims beyond the facts' words and numbers: the plant things it names must belong to
 * its facts (grounded), a cause it gives must be one the facts state, a figure keeps its role (an average stays the
 * average) and its unit (33 s does not become 33 min), and a limit or a reject threshold is never the value to set.
 */
import type { Fact } from '../kinds';
import { factValues, numbersWithUnits, type Role, writtenAs } from './factValues';
import { NO_OPTIONS, type DocumentFilter } from './filterTypes';
import type { PlantTerm, PlantVocabulary } from './plantVocabulary';

const CJK = /[\u4e00-\u9fff]/;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * What the facts say, as one lower-case string to look names up in: also with spaces for underscores (ids) and
 * hyphens ("clamp-force drift" names the clamp force).
 */
function factText(facts: readonly Fact[]): string {
  const raw = JSON.stringify(facts.map((f) => [f.statement, f.subject, f.evidence])).toLowerCase();
  return `${raw} ${raw.replace(/[_-]/g, ' ')}`;
}

/** A cause's name without its condition: the thing it is about ("clamp force too low..." -> "clamp force"). */
const EN_CONDITION = /\s+(?:too|stuck|drift|fault|failure|fouled|worn|leaking|lost|signal)\b.*$/i;
const ZH_CONDITION =
  /(?:不足|过低|过高|过长|过短|过冷|过热|故障|磨损|粘连|漂移|信号丢失|丢失|偏低|偏高|失效|堵塞|泄漏)$/;
/** Two-character equipment names too generic to be a claim on their own (barrel, mould, screw). */
function keysOf(t: PlantTerm): string[] {
  const keys = new Set<string>();
  for (const name of t.names) {
    const parts = [
      name,
      ...name.split(/\s*[（(][^）)]*[）)]\s*/),
      ...[...name.matchAll(/[（(]([^）)]*)[）)]/g)].map((m) => m[1]),
    ];
    for (const p of parts.map((x) => x.trim()).filter(Boolean)) {
      keys.add(p);
      if (t.kind === 'cause') {
        const stem = CJK.test(p) ? p.replace(ZH_CONDITION, '') : p.replace(/^worn\s+/i, '').replace(EN_CONDITION, '');
        if (stem !== p) keys.add(stem);
      }
    }
  }
  return [...keys].filter((k) => {
    if (/[_\d]/.test(k)) return false; // ids and codes: the code filter checks those
    if (CJK.test(k)) return k.length >= (t.kind === 'equipment' ? 3 : 2);
    const words = k.split(/\s+/).length;
    return k.length >= 4 && (words >= 2 || t.kind === 'effect' || t.kind === 'failure_mode');
  });
}
const KEYS = new WeakMap<PlantTerm, RegExp | null>();
function mentionOf(t: PlantTerm): RegExp | null {
  if (!KEYS.has(t)) {
    const keys = keysOf(t).sort((a, b) => b.length - a.length);
    KEYS.set(
      t,
      keys.length
        ? new RegExp(keys.map((k) => (CJK.test(k) ? escape(k) : `\\b${escape(k)}(?:e?s)?\\b`)).join('|'), 'i')
        : null,
    );
  }
  return KEYS.get(t)!;
}

/** Plant things the text names that are not in its facts (by id or by any of their names). */
export function foreignNames(text: string, facts: readonly Fact[], plant: PlantVocabulary): string[] {
  const known = factText(facts);
  const out: string[] = [];
  // alarms are named by their codes, which the code filter checks: an alarm's name ("hold pressure low") is also
  // how a text says what a reading did
  for (const t of plant.filter((x) => x.kind !== 'alarm')) {
    const m = mentionOf(t)?.exec(text);
    if (!m) continue;
    const inFact =
      known.includes(t.id.toLowerCase()) ||
      t.names.some((n) => known.includes(n.toLowerCase())) ||
      keysOf(t).some((k) => known.includes(k.toLowerCase()));
    if (!inFact) out.push(m[0]);
  }
  return [...new Set(out)];
}

/** Connectives after which a cause follows. */
const CAUSE_EN = new RegExp(
  String.raw`\b(?:because(?: of)?|due to|caused by|owing to|as a result of|results? from|resulted from|stems? from` +
    String.raw`|comes? from|came from|(?:the )?(?:root |main |usual |likely |real |underlying )?` +
    String.raw`(?:cause|reason|trigger) (?:is|was|here is)|traced? (?:back )?to` +
    String.raw`|(?:is |are |was )?attribut(?:able|ed) to|(?:root cause|cause|origin) lies in)\b`,
  'gi',
);
const CAUSE_ZH =
  /(?:由于|因为|根本原因是|主要原因是|原因是|原因为|原因在于|起因是|起因于|源于|归因于|归咎于|是因为|根源(?:在于|是|为)|缘于)/g;
const STOP = new Set(
  (
    'that this with from have were been into than then they them their there which when what while also some ' +
    'such the and for are was its our out very more most much often usually likely'
  ).split(' '),
);
const contentWords = (s: string) =>
  (s.toLowerCase().match(/[a-z][a-z-]{3,}/g) ?? []).filter((w) => !STOP.has(w)).map((w) => w.replace(/s$/, ''));

/** Causes the text gives (after a causal connective) that share nothing with what its facts say. */
export function unstatedCauses(text: string, facts: readonly Fact[]): string[] {
  const known = factText(facts);
  const knownWords = new Set(contentWords(known));
  const zhRuns = known.match(/[\u4e00-\u9fff]{2,}/g) ?? [];
  const grams = new Set(
    zhRuns.flatMap((r) => Array.from({ length: Math.max(0, r.length - 2) }, (_, i) => r.slice(i, i + 3))),
  );
  const out: string[] = [];
  for (const re of [CAUSE_EN, CAUSE_ZH]) {
    for (const m of text.matchAll(re)) {
      const rest = text.slice(m.index + m[0].length);
      const stop = rest.search(/[.;!?。；！？\n]|$/);
      if (/[?？]/.test(rest[stop] ?? '')) continue; // a question about the cause states none
      const clause = rest.slice(0, stop).slice(0, 120);
      const grounded = CJK.test(clause)
        ? [...grams].some((g) => clause.includes(g)) || contentWords(clause).some((w) => knownWords.has(w))
        : contentWords(clause).some((w) => knownWords.has(w));
      if (clause.trim() && !grounded) out.push(`${m[0]}${clause}`.trim());
    }
  }
  return out;
}

/** What an instruction acts on: "check the screw for wear", "also inspect the tie bars". */
const ACTION_EN = new RegExp(
  // an instruction: the verb opens a line, a step or a clause, or follows a subject or modal ("then check", "I'll
  // inspect"), so "the quality check measured" is not one
  String.raw`(?:^|[\n.;:!?]\s*|^\s*(?:\d{1,2}[.)]|[-*•])\s*` +
    String.raw`|\b(?:also|then|and|first|please|to|should|must|will|can|I'll|we'll|you|we|I)\s+)` +
    String.raw`(?:also\s+)?(?:check|inspect|examine|replace|clean|adjust|tighten|lubricate)` +
    String.raw`\s+(?:the\s+|all\s+|both\s+|each\s+|any\s+)?([a-z][a-z -]{2,40}?)` +
    String.raw`(?=\s+(?:for|and|or|on|of|in|at|to|before` +
    String.raw`|after|if|when|first|then|again|too|as well)\b|[.,;:()\n]|$)`,
  'gim',
);
/** What an action may act on without the facts naming it: the text's own words for readings and results. */
const GENERIC_OBJECTS = new Set(
  (
    'it them this that these those everything reading readings value values result results part parts shot shots ' +
    'trend data log logs record records machine line next first last rest whether if what which how why where'
  ).split(' '),
);

/** Things the text tells someone to act on that share no word with its facts ("also check the tie bars"). */
export function ungroundedActions(text: string, facts: readonly Fact[]): string[] {
  const knownWords = new Set(contentWords(factText(facts)));
  const out: string[] = [];
  for (const m of text.matchAll(ACTION_EN)) {
    const object = m[1].trim();
    const words = object.toLowerCase().split(/[\s-]+/);
    if (GENERIC_OBJECTS.has(words[0])) continue;
    const content = contentWords(object);
    if (content.length && !content.some((w) => knownWords.has(w))) out.push(`${m[0].trim()}`);
  }
  return out;
}

export const grounded: DocumentFilter = {
  name: 'grounded',
  options: NO_OPTIONS,
  check: ({ text, facts, plant }) => {
    const names = foreignNames(text, facts, plant);
    if (names.length) return { reason: 'ungrounded', detail: `names what its facts do not: ${names.join(', ')}` };
    const causes = unstatedCauses(text, facts);
    if (causes.length) return { reason: 'ungrounded', detail: `a cause its facts do not state: "${causes[0]}"` };
    const actions = ungroundedActions(text, facts);
    return actions.length
      ? { reason: 'ungrounded', detail: `acts on what its facts do not name: "${actions[0]}"` }
      : null;
  },
};

/** Words that give the role of the number after them. */
const ROLE_WORDS: [RegExp, Role][] = [
  [/(?:\baverag(?:e|ed|ing)|\bmean|平均(?:值|为|是)?)\W{0,3}(?:of|at|was|is|were)?\s*$/i, 'mean'],
  [
    new RegExp(
      String.raw`(?:\bpeak(?:ed)?(?: at)?|\bhighest|\blowest|\bworst(?: point)?|\blongest|\bshortest|\bdropped to` +
        String.raw`|最高|最低|最长|最短|峰值)\W{0,3}(?:of|at|was|is|to)?\s*$`,
      'i',
    ),
    'extreme',
  ],
  [/(?:\btarget(?:ed)?|目标值?)\W{0,3}(?:of|at|was|is|为|是)?\s*$/i, 'target'],
  [/(?:\blift|提升度)\W{0,3}(?:of|was|is|为|是)?\s*$/i, 'lift'],
  [/(?:\brisk ratio|风险比)\W{0,3}(?:of|was|is|为|是|达到)?\s*$/i, 'risk'],
  [/(?:其余模次|其余|窗口内)\W{0,3}(?:的不合格率)?(?:为|是|只有)?\s*$/, 'rest'],
  [/(?:\btolerance|容差)\W{0,3}(?:of|was|is|为|是)?\s*$/i, 'tolerance'],
  [/(?:比(?:规格)?(?:上限|下限)(?:低|高)了?|\bby)\s*$/i, 'difference'],
];
/** Words after a number (and its unit) that give its role ("55 % of the rest", "within the 1.5 °C tolerance"). */
const ROLE_AFTER: [RegExp, Role][] = [
  [/^\s?%?\s*(?:of|for|in) the rest\b/i, 'rest'],
  [/^\s?(?:°\s?C|℃|%|[a-z]{1,3})?\s*(?:tolerance|的容差|容差)/i, 'tolerance'],
  [/^\s?(?:°\s?C|℃|%|[a-z]{1,3})?\s*(?:below|above|under|over) the (?:spec )?limit\b/i, 'difference'],
];

/** Figures the text gives in a role the fact gives another figure (the average written as the peak). */
export function swappedFigures(text: string, facts: readonly Fact[]): string[] {
  const values = facts.flatMap(factValues).filter((v) => !v.inText);
  const out: string[] = [];
  for (const m of text.matchAll(/(?<![\w.-])\d+(?:\.\d+)?/g)) {
    const n = Number(m[0]);
    const before =
      text
        .slice(Math.max(0, m.index - 24), m.index)
        .split(/[.;!?。；！？\n，,]/)
        .pop() ?? '';
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 20);
    const role =
      ROLE_WORDS.find(([re]) => re.test(before))?.[1] ?? ROLE_AFTER.find(([re]) => re.test(after))?.[1] ?? null;
    if (!role || !values.some((v) => v.role === role)) continue;
    const same = values.filter((v) => writtenAs(n, v.value));
    if (!same.length || same.some((v) => v.role === role || v.role === null)) continue;
    out.push(`${m[0]} as the ${role} (the fact's ${role}: ${values.find((v) => v.role === role)!.value})`);
  }
  return out;
}

export const figureRoles: DocumentFilter = {
  name: 'figure_roles',
  options: NO_OPTIONS,
  check: ({ text, facts }) => {
    const s = swappedFigures(text, facts);
    return s.length ? { reason: 'unfaithful_number', detail: `a figure in another role: ${s.join('; ')}` } : null;
  },
};

/** Figures written with a unit other than the one the facts give them (33 s as 33 min). */
export function rebadgedUnits(text: string, facts: readonly Fact[]): string[] {
  const values = facts.flatMap(factValues).filter((v) => !(v.inText && v.unit === null));
  const out: string[] = [];
  for (const w of numbersWithUnits(text)) {
    const same = values.filter((v) => writtenAs(w.value, v.value));
    // a figure the facts give with a unit keeps one of its units (a count the same number has none to lose)
    const units = [...new Set(same.map((v) => v.unit).filter((u): u is string => u !== null))];
    if (!units.length || units.includes(w.unit)) continue;
    out.push(`${w.value} ${w.unit} (the fact's ${w.value} is in ${units.join('/')})`);
  }
  return out;
}

export const unitBinding: DocumentFilter = {
  name: 'unit_binding',
  options: NO_OPTIONS,
  check: ({ text, facts }) => {
    const u = rebadgedUnits(text, facts);
    return u.length ? { reason: 'unfaithful_unit', detail: `a figure with another unit: ${u.join('; ')}` } : null;
  },
};

/** "Set X to N", "setpoint of N", "设定为 N": the value a text tells someone to set. */
const SET_TO = [
  /\bset(?:s|ting)?\b(?:(?!\b(?:from|between)\b)[^.\n\d]){0,40}?\bto\s+(?:about\s+|around\s+)?(\d+(?:\.\d+)?)/gi,
  /\bset ?points?\b[^.\n\d]{0,15}?(?:of|at|to|=|is|:)\s*(\d+(?:\.\d+)?)/gi,
  /(?:设定为|设为|设置为|设定到|设置到|设定在|调到|调至|调整到|调整为|设定值为|设定值设为)\s*(\d+(?:\.\d+)?)/g,
];
/** Values a text sets that are the fact's spec limits or reject thresholds (and not also its target). */
export function limitsAsSetpoints(text: string, facts: readonly Fact[]): string[] {
  const values = facts.flatMap(factValues);
  const out: string[] = [];
  for (const re of SET_TO)
    for (const m of text.matchAll(re)) {
      const n = Number(m[1]);
      const same = values.filter((v) => writtenAs(n, v.value));
      const boundary = same.some((v) => v.role === 'limit' || v.role === 'threshold');
      const alsoSetting = same.some((v) => v.role === 'target');
      if (boundary && !alsoSetting) out.push(m[0].trim());
    }
  return out;
}

export const setpoints: DocumentFilter = {
  name: 'setpoints',
  options: NO_OPTIONS,
  check: ({ text, facts }) => {
    const s = limitsAsSetpoints(text, facts);
    return s.length
      ? { reason: 'limit_as_setpoint', detail: `a spec limit or reject threshold given as the value to set: "${s[0]}"` }
      : null;
  },
};
