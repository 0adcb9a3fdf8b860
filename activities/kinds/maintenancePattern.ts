import { askFigure } from './probeCards';
import { maintenanceEn, maintenanceZh } from './maintenanceTemplates';
import { withId } from '../knowledge/factParts';
import { maintenanceFacts } from '../knowledge/maintenanceFacts';
import { MaintenanceFact } from '../knowledge/facts';
import type { KindSpec } from './kindSpec';

/** Work orders with one cause: symptoms, fixes, parts and downtime (maintenanceFacts.ts mines it). */
export const maintenancePattern: KindSpec<typeof MaintenanceFact> = {
  schema: MaintenanceFact,
  mine: ({ orders, index }) => ({ facts: maintenanceFacts(orders, index).map(withId) }),
  identity: ({ statement: s }) => [s.cause, s.cause_node?.id ?? null],
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
