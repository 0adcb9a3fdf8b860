import type { RuleFactOptions } from './ruleFacts';
import { DEFAULT_MINE_OPTIONS } from './thresholdRules';

/** How facts are derived (config `facts`): the rule miner's options and the out-of-spec thresholds. */
export interface DeriveOptions extends RuleFactOptions {
  /** fewest out-of-range samples that make an out-of-spec fact */
  minSupport: number;
  /** most `file:line` sources kept per fact (the evidence counts keep the totals) */
  maxSources: number;
}
export const DEFAULT_DERIVE_OPTIONS: DeriveOptions = {
  minSupport: 3,
  maxSources: 100,
  qualityLabel: 'quality',
  badQuality: ['NG', 'FAIL', 'REJECT', 'SCRAP', '不合格'],
  outcomes: [],
  privacy: null,
  rules: { ...DEFAULT_MINE_OPTIONS, minPositives: 10, agreementTolerance: 0.05 },
};
