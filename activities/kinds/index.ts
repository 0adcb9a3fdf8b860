import type { Lang } from '../common/lang';
import type { Fact, FactKind } from '../knowledge/facts';
import { eventChain } from './eventChain';
import { graphAgreement } from './graphAgreement';
import type { KindParts, KindSpec } from './kindSpec';
import { maintenancePattern } from './maintenancePattern';
import { outOfSpec } from './outOfSpec';
import { thresholdRule } from './thresholdRule';

/**
 * The fact kinds' registry: one KindSpec per kind of the `Fact` union (knowledge/facts.ts), one line each - a mapped
 * type over the union, so a kind without an entry does not compile. Fact derivation (deriveFacts.ts) runs their
 * miners, and the switches of the stages after it (offline texts, titles, sft topics, probes, private release)
 * read them.
 */
export const KINDS: { readonly [K in FactKind]: KindSpec<FactOf<K>> } = {
  out_of_spec: outOfSpec,
  event_chain: eventChain,
  maintenance_pattern: maintenancePattern,
  threshold_rule: thresholdRule,
  graph_agreement: graphAgreement,
};

type FactOf<K extends FactKind> = Extract<Fact, { kind: K }>;
const byKind = new Map<string, KindParts<never>>(Object.entries(KINDS));

/** A fact's kind spec, typed for that fact. Fail-closed: a kind the registry does not know throws. */
export function kindOf<F extends Fact>(f: F): KindParts<F> {
  const spec = byKind.get(f.kind);
  if (!spec) throw new Error(`no kind spec for fact kind ${f.kind}`);
  return spec as KindParts<F>;
}

/** What a fact is called (headings, the generic forms' points). */
export const titleOf = (f: Fact, lang: Lang) => kindOf(f).title(f, lang);
/** What a fact is about, in a few words (the sft split's requests). */
export const topicOf = (f: Fact, lang: Lang) => kindOf(f).topic(f, lang);

/**
 * The facts a private run releases: those of kinds the registry marks releasable. Fail-closed: a kind it does not
 * know (a fact from elsewhere) or does not mark is withheld.
 */
export function privateRelease<F extends { kind: string }>(facts: readonly F[]): F[] {
  return facts.filter((f) => byKind.get(f.kind)?.privateRelease === true);
}

/** fact kinds a private run withholds, for its report */
export const withheldKinds = (): string[] => [...byKind].filter(([, spec]) => !spec.privateRelease).map(([k]) => k);
