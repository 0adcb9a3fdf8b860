import { createHash } from 'node:crypto';
import { z } from 'zod';
import { Lang } from '../expand/documents';
import { kindOf } from '../kinds';
import type { NamedNode } from '../knowledge/facts';
import type { Fact, FactKind } from '../kinds';

/**
 * Closed-book probes of a run's facts: a question, the fact's own answer and three distractors of the same kind -
 * for a figure, other figures of the run in the same unit and of the same magnitude (other parameters' limits,
 * other thresholds), else the answer moved by a fixed share; for a name, other names of the same kind (other
 * defects, other causes). Worded as a quiz, unlike any training text; a probe whose question shares an 8-gram with
 * the training splits is withheld (withheldByOverlap). Multiple choice by log-likelihood, as lm-evaluation-harness
 * scores it.
 */
export const Probe = z.object({
  id: z.string(),
  fact_id: z.string(),
  kind: z.string() as z.ZodType<FactKind>,
  lang: Lang,
  question: z.string().min(1),
  choices: z.array(z.string().min(1)).length(4),
  /** the index of the right choice */
  answer: z.number().int().min(0).max(3),
  /** the fact's figure and its unit, when the answer is a figure */
  value: z.number().nullable(),
  unit: z.string().nullable(),
});
export type Probe = z.infer<typeof Probe>;

const name = (n: NamedNode, lang: Lang) => (lang === 'zh' ? n.name_zh : n.name);

/** A stable number from text (for a deterministic order of choices). */
const hash = (s: string) => createHash('sha256').update(s).digest().readUInt32BE(0);

/** The decimals a figure is written with (at most 2). */
const decimalsOf = (v: number) => Math.min(2, (String(v).split('.')[1] ?? '').length);
const fmt = (v: number, d: number) => v.toFixed(d);

/**
 * Three figures unlike the answer, in its unit and of its magnitude (within a factor of 2): the run's other figures
 * in that unit first, then the answer moved by 15 %, 30 % and 45 % either way.
 */
export function numericDistractors(answer: number, unit: string, pool: readonly { value: number; unit: string }[]) {
  const d = decimalsOf(answer);
  const seen = new Set([fmt(answer, d)]);
  const out: string[] = [];
  const take = (v: number) => {
    const s = fmt(v, d);
    if (out.length < 3 && v > 0 === answer > 0 && !seen.has(s)) {
      seen.add(s);
      out.push(s);
    }
  };
  const ratio = (v: number) => Math.abs(v) / Math.max(1e-9, Math.abs(answer));
  for (const p of pool) if (p.unit === unit && ratio(p.value) >= 0.5 && ratio(p.value) <= 2) take(p.value);
  for (const k of [1.15, 0.85, 1.3, 0.7, 1.45, 0.55]) take(Math.round(answer * k * 10 ** d) / 10 ** d);
  return out;
}

/** The probes of a run's facts, in both languages where asked; names for distractors come from the facts. */
export function buildProbes(facts: readonly Fact[], languages: readonly Lang[]): Probe[] {
  const all = facts.flatMap((f) =>
    kindOf(f)
      .asks(f)
      .map((a) => ({ f, a })),
  );
  const figures = all.flatMap(({ a }) => ('value' in a.answer ? [a.answer] : []));
  const nodes = (pool: string) =>
    all.flatMap(({ a }) => ('node' in a.answer && a.answer.pool === pool ? [a.answer.node] : []));
  const probes: Probe[] = [];
  for (const { f, a } of all)
    for (const lang of languages) {
      let right: string;
      let wrong: string[];
      if ('value' in a.answer) {
        const { value, unit } = a.answer;
        right = fmt(value, decimalsOf(value));
        wrong = numericDistractors(value, unit, figures);
      } else {
        const ans = a.answer.node;
        right = name(ans, lang);
        wrong = [...new Set(nodes(a.answer.pool).map((n) => name(n, lang)))].filter((n) => n !== right).slice(0, 3);
      }
      if (wrong.length < 3) continue; // not enough of the same kind to ask it fairly
      const id = `probe-${createHash('sha256').update(`${f.id}|${a.key}|${lang}`).digest('hex').slice(0, 16)}`;
      const at = hash(id) % 4;
      const choices = [...wrong];
      choices.splice(at, 0, right);
      probes.push(
        Probe.parse({
          id,
          fact_id: f.id,
          kind: f.kind,
          lang,
          question: a.q[lang],
          choices,
          answer: at,
          value: 'value' in a.answer ? a.answer.value : null,
          unit: 'value' in a.answer ? a.answer.unit : null,
        }),
      );
    }
  return probes;
}

/** Word 8-grams (Chinese: character 8-grams) of a text, lower-cased, punctuation dropped. */
export function ngrams(text: string, n = 8): Set<string> {
  const tokens = text.toLowerCase().match(/\p{Script=Han}|(?:(?!\p{Script=Han})[\p{L}\p{N}])+/gu) ?? [];
  const out = new Set<string>();
  for (let i = 0; i + n <= tokens.length; i++) out.add(tokens.slice(i, i + n).join(' '));
  return out;
}

/** Split probes into those whose question shares no 8-gram with the training texts, and those withheld. */
export function withheldByOverlap(probes: readonly Probe[], training: Iterable<string>) {
  const seen = new Set<string>();
  for (const t of training) for (const g of ngrams(t)) seen.add(g);
  const kept: Probe[] = [];
  const withheld: Probe[] = [];
  for (const p of probes) ([...ngrams(p.question)].some((g) => seen.has(g)) ? withheld : kept).push(p);
  return { kept, withheld };
}
