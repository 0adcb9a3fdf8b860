import type { Lang } from '../common/lang';
import { z } from 'zod';
import { canonicalJson } from '../common/canonicalJson';
import { sha256 } from '../common/files';
import { eventChain } from './eventChain';
import { graphAgreement } from './graphAgreement';
import type { KindParts, KindSpec } from './kindSpec';
import { maintenancePattern } from './maintenancePattern';
import { outOfSpec } from './outOfSpec';
import { thresholdRule } from './thresholdRule';

/**
 * The fact kinds' registry: one KindSpec per kind (kinds/<kind>.ts), one line each. The `Fact` union is built from
 * their schemas, so a kind is a member of the union exactly when it is registered, and an entry missing a part does
 * not compile. Fact derivation (deriveFacts.ts) runs their miners, and the switches of the stages after it (offline
 * texts, titles, sft topics, probes, private release, the graph's links) read them.
 */
// biome-ignore format: one registered kind per line
export const KINDS = [
  outOfSpec,
  eventChain,
  maintenancePattern,
  thresholdRule,
  graphAgreement,
] as const;

type SchemasOf<T extends readonly unknown[]> = { -readonly [I in keyof T]: T[I] extends KindSpec<infer S> ? S : never };

/** Every registered kind's fact (**contract**: facts.jsonl, the graph's :Fact nodes, the expand jobs). */
export const Fact = z.discriminatedUnion('kind', KINDS.map((k) => k.schema) as SchemasOf<typeof KINDS>);
export type Fact = z.infer<typeof Fact>;
export type FactKind = Fact['kind'];

const byKind = new Map<string, KindParts<never>>(KINDS.map((k) => [k.schema.shape.kind.value, k as KindParts<never>]));

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

/**
 * A fact's id: a hash of its kind and what it is about (KindSpec.identity), not of its figures - the same across runs
 * and a schedule's versions while its evidence and figures change (deriveFacts.ts gives every fact this id).
 */
export const factId = (f: { kind: string } & Fact): string =>
  `fact-${sha256(canonicalJson([f.kind, kindOf(f).identity(f)])).slice(0, 24)}`;

/** Ids of the facts a fact builds on (the graph's [:DERIVED_FROM] edges). */
export const buildsOn = (f: Fact): string[] => kindOf(f).buildsOn?.(f) ?? [];
