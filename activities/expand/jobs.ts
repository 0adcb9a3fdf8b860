import type { NamedNode } from '../knowledge/facts';
import type { Fact } from '../kinds';
import type { Audience, Input, Lang, Style } from './documents';

/** One text to write: from one fact or a bundle of related facts, in one style, for one audience, in one language. */
export interface ExpansionJob {
  facts: Fact[];
  input: Input;
  /** for a bundle: the graph node its facts share */
  via: NamedNode | null;
  style: Style;
  audience: Audience;
  lang: Lang;
}

/** The corpus mix (configuration): which styles, audiences and languages, how many variants, how many bundles. */
export interface Mix {
  styles: readonly Style[];
  audiences: readonly Audience[];
  languages: readonly Lang[];
  /**
   * (style, audience) variants per fact and language; styles come first, so variants <= styles gives distinct styles
   */
  variants: number;
  /**
   * most pairs and triples of related facts (sharing a graph node), each written in `bundleVariants` variants per
   * language
   */
  pairs: number;
  triples: number;
  bundleVariants: number;
}

/** Styles a bundle is written in: the ones that explain connections (an SOP or a dialogue is about one deviation). */
export const BUNDLE_STYLES: readonly Style[] = ['textbook', 'qa', 'case_study', 'knowledge_list', 'lecture'];

/**
 * Plan every text of a run: deterministic (a rotation over the facts in their order), so a rerun plans the
 * same jobs. Each fact gets `variants` (style, audience) pairs per language, rotating so that within
 * styles x audiences facts every combination is used; bundles are pairs and triples of facts that share a subject node
 * of the
 * graph (EntiGraph: describe how related entities connect rather than paraphrase one).
 */
export function planJobs(facts: readonly Fact[], mix: Mix): ExpansionJob[] {
  const jobs: ExpansionJob[] = [];
  // units (a fact or bundle in one language) in order: the rotation below covers every (style, audience) pair
  let unit = 0;
  const add = (facts: Fact[], input: Input, via: NamedNode | null, styles: readonly Style[], variants: number) => {
    if (!styles.length) return;
    for (const lang of mix.languages) {
      const u = unit++;
      for (let k = 0; k < Math.min(variants, styles.length * mix.audiences.length); k++) {
        const style = styles[(u + k) % styles.length];
        const audience =
          mix.audiences[(k + Math.floor(u / styles.length) + Math.floor(k / styles.length)) % mix.audiences.length];
        jobs.push({ facts, input, via, style, audience, lang });
      }
    }
  };
  for (const f of facts) add([f], 'fact', null, mix.styles, mix.variants);
  const bundleStyles = mix.styles.filter((s) => BUNDLE_STYLES.includes(s));
  for (const b of relatedBundles(facts, 2, mix.pairs)) add(b.facts, 'pair', b.via, bundleStyles, mix.bundleVariants);
  for (const b of relatedBundles(facts, 3, mix.triples))
    add(b.facts, 'triple', b.via, bundleStyles, mix.bundleVariants);
  return jobs;
}

/**
 * Up to `max` groups of `size` facts of different kinds (or about different things) that share a subject
 * node, spread over the nodes: one group per node in turn. Deterministic.
 */
export function relatedBundles(facts: readonly Fact[], size: 2 | 3, max: number): { facts: Fact[]; via: NamedNode }[] {
  if (max <= 0) return [];
  const byNode = new Map<string, Fact[]>();
  for (const f of [...facts].sort((a, b) => a.id.localeCompare(b.id))) {
    for (const id of f.subject) {
      const list = byNode.get(id) ?? [];
      list.push(f);
      byNode.set(id, list);
    }
  }
  // per node, its candidate groups: facts of distinct kinds first, so a group connects different knowledge
  const perNode = [...byNode.entries()]
    .filter(([, fs]) => fs.length >= size)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, fs]) => ({ id, groups: combinations(fs, size).sort((a, b) => distinctKinds(b) - distinctKinds(a)) }));
  const out: { facts: Fact[]; via: NamedNode }[] = [];
  const seen = new Set<string>();
  for (let round = 0; out.length < max && perNode.some((n) => n.groups.length > round); round++) {
    for (const n of perNode) {
      const g = n.groups[round];
      if (!g || out.length >= max) continue;
      const key = g.map((f) => f.id).join('+');
      if (seen.has(key)) continue;
      const via = nodeIn(g[0], n.id);
      if (!via) continue;
      seen.add(key);
      out.push({ facts: g, via });
    }
  }
  return out;
}

const distinctKinds = (fs: readonly Fact[]) => new Set(fs.map((f) => f.kind)).size;

function combinations<T>(xs: readonly T[], k: number, limit = 50): T[][] {
  const out: T[][] = [];
  const walk = (start: number, acc: T[]) => {
    if (out.length >= limit) return;
    if (acc.length === k) {
      out.push(acc);
      return;
    }
    for (let i = start; i < xs.length; i++) walk(i + 1, [...acc, xs[i]]);
  };
  walk(0, []);
  return out;
}

/** The named node with this id inside a fact's statement (how the fact itself names it), if any. */
export function nodeIn(fact: Fact, id: string): NamedNode | null {
  let hit: NamedNode | null = null;
  const visit = (v: unknown) => {
    if (hit || !v || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      v.forEach(visit);
      return;
    }
    const o = v as Record<string, unknown>;
    if (o.id === id && typeof o.name === 'string' && typeof o.name_zh === 'string') {
      hit = { id, name: o.name, name_zh: o.name_zh };
      return;
    }
    Object.values(o).forEach(visit);
  };
  visit(fact.statement);
  return hit;
}
