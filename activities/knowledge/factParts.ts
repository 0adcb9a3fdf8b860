import { canonicalJson } from '../common/canonicalJson';
import { sha256 } from '../common/files';
import type { NamedNode } from './factRefs';
import type { ParameterSpec } from './graphSnapshot';
import type { GraphIndex } from './linking';
import { displayUnit } from './units';

/** Small pieces every kind of fact is assembled from. */
export const src = (r: { source: string; line: number }) => `${r.source}:${r.line}`;
export const named = (n: NamedNode): NamedNode => ({ id: n.id, name: n.name, name_zh: n.name_zh });
export const parameterRef = (p: ParameterSpec) => ({ ...named(p), unit: displayUnit(p.unit), formula: p.formula });

/** The asset as a fact names it: the graph's equipment names when the asset (or an ancestor) is in the graph. */
export function assetNode(asset: string, index: GraphIndex): NamedNode {
  const equipment = index.equipmentFor(asset);
  return equipment ? { ...named(equipment), id: asset } : { id: asset, name: asset, name_zh: asset };
}

export function bump(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}
export function uniq<T>(xs: readonly (T | undefined | null)[]): T[] {
  return [...new Set(xs.filter((x): x is T => x !== undefined && x !== null))];
}
export function uniqBy<T>(xs: readonly T[], key: (x: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const x of xs) if (!seen.has(key(x))) seen.set(key(x), x);
  return [...seen.values()];
}

/**
 * A fact's draft id: the hash of everything it says, so that a fact built on another (graph_agreement on its rule) can
 * name it while mining. When derivation ends (deriveFacts.ts) each fact is validated against the union and given its
 * stable id (its kind's identity, kinds/index.ts `factId`), and every draft id it names is rewritten to that id.
 */
export function withId<F extends { kind: string; id: string }>(f: Omit<F, 'id'> & { id?: string }): F {
  const { id: _ignored, ...body } = f;
  return { ...body, id: `fact-${sha256(canonicalJson(body)).slice(0, 24)}` } as F;
}
