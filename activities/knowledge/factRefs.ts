import { z } from 'zod';

/** The parts facts of every kind are built from (each kind's schema: activities/kinds/<kind>.ts). */

/** A knowledge-graph node as a fact names it: id plus English and Chinese names. */
export const NamedNode = z.object({ id: z.string(), name: z.string(), name_zh: z.string() });
export type NamedNode = z.infer<typeof NamedNode>;

export const FailureModeRef = NamedNode.extend({
  severity: z.number().nullable(),
  effects: z.array(NamedNode),
  causes: z.array(NamedNode),
  actions: z.array(NamedNode),
});

/** A parameter as a fact names it: its unit as written in text, and the formula when it is a derived quantity. */
export const ParameterRef = NamedNode.extend({ unit: z.string(), formula: z.string().nullable() });

export const RuleCondition = z.object({ parameter: ParameterRef, op: z.enum(['>', '<']), threshold: z.number() });

/**
 * An outcome rules are mined for (config `facts.outcomes`): a label column, the values that mean it, what
 * it means (texts speak of rejected parts, failures or alarms) and its graph node (a failure mode or an
 * effect, by id or name), whose failure mode, effects and actions the rule's facts carry.
 */
export const OutcomeSpec = z
  .object({
    label: z.string().min(1),
    values: z.array(z.string().min(1)).min(1).default(['1']),
    meaning: z.enum(['quality_reject', 'failure', 'alarm']).default('failure'),
    node: z.string().min(1).nullable().default(null),
  })
  .strict();
export type OutcomeSpec = z.infer<typeof OutcomeSpec>;

/** What every fact has besides its kind, statement and evidence. */
export const FactBase = {
  id: z.string(),
  /** knowledge-graph node ids the fact is about */
  subject: z.array(z.string()),
  /** `file:line` of the raw lines behind the fact */
  sources: z.array(z.string()),
};
