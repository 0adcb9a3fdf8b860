import type { EventRecord, OperationRecord, SampleRecord, WorkOrderRecord } from '../parse/records';
import { eventChainFacts, type TimedEvent } from './eventChainFacts';
import { withId } from './factParts';
import type { Fact } from './facts';
import type { GraphSnapshot } from './graphSnapshot';
import { GraphIndex } from './linking';
import { maintenanceFacts } from './maintenanceFacts';
import { outOfSpecFacts } from './outOfSpecFacts';
import { thresholdRuleFacts, type RuleFactOptions } from './ruleFacts';
import { buildSeriesTables } from './seriesTable';
import { DEFAULT_MINE_OPTIONS } from './thresholdRules';

export interface DeriveOptions extends RuleFactOptions {
  /** fewest out-of-range samples that make an out-of-spec fact */
  minSupport: number;
  /** most `file:line` sources kept per fact (the evidence counts keep the totals) */
  maxSources: number;
}
export const DEFAULT_DERIVE_OPTIONS: DeriveOptions = {
  minSupport: 3, maxSources: 100, qualityLabel: 'quality', badQuality: ['NG', 'FAIL', 'REJECT', 'SCRAP', '不合格'],
  rules: { ...DEFAULT_MINE_OPTIONS, minPositives: 10, agreementTolerance: 0.05 },
};

export interface DeriveResult {
  facts: Fact[];
  /** measurements that could not be joined with the graph, by reason */
  unlinked: Record<string, number>;
}

/**
 * Join records with the knowledge graph and derive facts with evidence and provenance. Pure and deterministic.
 * Samples may come as batches (as record files hold them) or as single rows.
 */
export function deriveFacts(records: readonly (OperationRecord | SampleRecord)[], graph: GraphSnapshot, opts: DeriveOptions = DEFAULT_DERIVE_OPTIONS): DeriveResult {
  const index = new GraphIndex(graph);
  const unlinked: Record<string, number> = {};
  const tables = buildSeriesTables(records, index, unlinked);
  // events without a time (sources configured so) cannot be placed in a chain
  const events = records.filter((r): r is TimedEvent => r.kind === 'event' && r.ts !== null);
  const orders = records.filter((r): r is WorkOrderRecord => r.kind === 'work_order');
  const facts: Fact[] = [
    ...[...outOfSpecFacts(tables, events as EventRecord[], index, opts), ...eventChainFacts(events, index), ...maintenanceFacts(orders, index)].map(withId),
    ...thresholdRuleFacts(tables, index, opts),
  ];
  return { facts: facts.sort((a, b) => a.id.localeCompare(b.id)), unlinked };
}
