import { z } from 'zod';

/** A knowledge-graph node as a fact names it: id plus English and Chinese names. */
export const NamedNode = z.object({ id: z.string(), name: z.string(), name_zh: z.string() });
export type NamedNode = z.infer<typeof NamedNode>;

export const FailureModeRef = NamedNode.extend({
  severity: z.number().nullable(),
  effects: z.array(NamedNode),
  causes: z.array(NamedNode),
  actions: z.array(NamedNode),
});

/** How often a parameter left its recommended range, what that did to quality, and what the graph links to it. */
export const OutOfSpecStatement = z.object({
  parameter: NamedNode.extend({ unit: z.string() }),
  asset: NamedNode,
  direction: z.enum(['above', 'below']),
  limit: z.number(),
  spec: z.object({ min: z.number(), max: z.number(), target: z.number().nullable() }),
  observed: z.object({ extreme: z.number(), mean_out: z.number() }),
  outcome: z.object({
    ng_rate_out_pct: z.number(),
    ng_rate_in_pct: z.number(),
    risk_ratio: z.number().nullable(),
    main_defect: NamedNode.extend({ n: z.number() }).nullable(),
  }).nullable(),
  failure_modes: z.array(FailureModeRef),
  alarms: z.array(NamedNode),
});

/** An alarm's episodes: raised, what was logged while it was active, cleared, and how long that took. */
export const EventChainStatement = z.object({
  alarm: NamedNode,
  asset: z.string(),
  parameter: NamedNode.extend({ unit: z.string() }).nullable(),
  episodes: z.number().int(),
  raised: z.number().int(),
  unresolved: z.number().int(),
  duration_min: z.object({ mean: z.number(), max: z.number() }).nullable(),
  actions_logged: z.array(z.string()),
});

/** Work orders with one cause: their symptoms, the actions that fixed them, parts and downtime. */
export const MaintenanceStatement = z.object({
  cause: z.string(),
  cause_node: NamedNode.nullable(),
  equipment: z.array(NamedNode),
  symptoms: z.array(z.string()),
  actions: z.array(z.string()),
  parts: z.array(z.string()),
  downtime_min: z.object({ total: z.number(), mean: z.number() }).nullable(),
});

const FactBase = {
  id: z.string(),
  /** knowledge-graph node ids the fact is about */
  subject: z.array(z.string()),
  /** `file:line` of the raw lines behind the fact */
  sources: z.array(z.string()),
};

export const Fact = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('out_of_spec'), ...FactBase, statement: OutOfSpecStatement,
    evidence: z.object({ n: z.number().int(), n_out: z.number().int(), rate_pct: z.number(), ci_level_pct: z.number(), ci_pct: z.tuple([z.number(), z.number()]), n_ng_out: z.number().int(), n_ng_in: z.number().int() }),
  }),
  z.object({
    kind: z.literal('event_chain'), ...FactBase, statement: EventChainStatement,
    evidence: z.object({ n: z.number().int(), events: z.number().int() }),
  }),
  z.object({
    kind: z.literal('maintenance_pattern'), ...FactBase, statement: MaintenanceStatement,
    evidence: z.object({ n: z.number().int() }),
  }),
]);
export type Fact = z.infer<typeof Fact>;
export type FactKind = Fact['kind'];
export type OutOfSpecFact = Extract<Fact, { kind: 'out_of_spec' }>;
export type EventChainFact = Extract<Fact, { kind: 'event_chain' }>;
export type MaintenanceFact = Extract<Fact, { kind: 'maintenance_pattern' }>;
