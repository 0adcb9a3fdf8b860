import { numbersIn } from '../common/numbers';
import type { Fact } from '../kinds';

/**
 * The figures a fact states, each with the role it plays and its unit: what a text must keep together when it
 * uses the figure (a limit stays a limit, seconds stay seconds). Read from the statement's structure, so every
 * fact kind gets them: a number's role is named by its key, its unit by the parameter it belongs to, or by the
 * key itself (`*_pct` percent, `*_min` minutes).
 */
export type Role =
  | 'limit'
  | 'threshold'
  | 'target'
  | 'extreme'
  | 'mean'
  | 'beyond'
  | 'rest'
  | 'lift'
  | 'risk'
  | 'tolerance'
  | 'difference';
export interface FactValue {
  value: number;
  role: Role | null;
  /** a figure inside one of the fact's texts (a work order's "back to 480 bar"), not a field of its own */
  inText: boolean;
  /** the unit in a canonical spelling (unitKey), or null when the figure has none */
  unit: string | null;
}

const ROLE_OF_KEY: Record<string, Role> = {
  limit: 'limit',
  min: 'limit',
  max: 'limit',
  spec_limit: 'limit',
  threshold: 'threshold',
  mined_threshold: 'threshold',
  target: 'target',
  extreme: 'extreme',
  mean_out: 'mean',
  mean: 'mean',
  rest: 'rest',
  beyond: 'beyond',
  ng_rate_out_pct: 'beyond',
  confidence_pct: 'beyond',
  ng_rate_in_pct: 'rest',
  rest_rate_pct: 'rest',
  lift: 'lift',
  risk_ratio: 'risk',
  tolerance: 'tolerance',
  difference: 'difference',
};
/** Keys whose numbers are in the parameter's unit. */
const IN_PARAMETER_UNIT = new Set([
  'limit',
  'min',
  'max',
  'target',
  'extreme',
  'mean_out',
  'spec_limit',
  'threshold',
  'mined_threshold',
  'difference',
  'tolerance',
]);

/** Units as texts spell them, to one spelling per unit (both languages). */
const UNIT_SPELLINGS: [RegExp, string][] = [
  [/^(?:°\s?C|℃|degC|deg C|Cel|degrees? C(?:elsius)?)$/i, '°C'],
  [/^(?:°\s?F|℉|degF)$/i, '°F'],
  [/^(?:%|％|percent|per cent)$/i, '%'],
  [/^(?:min|mins|minutes?|分钟|分)$/i, 'min'],
  [/^(?:s|sec|secs|seconds?|秒|秒钟)$/i, 's'],
  [/^(?:h|hr|hrs|hours?|小时|个小时)$/i, 'h'],
  [/^(?:ms|milliseconds?|毫秒)$/i, 'ms'],
  [/^(?:bar|巴)$/i, 'bar'],
  [/^(?:mm|millimet(?:re|er)s?|毫米)$/i, 'mm'],
  [/^(?:kN|kilonewtons?)$/i, 'kN'],
  [/^(?:MPa)$/i, 'MPa'],
  [/^(?:kW)$/i, 'kW'],
  [/^(?:K|kelvin)$/, 'K'],
];
export function unitKey(spelling: string): string | null {
  const s = spelling.trim();
  for (const [re, key] of UNIT_SPELLINGS) if (re.test(s)) return key;
  return null;
}

/** A number with a unit after it, in a text (ranges give the unit to both ends: `400-600 bar`, `27 to 33 s`). */
const UNIT_WORD =
  String.raw`°\s?[CF]|℃|℉|degC|degF|%|％|percent|minutes?|mins?|seconds?|secs?|hours?|hrs?|ms|bar|mm|kN|MPa|kW|K|s|h` +
  String.raw`|分钟|秒钟|秒|小时|毫米|巴`;
const NUM = String.raw`(\d+(?:\.\d+)?)`;
const WITH_UNIT = new RegExp(
  String.raw`(?<![\w.-])${NUM}(?:\s?(?:-|–|~|to|至|到)\s?${NUM})?\s?(${UNIT_WORD})(?![A-Za-z])`,
  'g',
);

/** Every number of a text that carries a unit, with the unit's canonical spelling and where it stands. */
export function numbersWithUnits(text: string): { value: number; unit: string; at: number; raw: string }[] {
  const out: { value: number; unit: string; at: number; raw: string }[] = [];
  for (const m of text.matchAll(WITH_UNIT)) {
    const unit = unitKey(m[3]);
    if (!unit) continue;
    out.push({ value: Number(m[1]), unit, at: m.index, raw: m[0] });
    if (m[2] !== undefined) out.push({ value: Number(m[2]), unit, at: m.index, raw: m[0] });
  }
  return out;
}

/** The figures of a fact's statement and evidence, with roles and units. */
export function factValues(fact: Fact): FactValue[] {
  const out: FactValue[] = [];
  /** `unit`: the parameter's unit here; `forced`: the unit a key above gave every number below (`*_pct`, `*_min`) */
  const visit = (v: unknown, key: string, unit: string | null, forced: string | null): void => {
    if (typeof v === 'number') {
      const u = forced ?? (IN_PARAMETER_UNIT.has(key) ? unit : PCT.test(key) ? '%' : MIN.test(key) ? 'min' : null);
      // a duration's max is its longest, not a limit
      const role = forced === 'min' && key === 'max' ? 'extreme' : (ROLE_OF_KEY[key] ?? null);
      out.push({ value: v, role, unit: u, inText: false });
    } else if (typeof v === 'string') {
      // figures inside the facts' texts ("hold pressure back to 480 bar", "6 degC above")
      for (const n of numbersWithUnits(v)) out.push({ value: n.value, role: null, unit: n.unit, inText: true });
      for (const n of numbersIn(v)) out.push({ value: n, role: null, unit: null, inText: true });
    } else if (Array.isArray(v)) v.forEach((x) => visit(x, key, unit, forced));
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      const param = o.parameter as { unit?: unknown } | null | undefined;
      const own = typeof o.unit === 'string' ? o.unit : typeof param?.unit === 'string' ? param.unit : null;
      const here = own ? (unitKey(own) ?? own) : unit;
      for (const [k, x] of Object.entries(o)) {
        const nested = !!x && typeof x === 'object';
        visit(x, k, here, forced ?? (nested && PCT.test(k) ? '%' : nested && MIN.test(k) ? 'min' : null));
      }
    }
  };
  visit(fact.statement, '', null, null);
  visit(fact.evidence, '', null, null);
  return out;
}
const PCT = /(?:^|_)pct$/;
const MIN = /(?:^|_)min(?:_|$)/;

/**
 * Whether a number written in a text is `value` as a careful writer may give it: exact, its absolute value (a
 * difference of -1.1 read as "1.1 below"), or rounded to the decimals written (33.3333 as 33.3; whole numbers only
 * from 10 up).
 */
export function writtenAs(written: number, value: number): boolean {
  const v = Math.abs(value);
  if (written === v) return true;
  const decimals = (String(written).split('.')[1] ?? '').length;
  if (decimals === 0 && v < 10) return false;
  const f = 10 ** decimals;
  return Math.round(v * f) / f === written && Math.abs(v - written) < 0.01 * Math.max(1, v);
}
