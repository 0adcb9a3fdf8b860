import { z } from 'zod';
import { FactBase, FailureModeRef, NamedNode, OutcomeSpec, ParameterRef, RuleCondition } from './factRefs';

export { FailureModeRef, NamedNode, OutcomeSpec, ParameterRef, RuleCondition } from './factRefs';

/** How often a parameter left its recommended range, what that did to quality, and what the graph links to it. */
export const OutOfSpecStatement = z.object({
  parameter: ParameterRef,
  asset: NamedNode,
  direction: z.enum(['above', 'below']),
  limit: z.number(),
  spec: z.object({ min: z.number().nullable(), max: z.number().nullable(), target: z.number().nullable() }),
  observed: z.object({ extreme: z.number(), mean_out: z.number() }),
  outcome: z
    .object({
      ng_rate_out_pct: z.number(),
      ng_rate_in_pct: z.number(),
      risk_ratio: z.number().nullable(),
      main_defect: NamedNode.extend({ n: z.number() }).nullable(),
    })
    .nullable(),
  failure_modes: z.array(FailureModeRef),
  alarms: z.array(NamedNode),
});

/** An alarm's episodes: raised, what operators did while it was active, whether it cleared, and how long that took. */
export const EventChainStatement = z.object({
  alarm: NamedNode,
  asset: z.string(),
  parameter: NamedNode.extend({ unit: z.string() }).nullable(),
  episodes: z.number().int(),
  raised: z.number().int(),
  unresolved: z.number().int(),
  duration_min: z.object({ mean: z.number(), max: z.number() }).nullable(),
  /**
   * what was logged while the alarm was active (by template), in how many episodes, and how often the episode then
   * cleared
   */
  actions: z.array(
    z.object({
      text: z.string(),
      episodes: z.number().int(),
      recovered: z.number().int(),
      /** mean minutes from the action to the clear, over the episodes that cleared */
      clear_min_mean: z.number().nullable(),
    }),
  ),
});

/** Work orders with one cause: their symptoms, the actions that fixed them, parts and downtime. */
export const MaintenanceStatement = z.object({
  cause: z.string(),
  cause_node: NamedNode.nullable(),
  equipment: z.array(NamedNode),
  /** a work order without a symptom and an action is quarantined, so a group has at least one of each */
  symptoms: z.array(z.string().min(1)).min(1),
  actions: z.array(z.string().min(1)).min(1),
  parts: z.array(z.string()),
  downtime_min: z.object({ total: z.number(), mean: z.number() }).nullable(),
});

/**
 * Where an outcome becomes much more likely: one condition, outside an interval (below a or above b:
 * `any`), inside one (above a and below b), or two conditions together (`all`) - each possibly within one
 * category of a text column (`category`: thresholds per variant), or the category alone. Mined from the
 * data alone; the graph's specs are not used to find it.
 */
export const ThresholdRuleStatement = z.object({
  asset: NamedNode,
  shape: z.enum(['single', 'band', 'interval', 'conjunction', 'category']),
  combine: z.enum(['all', 'any']),
  conditions: z.array(RuleCondition).max(2),
  category: z.object({ column: z.string(), value: z.string() }).nullable(),
  outcome: z.object({
    /** the label column and the values that count as the outcome, what it means and its graph node */
    label: z.string(),
    values: z.array(z.string()),
    meaning: OutcomeSpec.shape.meaning.removeDefault(),
    node: NamedNode.nullable(),
    main_defect: NamedNode.extend({ n: z.number().int() }).nullable(),
  }),
  /** failure modes the graph links to a parameter of the rule in the rule's direction */
  failure_modes: z.array(FailureModeRef),
});

/** A mined threshold set beside the graph's recommended limit for the same parameter and side. */
export const GraphAgreementStatement = z.object({
  parameter: ParameterRef,
  asset: NamedNode,
  side: z.enum(['upper', 'lower']),
  spec_limit: z.number(),
  mined_threshold: z.number(),
  /** mined minus spec, in the parameter's unit */
  difference: z.number(),
  tolerance: z.number(),
  verdict: z.enum(['confirms', 'contradicts']),
  /** contradicts in which way: the risk rises already inside the recommended range, or only well beyond it */
  reading: z.enum(['limit_confirmed', 'risk_inside_spec', 'risk_beyond_spec']),
  rule_fact: z.string(),
  outcome_rate_pct: z.object({ beyond: z.number(), rest: z.number() }),
});

/**
 * The registered kinds' fact schemas (a fact is its kind, the FactBase fields, a statement and its evidence). The
 * union of every registered kind, `Fact`, is built by the kinds' registry (kinds/index.ts) from each kind's schema;
 * a new kind may define its schema in its own module instead of here.
 */
export const OutOfSpecFact = z.object({
  kind: z.literal('out_of_spec'),
  ...FactBase,
  statement: OutOfSpecStatement,
  evidence: z.object({
    n: z.number().int(),
    n_out: z.number().int(),
    rate_pct: z.number(),
    ci_level_pct: z.number(),
    ci_pct: z.tuple([z.number(), z.number()]),
    n_ng_out: z.number().int(),
    n_ng_in: z.number().int(),
  }),
});
export type OutOfSpecFact = z.infer<typeof OutOfSpecFact>;

export const EventChainFact = z.object({
  kind: z.literal('event_chain'),
  ...FactBase,
  statement: EventChainStatement,
  evidence: z.object({ n: z.number().int(), events: z.number().int() }),
});
export type EventChainFact = z.infer<typeof EventChainFact>;

export const MaintenanceFact = z.object({
  kind: z.literal('maintenance_pattern'),
  ...FactBase,
  statement: MaintenanceStatement,
  evidence: z.object({ n: z.number().int() }),
});
export type MaintenanceFact = z.infer<typeof MaintenanceFact>;

export const ThresholdRuleFact = z.object({
  kind: z.literal('threshold_rule'),
  ...FactBase,
  statement: ThresholdRuleStatement,
  evidence: z.object({
    /** rows with a known outcome; rows the rule covers; covered rows with the outcome */
    n: z.number().int(),
    support: z.number().int(),
    positives: z.number().int(),
    confidence_pct: z.number(),
    rest_rate_pct: z.number(),
    base_rate_pct: z.number(),
    lift: z.number(),
    ci_level_pct: z.number(),
    ci_pct: z.tuple([z.number(), z.number()]),
    recall_pct: z.number(),
    p_value: z.number(),
    q_value: z.number(),
    candidates_tested: z.number().int(),
    /** no covered row without the outcome: a deterministic rule */
    exact: z.boolean(),
    /** rules nearly as good when this one was chosen, not kept */
    alternatives: z.array(z.string()),
    method: z.string(),
    /** released with differential privacy: the run's epsilon and the Laplace scale of each count; null when not */
    privacy: z.object({ epsilon: z.number(), noise_scale: z.number() }).nullable().default(null),
  }),
});
export type ThresholdRuleFact = z.infer<typeof ThresholdRuleFact>;

export const GraphAgreementFact = z.object({
  kind: z.literal('graph_agreement'),
  ...FactBase,
  statement: GraphAgreementStatement,
  evidence: z.object({ n: z.number().int(), support: z.number().int(), lift: z.number() }),
});
export type GraphAgreementFact = z.infer<typeof GraphAgreementFact>;
