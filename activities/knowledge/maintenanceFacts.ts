import { round } from '../common/numbers';
import type { WorkOrderRecord } from '../parse/records';
import { named, src, uniq, uniqBy } from './factParts';
import type { MaintenanceFact, NamedNode } from './facts';
import type { GraphIndex } from './linking';
import { mean } from './stats';

/** Work orders grouped by cause: symptoms, the actions that fixed them, parts and downtime. */
export function maintenanceFacts(orders: readonly WorkOrderRecord[], index: GraphIndex): Omit<MaintenanceFact, 'id'>[] {
  const groups = new Map<string, WorkOrderRecord[]>();
  for (const o of orders) {
    const key = o.cause.trim().toLowerCase();
    groups.set(key, [...(groups.get(key) ?? []), o]);
  }
  const facts: Omit<MaintenanceFact, 'id'>[] = [];
  for (const [, list] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const equipment = uniqBy(
      list.map((o) => index.equipmentFor(o.asset)).filter((e): e is NamedNode => !!e),
      (e) => e.id,
    );
    const causeNode = index.cause(list[0].cause);
    const downtimes = list.map((o) => o.downtime_min).filter((d): d is number => d !== null);
    facts.push({
      kind: 'maintenance_pattern',
      subject: uniq([...equipment.map((e) => e.id), causeNode?.id]),
      statement: {
        cause: list[0].cause,
        cause_node: causeNode ? named(causeNode) : null,
        equipment: equipment.map(named),
        symptoms: uniq(list.map((o) => o.symptom)),
        actions: uniq(list.map((o) => o.action)),
        parts: uniq(list.map((o) => o.fields.parts).filter((p): p is string => !!p && p.toLowerCase() !== 'none')),
        downtime_min: downtimes.length
          ? { total: downtimes.reduce((a, b) => a + b, 0), mean: round(mean(downtimes), 1) }
          : null,
      },
      evidence: { n: list.length },
      sources: list.map(src),
    });
  }
  return facts;
}
