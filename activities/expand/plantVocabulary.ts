import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { GraphSnapshot } from '../knowledge/graphSnapshot';

/**
 * The plant's names, as the knowledge graph holds them: parameters, equipment, effects, causes, failure modes and
 * alarms, each with its names in both languages and its aliases. A text about a fact that names a plant thing
 * outside the fact's own subgraph makes a claim the fact does not (filter `grounded`). Process steps and actions
 * are left out: naming a stage ("cooling") or a generic act is no claim about a part.
 * Written by the knowledge stage beside facts.jsonl (`plant.json`), read by the expansion batches.
 */
export const PlantTerm = z.object({
  id: z.string(),
  kind: z.enum(['parameter', 'equipment', 'effect', 'cause', 'failure_mode', 'alarm']),
  names: z.array(z.string().min(1)).min(1),
});
export type PlantTerm = z.infer<typeof PlantTerm>;
export const PlantVocabulary = z.array(PlantTerm);
export type PlantVocabulary = z.infer<typeof PlantVocabulary>;

export const plantVocabularyPath = (factsDir: string) => join(factsDir, 'plant.json');

/** The vocabulary written beside a run's facts; empty when there is none (a run without a graph). */
export async function readPlantVocabulary(factsPath: string): Promise<PlantVocabulary> {
  let text: string;
  try {
    text = await readFile(plantVocabularyPath(dirname(factsPath)), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return PlantVocabulary.parse(JSON.parse(text));
}

/** The vocabulary of a graph snapshot, each node once. */
export function plantVocabulary(graph: GraphSnapshot): PlantVocabulary {
  const out = new Map<string, PlantTerm>();
  const add = (kind: PlantTerm['kind'], n: { id: string; name: string; name_zh: string }, aliases: string[] = []) => {
    const t = out.get(n.id) ?? { id: n.id, kind, names: [] };
    t.names = [...new Set([...t.names, n.name, n.name_zh, ...aliases].filter((x) => x.trim().length >= 2))];
    if (t.names.length) out.set(n.id, t);
  };
  for (const p of graph.parameters) {
    add('parameter', p, p.aliases);
    for (const f of p.failure_modes) {
      add('failure_mode', f);
      f.causes.forEach((c) => add('cause', c));
      f.effects.forEach((e) => add('effect', e));
    }
    p.alarms.forEach((a) => add('alarm', a));
  }
  graph.equipment.forEach((e) => add('equipment', e));
  graph.effects.forEach((e) => add('effect', e, e.aliases));
  graph.causes.forEach((c) => add('cause', c));
  graph.alarms.forEach((a) => add('alarm', a));
  return [...out.values()].sort((a, b) => a.id.localeCompare(b.id));
}
