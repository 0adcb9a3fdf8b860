import { z } from 'zod';
import { FactBase, NamedNode } from '../knowledge/factRefs';
import { askFigure } from '../corpus/probeCards';
import { maintenanceEn, maintenanceZh } from '../expand/offlineMaintenance';
import { withId } from '../knowledge/factParts';
import { maintenanceFacts } from '../knowledge/maintenanceFacts';
import type { KindSpec } from './kindSpec';

/** Work orders with one cause: their symptoms, the actions that fixed them, parts and downtime. */
const MaintenanceStatement = z.object({
  cause: z.string(),
  cause_node: NamedNode.nullable(),
  equipment: z.array(NamedNode),
  /** a work order without a symptom and an action is quarantined, so a group has at least one of each */
  symptoms: z.array(z.string().min(1)).min(1),
  actions: z.array(z.string().min(1)).min(1),
  parts: z.array(z.string()),
  downtime_min: z.object({ total: z.number(), mean: z.number() }).nullable(),
});

/** The fact (the `Fact` union's member of kind maintenance_pattern, facts.ts). */
export const MaintenanceFact = z.object({
  kind: z.literal('maintenance_pattern'),
  ...FactBase,
  statement: MaintenanceStatement,
  evidence: z.object({ n: z.number().int() }),
});
export type MaintenanceFact = z.infer<typeof MaintenanceFact>;

/** Work orders with one cause: symptoms, fixes, parts and downtime (maintenanceFacts.ts mines it). */
export const maintenancePattern: KindSpec<typeof MaintenanceFact> = {
  schema: MaintenanceFact,
  mine: ({ orders, index }) => ({ facts: maintenanceFacts(orders, index).map(withId) }),
  privateRelease: false,
  title: ({ statement: s }, lang) => {
    const c = s.cause_node;
    return lang === 'en' ? `work orders for ${c?.name ?? s.cause}` : `“${c?.name_zh ?? s.cause}”相关的维修工单`;
  },
  topic: ({ statement: s }, lang) => {
    const c = s.cause_node;
    return c ? (lang === 'zh' ? c.name_zh : c.name) : s.cause;
  },
  templates: { en: maintenanceEn, zh: maintenanceZh },
  asks: ({ statement: s }) => {
    if (!s.downtime_min) return [];
    const what = s.cause_node ?? { name: s.cause, name_zh: s.cause };
    return [
      askFigure(
        'downtime',
        [`repair | ${what.name}`, 'mean downtime, min'],
        [`维修｜${what.name_zh}`, '平均停机（分钟）'],
        s.downtime_min.mean,
        'min',
      ),
    ];
  },
};
