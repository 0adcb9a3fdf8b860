import type { Ask } from '../corpus/probeCards';
import type { Lang } from '../expand/documents';
import type { Templates } from '../expand/textParts';
import type { Fact, FactKind } from '../knowledge/facts';

export type FactOf<K extends FactKind> = Extract<Fact, { kind: K }>;

/**
 * Everything the stages after derivation need to know about one kind of fact, in one object (kinds/<kind>.ts):
 * the registry (kinds/index.ts) holds one per kind of the fact union, so a kind without one - or one missing a
 * part - does not compile.
 */
export interface KindSpec<F extends Fact> {
  /**
   * Whether a private run (`privacy.epsilon`) may release it: only a kind whose every figure comes through the
   * private mechanism (privateRules.ts). An allow-list, read fail-closed: a kind not marked so is withheld.
   */
  privateRelease: boolean;
  /** a short title (the offline expander's headings, the generic forms) */
  title(f: F, lang: Lang): string;
  /** what the fact is about, in a few words (the sft split's requests) */
  topic(f: F, lang: Lang): string;
  /** the offline expander's hand-written form per classic style and language */
  templates: Record<Lang, Templates<F>>;
  /** the closed-book questions it answers (the probe split) */
  asks(f: F): Ask[];
}
