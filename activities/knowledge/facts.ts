import { z } from 'zod';
import { FACT_SCHEMAS } from '../kinds';

export { FailureModeRef, NamedNode, OutcomeSpec, ParameterRef, RuleCondition } from './factRefs';
export type { EventChainFact } from '../kinds/eventChain';
export type { GraphAgreementFact } from '../kinds/graphAgreement';
export type { MaintenanceFact } from '../kinds/maintenancePattern';
export type { OutOfSpecFact } from '../kinds/outOfSpec';
export type { ThresholdRuleFact } from '../kinds/thresholdRule';

/**
 * A fact (**contract**: `facts.jsonl`, the graph's Fact nodes, every job's input): one of the registered kinds
 * (activities/kinds/index.ts), each schema in its kind's module.
 */
export const Fact = z.discriminatedUnion('kind', FACT_SCHEMAS);
export type Fact = z.infer<typeof Fact>;
export type FactKind = Fact['kind'];
