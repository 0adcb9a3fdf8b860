import type { GraphSnapshot, ParameterSpec } from './graphSnapshot';
import type { NamedNode } from './facts';

/** Names compared the way tags are written in exports: case, spaces, dashes and underscores folded. */
export function normaliseName(s: string): string {
  return s
    .trim()
    .toLowerCase()
    .replace(/[\s_\-]+/g, '_');
}

/** Lookups from the names found in records to knowledge-graph nodes. */
export class GraphIndex {
  private readonly params = new Map<string, ParameterSpec>();
  private readonly paramIds = new Map<string, ParameterSpec>();
  private readonly effects = new Map<string, NamedNode>();
  private readonly equipment = new Map<string, NamedNode>();
  private readonly causes = new Map<string, NamedNode>();
  readonly alarms = new Map<string, GraphSnapshot['alarms'][number]>();

  constructor(readonly graph: GraphSnapshot) {
    for (const p of graph.parameters) {
      this.paramIds.set(p.id, p);
      for (const a of [p.id, p.name, ...p.aliases]) this.params.set(normaliseName(a), p);
    }
    for (const e of graph.effects)
      for (const a of [e.id, e.name, ...e.aliases]) this.effects.set(normaliseName(a), strip(e));
    for (const e of graph.equipment) this.equipment.set(e.id, e);
    for (const c of graph.causes) this.causes.set(normaliseName(c.name), c);
    for (const a of graph.alarms) this.alarms.set(a.id, a);
  }

  parameter(tag: string): ParameterSpec | undefined {
    return this.params.get(normaliseName(tag));
  }
  parameterById(id: string): ParameterSpec | undefined {
    return this.paramIds.get(id);
  }
  effect(label: string): NamedNode | undefined {
    return this.effects.get(normaliseName(label));
  }
  cause(text: string): NamedNode | undefined {
    return this.causes.get(normaliseName(text));
  }
  /**
   * The equipment node for an asset path, or its nearest ancestor in the graph (`IMM-01/barrel/x` -> `IMM-01/barrel`).
   */
  equipmentFor(asset: string): NamedNode | undefined {
    const parts = asset.split('/');
    for (let k = parts.length; k > 0; k--) {
      const hit = this.equipment.get(parts.slice(0, k).join('/'));
      if (hit) return hit;
    }
    return undefined;
  }
}

function strip(n: NamedNode): NamedNode {
  return { id: n.id, name: n.name, name_zh: n.name_zh };
}
