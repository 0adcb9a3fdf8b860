import { AUDIENCES, STYLES } from '../../activities/expand/documents';
import { planJobs } from '../../activities/expand/jobs';
import { deriveFacts } from '../../activities/kinds/deriveFacts';
import { alarmEvents, GRAPH, RULE_GRAPH, ruleShots, samples, workOrders } from '../../test/fixtures/graph';

/** The expansion benchmark's facts and jobs (the test fixtures' facts in the full mix), the same in every process. */
export const BENCH_FACTS = [
  ...deriveFacts([...samples(100, new Set([10, 11, 12, 13])), ...alarmEvents(), ...workOrders()], GRAPH).facts,
  ...deriveFacts([ruleShots(4000)], RULE_GRAPH).facts,
];
export const BENCH_JOBS = planJobs(BENCH_FACTS, {
  styles: STYLES,
  audiences: AUDIENCES,
  languages: ['en', 'zh'],
  variants: STYLES.length,
  pairs: 20,
  triples: 10,
  bundleVariants: 3,
});
