/**
 * Units by UCUM (the Unified Code for Units of Measure), through the National Library of Medicine's
 * `@lhncbc/ucum-lhc`: graph parameters state their unit as a UCUM code, readings are converted to it.
 * Exports and logs rarely write UCUM (`degC`, `°C`, `psi`, `rpm`), so the usual spellings are read as
 * the codes they mean first.
 */

interface UcumUnit {
  printSymbol_: string | null;
  csCode_: string;
}
interface UcumUtils {
  getSpecifiedUnit(unit: string, mode: 'validate'): { unit: UcumUnit | null };
  validateUnitString(
    unit: string,
    suggest?: boolean,
  ): { status: 'valid' | 'invalid' | 'error'; ucumCode: string | null; unit: UcumUnit | null; msg: string[] };
  convertUnitTo(
    from: string,
    value: number,
    to: string,
  ): { status: 'succeeded' | 'failed' | 'error'; toVal: number | null; msg: string[] };
}
// the package ships no type declarations: the two calls used here, typed above
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ucum = (require('@lhncbc/ucum-lhc') as { UcumLhcUtils: { getInstance(): UcumUtils } }).UcumLhcUtils.getInstance();

/** How exports write units that are not UCUM codes. (A bare "C" is coulomb in UCUM and stays so.) */
const SPELLINGS: Record<string, string> = {
  degc: 'Cel',
  '°c': 'Cel',
  '℃': 'Cel',
  'deg c': 'Cel',
  celsius: 'Cel',
  degf: '[degF]',
  '°f': '[degF]',
  '℉': '[degF]',
  fahrenheit: '[degF]',
  degk: 'K',
  kelvin: 'K',
  psi: '[psi]',
  psig: '[psi]',
  rpm: '{rev}/min',
  'r/min': '{rev}/min',
  sec: 's',
  secs: 's',
  hr: 'h',
  hrs: 'h',
  mins: 'min',
  nm: 'N.m',
  n·m: 'N.m',
  'n*m': 'N.m',
  'kg/hr': 'kg/h',
  'm3/hr': 'm3/h',
  μm: 'um',
  µm: 'um',
  'mol%': '%',
  'mol %': '%',
  pct: '%',
  kscmh: '{kscm}/h',
  'kpa gauge': 'kPa',
};

const codes = new Map<string, string | null>();

/** The UCUM code a unit as written means, or null when it is none. */
export function ucumCode(unit: string): string | null {
  let hit = codes.get(unit);
  if (hit !== undefined) return hit;
  const written = unit.trim();
  const candidate = SPELLINGS[written.toLowerCase()] ?? written;
  const v = candidate ? ucum.validateUnitString(candidate) : null;
  hit = v?.status === 'valid' ? v.ucumCode : null;
  codes.set(unit, hit);
  return hit;
}

/**
 * A unit as people write it in text: UCUM's print symbol for a single unit (°C, °F, psi), else the code
 * without brackets and annotation braces (`{rev}/min` -> rev/min; print symbols of compound units are HTML).
 */
export function displayUnit(unit: string): string {
  const code = ucumCode(unit);
  if (!code) return unit;
  const symbol = /^[^./{}]+$/.test(code) ? ucum.getSpecifiedUnit(code, 'validate').unit?.printSymbol_ : null;
  return symbol && !/[<>]/.test(symbol) ? symbol : code.replace(/[{}[\]]/g, '');
}

export type Conversion =
  | { ok: true; convert: (v: number) => number; identity: boolean }
  | { ok: false; reason: string };
const conversions = new Map<string, Conversion>();

/**
 * How to convert readings in `from` to `to`. Conversions between ordinary units are affine (°F -> °C),
 * so they are taken once from UCUM as offset + scale and applied per value without a lookup; others
 * (logarithmic units) ask UCUM per value.
 */
export function conversion(from: string, to: string): Conversion {
  const key = `${from}\u0000${to}`;
  let c = conversions.get(key);
  if (c) return c;
  c = makeConversion(from, to);
  conversions.set(key, c);
  return c;
}

function makeConversion(from: string, to: string): Conversion {
  const a = ucumCode(from),
    b = ucumCode(to);
  if (!a) return { ok: false, reason: `unit "${from}" is not a UCUM unit` };
  if (!b) return { ok: false, reason: `unit "${to}" is not a UCUM unit` };
  if (a === b) return { ok: true, convert: (v) => v, identity: true };
  const at = (v: number) => {
    const r = ucum.convertUnitTo(a, v, b);
    return r.status === 'succeeded' && r.toVal !== null ? r.toVal : NaN;
  };
  const y0 = at(0),
    y1 = at(1),
    y10 = at(10);
  if (!Number.isFinite(y1)) return { ok: false, reason: `"${from}" cannot be converted to "${to}"` };
  const scale = y1 - y0;
  const affine = Number.isFinite(y0) && Math.abs(y0 + 10 * scale - y10) <= 1e-9 * Math.max(1, Math.abs(y10));
  // UCUM's factors leave float noise (212 degF -> 100.00000000000006 Cel, 32 degF -> 5.4e-13 Cel)
  const tidy = (v: number) => Number(Number(v.toFixed(9)).toPrecision(12));
  return { ok: true, identity: false, convert: affine ? (v) => tidy(y0 + scale * v) : (v) => tidy(at(v)) };
}
