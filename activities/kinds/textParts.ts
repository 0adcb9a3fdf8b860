import type { NamedNode } from '../knowledge/facts';

/** Small pieces the offline templates build sentences from, and the shape of a set of templates. */

/** The styles a single fact has its own template for; the others are built from them (offlineGeneric.ts). */
export type ClassicStyle = 'textbook' | 'qa' | 'sop' | 'troubleshooting';
/** One fact kind's templates, one per classic style. */
export type Templates<F> = Record<ClassicStyle, (f: F) => string>;

/** What a fact about one parameter of one asset is about, in a few words (out-of-spec and graph-agreement facts). */
export const parameterTopic = (
  { statement: s }: { statement: { asset: NamedNode; parameter: NamedNode } },
  lang: 'en' | 'zh',
) => (lang === 'zh' ? `${s.asset.name_zh}的${s.parameter.name_zh}` : `${s.parameter.name} on ${s.asset.name}`);

export const listEn = (xs: string[]) =>
  xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
export const listZh = (xs: string[]) => xs.join('、');
export const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
/** Steps as a numbered list, one per line. */
export const numbered = (steps: readonly string[]) => steps.map((t, i) => `${i + 1}. ${t}`);
/** Questions and answers as a Q&A text, in English (Q:/A:) or Chinese (问/答). */
export const qaText = (pairs: readonly (readonly [string, string])[], lang: 'en' | 'zh') =>
  pairs.map(([q, a]) => (lang === 'en' ? `Q: ${q}\nA: ${a}` : `问：${q}\n答：${a}`)).join('\n\n');
/** A procedure: its title, the numbered steps, and a closing line (why, or what to watch). */
export const sopText = (title: string, steps: readonly string[], closing: string) =>
  [title, '', ...numbered(steps), '', closing].join('\n');
