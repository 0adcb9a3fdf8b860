import type { Lang } from '../expand/documents';
import type { Fact, FactKind } from '../knowledge/facts';
import { eventChain } from './eventChain';
import { graphAgreement } from './graphAgreement';
import type { KindParts, KindSpec } from './kindSpec';
import { maintenancePattern } from './maintenancePattern';
import { outOfSpec } from './outOfSpec';
import { thresholdRule } from './thresholdRule';

/**
 * The fact kinds' registry: one KindSpec per kind (kinds/<kind>.ts), one line each. The `Fact` union (facts.ts) is
 * built from their schemas, fact derivation runs their miners in this order, and the switches of the stages after it
 * (offline texts, titles, sft topics, probes, private release) read them.
 */
export const KIND_LIST = [outOfSpec, eventChain, maintenancePattern, thresholdRule, graphAgreement] as const;

type Schema = (typeof KIND_LIST)[number]['schema'];
/** the kinds' schemas, for the union */
export const FACT_SCHEMAS = KIND_LIST.map((k) => k.schema) as unknown as [Schema, ...Schema[]];

// biome-ignore lint/suspicious/noExplicitAny: one spec per kind, each typed by its own schema
type AnySpec = KindSpec<any>;
const byKind = new Map<string, AnySpec>();
for (const k of KIND_LIST as readonly AnySpec[]) {
  const kind: string = k.schema.shape.kind.value;
  if (byKind.has(kind)) throw new Error(`fact kind ${kind} is registered twice`);
  byKind.set(kind, k);
}

/** Each kind's spec by its name. */
export const KINDS = Object.fromEntries(byKind) as { readonly [K in FactKind]: AnySpec };

/** A fact's kind spec, typed for that fact. Fail-closed: a kind the registry does not know throws. */
export function kindOf<F extends Fact>(f: F): KindParts<F> {
  const spec = byKind.get(f.kind);
  if (!spec) throw new Error(`no kind spec for fact kind ${f.kind}`);
  return spec;
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
