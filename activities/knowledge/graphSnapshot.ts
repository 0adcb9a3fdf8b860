import { z } from 'zod';
import { deriveColumns } from './derivedQuantities';
import { FailureModeRef, NamedNode } from './factRefs';

/** What fact derivation needs from the knowledge graph, read once per run and validated at the boundary. */
export const ParameterSpec = NamedNode.extend({
  /** UCUM code (or a spelling units.ts reads as one) */
  unit: z.string(),
  /** the recommended range; either side may be open */
  min: z.number().nullable(),
  max: z.number().nullable(),
  target: z.number().nullable(),
  /** a derived quantity: a formula over other parameters' ids, in their units */
  formula: z.string().nullable().default(null),
  aliases: z.array(z.string()),
  failure_modes: z.array(FailureModeRef.extend({ direction: z.string() })),
  alarms: z.array(NamedNode.extend({ direction: z.string().nullable() })),
});
export type ParameterSpec = z.infer<typeof ParameterSpec>;

export const GraphSnapshot = z.object({
  parameters: z.array(ParameterSpec),
  equipment: z.array(NamedNode),
  effects: z.array(NamedNode.extend({ aliases: z.array(z.string()) })),
  causes: z.array(NamedNode),
  alarms: z.array(NamedNode.extend({ parameter: z.string().nullable() })),
});
export type GraphSnapshot = z.infer<typeof GraphSnapshot>;

/**
 * Check what fact derivation will rely on: every formula parses, reads only parameters of the graph and
 * builds on no formula that builds on it. Throws an error naming the parameter and the problem.
 */
export function checkGraphFormulas(graph: GraphSnapshot): void {
  const measured = graph.parameters.filter((p) => !p.formula);
  const formulas = graph.parameters.filter((p) => p.formula).map((p) => ({ id: p.id, formula: p.formula! }));
  deriveColumns(Object.fromEntries(measured.map((p) => [p.id, []])), formulas);
}
