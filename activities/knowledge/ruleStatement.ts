import { round } from '../common/numbers';
import { assetNode, parameterRef, uniq } from './factParts';
import type { NamedNode, OutcomeSpec, ThresholdRuleFact } from './facts';
import { normaliseName, type GraphIndex } from './linking';
import type { Condition, RuleShape } from './ruleShapes';
import type { SeriesTable } from './seriesTable';

/** What a threshold-rule fact says - its conditions, outcome and failure modes - however it was mined. */
function conditionsOf(shape: RuleShape): { combine: 'all' | 'any'; conditions: Condition[] } {
  switch (shape.kind) {
    case 'single':
      return { combine: 'all', conditions: [shape.condition] };
    case 'band':
      return {
        combine: 'any',
        conditions: [
          { feature: shape.feature, op: '<', threshold: shape.below },
          { feature: shape.feature, op: '>', threshold: shape.above },
        ],
      };
    case 'interval':
      return {
        combine: 'all',
        conditions: [
          { feature: shape.feature, op: '>', threshold: shape.above },
          { feature: shape.feature, op: '<', threshold: shape.below },
        ],
      };
    case 'conjunction':
      return { combine: 'all', conditions: shape.conditions };
    case 'category':
      return { combine: 'all', conditions: [] };
  }
}

/** The graph failure mode an outcome names (by id or name), without the direction it has on a parameter. */
function outcomeFailureMode(spec: OutcomeSpec, index: GraphIndex) {
  if (!spec.node) return undefined;
  const found = index.graph.parameters
    .flatMap((p) => p.failure_modes)
    .find((m) => m.id === spec.node || normaliseName(m.name) === normaliseName(spec.node!));
  if (!found) return undefined;
  const { direction: _d, ...mode } = found;
  return mode;
}

/**
 * The failure modes a rule names: its outcome's failure mode, else those the graph links to its parameters in its
 * direction (quality rejects only).
 */
function failureModesOf(conditions: Condition[], spec: OutcomeSpec, index: GraphIndex) {
  const mode = outcomeFailureMode(spec, index);
  if (mode) return [mode];
  if (spec.meaning !== 'quality_reject') return [];
  return conditions.flatMap((c) =>
    index
      .parameterById(c.feature)!
      .failure_modes.filter((m) => m.direction === (c.op === '>' ? 'above' : 'below'))
      .map(({ direction: _x, ...m }) => m),
  );
}

/** The outcome's graph node: a failure mode or an effect, by id or name. */
function outcomeNode(spec: OutcomeSpec, index: GraphIndex): NamedNode | null {
  const node = outcomeFailureMode(spec, index) ?? (spec.node ? index.effect(spec.node) : undefined);
  return node ? { id: node.id, name: node.name, name_zh: node.name_zh } : null;
}

/** The statement and subjects of a rule's fact (what it says, whichever way it was mined). */
export function ruleStatement(
  t: SeriesTable,
  index: GraphIndex,
  shape: RuleShape,
  spec: OutcomeSpec,
  main: ThresholdRuleFact['statement']['outcome']['main_defect'],
) {
  const { combine, conditions } = conditionsOf(shape);
  const modes = failureModesOf(conditions, spec, index);
  const node = outcomeNode(spec, index);
  return {
    kind: 'threshold_rule' as const,
    subject: uniq([
      ...conditions.map((c) => c.feature),
      index.equipmentFor(t.asset)?.id,
      node?.id,
      ...modes.map((m) => m.id),
      main?.id,
    ]),
    statement: {
      asset: assetNode(t.asset, index),
      shape: shape.kind,
      combine,
      conditions: conditions.map((c) => ({
        parameter: parameterRef(index.parameterById(c.feature)!),
        op: c.op,
        threshold: c.threshold,
      })),
      category: shape.category ?? null,
      outcome: { label: spec.label, values: spec.values, meaning: spec.meaning, node, main_defect: main },
      failure_modes: modes.filter((m, k) => modes.findIndex((x) => x.id === m.id) === k),
    },
  };
}

export const pct = (x: number) => round(100 * x, 1);
