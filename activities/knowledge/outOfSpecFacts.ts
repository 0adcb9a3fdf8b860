import { round } from '../common/numbers';
import { alarmLines, type ChainLedger } from './eventChainFacts';
import { assetNode, named, parameterRef, uniq } from './factParts';
import type { NamedNode, OutOfSpecFact } from './facts';
import type { GraphIndex } from './linking';
import { rowSource, type SeriesTable } from './seriesTable';
import { mean, wilsonInterval } from './stats';
import { tidy } from './thresholdRules';

export interface OutOfSpecOptions {
  /** fewest out-of-range samples that make a fact */
  minSupport: number;
  maxSources: number;
  /** the label column that says whether a part is good, and its values for a bad one */
  qualityLabel: string;
  badQuality: string[];
}

/** Whether each row is bad (true), good (false) or not labelled (null), by the quality label. */
export function qualityOutcome(
  t: SeriesTable,
  opts: Pick<OutOfSpecOptions, 'qualityLabel' | 'badQuality'>,
): (boolean | null)[] | null {
  const col = t.labels.get(opts.qualityLabel);
  if (!col) return null;
  const bad = new Set(opts.badQuality.map((v) => v.trim().toUpperCase()));
  return col.map((v) => (v.trim() === '' ? null : bad.has(v.trim().toUpperCase())));
}

/** The graph node of the most frequent defect label among the given rows. */
export function mainDefect(
  t: SeriesTable,
  rows: readonly number[],
  index: GraphIndex,
): (NamedNode & { n: number }) | null {
  const col = t.labels.get('defect');
  if (!col) return null;
  const defects = new Map<string, { node: NamedNode; n: number }>();
  for (const i of rows) {
    const node = col[i] ? index.effect(col[i]) : undefined;
    if (node) defects.set(node.id, { node, n: (defects.get(node.id)?.n ?? 0) + 1 });
  }
  const main = [...defects.values()].sort((a, b) => b.n - a.n || a.node.id.localeCompare(b.node.id))[0];
  return main ? { ...main.node, n: main.n } : null;
}

/** How often each parameter left its recommended range, what that did to quality, and what the graph links to it. */
export function outOfSpecFacts(
  tables: readonly SeriesTable[],
  chains: ChainLedger,
  index: GraphIndex,
  opts: OutOfSpecOptions,
): Omit<OutOfSpecFact, 'id'>[] {
  const facts: Omit<OutOfSpecFact, 'id'>[] = [];
  for (const t of tables) {
    const quality = qualityOutcome(t, opts);
    const equipment = index.equipmentFor(t.asset);
    for (const id of [...t.columns.keys()].sort()) {
      const spec = index.parameterById(id)!;
      const x = t.columns.get(id)!;
      const rows = x.flatMap((v, i) => (Number.isFinite(v) ? [i] : []));
      for (const direction of ['above', 'below'] as const) {
        const limit = direction === 'above' ? spec.max : spec.min;
        if (limit === null) continue;
        const out = rows.filter((i) => (direction === 'above' ? x[i] > limit : x[i] < limit));
        if (out.length < opts.minSupport) continue;
        const inRange = rows.filter(
          (i) => (spec.min === null || x[i] >= spec.min) && (spec.max === null || x[i] <= spec.max),
        );
        const ngOut = quality ? out.filter((i) => quality[i]) : [];
        const ngIn = quality ? inRange.filter((i) => quality[i]) : [];
        const rateOut = ngOut.length / out.length;
        const rateIn = inRange.length ? ngIn.length / inRange.length : 0;
        const main = quality ? mainDefect(t, ngOut, index) : null;
        const [lo, hi] = wilsonInterval(out.length, rows.length);
        const modes = spec.failure_modes.filter((m) => m.direction === direction).map(({ direction: _d, ...m }) => m);
        const alarms = spec.alarms.filter((a) => a.direction === direction).map(named);
        const alarmIds = new Set(alarms.map((a) => a.id));
        const values = out.map((i) => x[i]);
        facts.push({
          kind: 'out_of_spec',
          subject: uniq([spec.id, equipment?.id, ...modes.map((m) => m.id), main?.id, ...alarms.map((a) => a.id)]),
          statement: {
            parameter: parameterRef(spec),
            asset: assetNode(t.asset, index),
            direction,
            limit,
            spec: { min: spec.min, max: spec.max, target: spec.target },
            observed: {
              extreme: tidy(values.reduce((a, b) => (direction === 'above' ? Math.max(a, b) : Math.min(a, b)))),
              mean_out: round(mean(values), 1),
            },
            outcome: quality
              ? {
                  ng_rate_out_pct: round(100 * rateOut, 1),
                  ng_rate_in_pct: round(100 * rateIn, 1),
                  risk_ratio: rateIn > 0 ? round(rateOut / rateIn, 1) : null,
                  main_defect: main,
                }
              : null,
            failure_modes: modes,
            alarms,
          },
          evidence: {
            n: rows.length,
            n_out: out.length,
            rate_pct: round((100 * out.length) / rows.length, 1),
            ci_level_pct: 95,
            ci_pct: [round(100 * lo, 1), round(100 * hi, 1)],
            n_ng_out: ngOut.length,
            n_ng_in: ngIn.length,
          },
          sources: [
            ...out.slice(0, opts.maxSources).map((i) => rowSource(t, i)),
            ...[...alarmIds].flatMap((code) => alarmLines(chains, t.asset, code)).slice(0, opts.maxSources),
          ],
        });
      }
    }
  }
  return facts;
}
