import type { Lang } from '../expand/documents';
import type { Fact, FactKind } from '../knowledge/facts';
import { eventChain } from './eventChain';
import { graphAgreement } from './graphAgreement';
import type { FactOf, KindSpec } from './kindSpec';
import { maintenancePattern } from './maintenancePattern';
import { outOfSpec } from './outOfSpec';
import { thresholdRule } from './thresholdRule';

/**
 * The fact kinds' registry: one entry per kind of the fact union (facts.ts), each a KindSpec with every part. A kind
 * added to the union without an entry here, or an entry missing a part, is a type error; the switches of the stages
 * after derivation (offline texts, titles, sft topics, probes, private release) all read it.
 */
export const KINDS: { readonly [K in FactKind]: KindSpec<FactOf<K>> } = {
  out_of_spec: outOfSpec,
  event_chain: eventChain,
  maintenance_pattern: maintenancePattern,
  threshold_rule: thresholdRule,
  graph_agreement: graphAgreement,
};

/** A fact's kind spec, typed for that fact (TypeScript cannot correlate `KINDS[f.kind]` with `f` on its own). */
export const kindOf = <F extends Fact>(f: F): KindSpec<F> => KINDS[f.kind as FactKind] as unknown as KindSpec<F>;

/** What a fact is called (headings, the generic forms' points). */
export const titleOf = (f: Fact, lang: Lang) => kindOf(f).title(f, lang);
/** What a fact is about, in a few words (the sft split's requests). */
export const topicOf = (f: Fact, lang: Lang) => kindOf(f).topic(f, lang);

/**
 * The facts a private run releases: those of kinds the registry marks releasable. Fail-closed: a kind it does not
 * know (a fact from elsewhere) or does not mark is withheld.
 */
export function privateRelease<F extends { kind: string }>(facts: readonly F[]): F[] {
  return facts.filter((f) => Object.hasOwn(KINDS, f.kind) && KINDS[f.kind as FactKind].privateRelease);
}

/** fact kinds a private run withholds, for its report */
export const withheldKinds = (): string[] =>
  Object.entries(KINDS)
    .filter(([, spec]) => !spec.privateRelease)
    .map(([kind]) => kind);
