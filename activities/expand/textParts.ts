/** Small pieces the offline templates build sentences from, and the shape of a set of templates. */

/** The styles a single fact has its own template for; the others are built from them (offlineGeneric.ts). */
export type ClassicStyle = 'textbook' | 'qa' | 'sop' | 'troubleshooting';
/** One fact kind's templates, one per classic style. */
export type Templates<F> = Record<ClassicStyle, (f: F) => string>;

export const listEn = (xs: string[]) =>
  xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
export const listZh = (xs: string[]) => xs.join('、');
export const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
/** Steps as a numbered list, one per line. */
export const numbered = (steps: readonly string[]) => steps.map((t, i) => `${i + 1}. ${t}`);
