import { uniq } from './factParts';
import type { GraphAgreementFact, ThresholdRuleFact } from './facts';
import type { GraphIndex } from './linking';
import { tidy } from './ruleShapes';

/** Agreement of a single or band rule's thresholds with the graph's limits on the same side. */
export function agreements(
  rule: ThresholdRuleFact,
  index: GraphIndex,
  tolerance: number,
): Omit<GraphAgreementFact, 'id'>[] {
  const s = rule.statement;
  // a threshold that holds only together with another, or within one category, is no limit of its own
  if ((s.shape !== 'single' && s.shape !== 'band') || s.category) return [];
  const out: Omit<GraphAgreementFact, 'id'>[] = [];
  for (const c of s.conditions) {
    const spec = index.parameterById(c.parameter.id)!;
    const side = c.op === '>' ? 'upper' : 'lower';
    const limit = side === 'upper' ? spec.max : spec.min;
    if (limit === null) continue;
    const width = spec.min !== null && spec.max !== null && spec.max > spec.min ? spec.max - spec.min : Math.abs(limit);
    const tol = tidy(width * tolerance);
    const difference = tidy(c.threshold - limit);
    const inward = side === 'upper' ? -difference : difference; // > 0: the risk starts inside the range
    const reading =
      Math.abs(difference) <= tol ? 'limit_confirmed' : inward > 0 ? 'risk_inside_spec' : 'risk_beyond_spec';
    out.push({
      kind: 'graph_agreement',
      subject: uniq([spec.id, index.equipmentFor(s.asset.id)?.id]),
      statement: {
        parameter: c.parameter,
        asset: s.asset,
        side,
        spec_limit: limit,
        mined_threshold: c.threshold,
        difference,
        tolerance: tol,
        verdict: reading === 'limit_confirmed' ? 'confirms' : 'contradicts',
        reading,
        rule_fact: rule.id,
        outcome_rate_pct: { beyond: rule.evidence.confidence_pct, rest: rule.evidence.rest_rate_pct },
      },
      evidence: { n: rule.evidence.n, support: rule.evidence.support, lift: rule.evidence.lift },
      sources: rule.sources,
    });
  }
  return out;
}
