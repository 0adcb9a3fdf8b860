/**
 * Timestamp parsing for plant exports: ISO-8601 with or without offset (fractions after `.` or `,`, as log4j
 * writes them); naive times take the source's zone. Other forms: `timeFormats.ts`.
 */
const TS = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})([.,]\d{1,9})?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysIn = (y: number, m: number) =>
  m === 2 && ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0) ? 29 : DAYS[m - 1];

/** `offset` like "+08:00" or "Z". Returns an ISO-8601 UTC instant, or null when the text is not a valid time. */
export function parseTimestamp(text: string, offset: string): string | null {
  const ms = parseInstant(text, offset);
  return ms === null ? null : isoInstant(ms);
}

/** The last second `isoInstant` wrote: its epoch second and its text up to the fraction. */
const lastSecond = { second: Number.NaN, text: '' };

/**
 * Epoch milliseconds as `Date#toISOString` writes them (a test compares), faster on a log's lines: times of one
 * second in a row share their text up to the fraction, kept from the last call.
 */
export function isoInstant(ms: number): string {
  if (!Number.isInteger(ms) || Math.abs(ms) > 8.64e15) return new Date(ms).toISOString(); // (throws past the range)
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond.second) {
    lastSecond.text = new Date(second * 1000).toISOString().slice(0, -5); // up to ".000Z"
    lastSecond.second = second;
  }
  const frac = ms - second * 1000;
  return `${lastSecond.text}.${frac < 10 ? '00' : frac < 100 ? '0' : ''}${frac}Z`;
}

/** As `parseTimestamp`, as epoch milliseconds (UTC). */
export function parseInstant(text: string, offset: string): number | null {
  const fast = isoZoned(text, offset);
  if (fast === fast) return fast; // not NaN: the common form, valid or not
  const m = TS.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s = '00', frac = '', zone] = m;
  const offMin = offsetMinutes(zone ?? offset);
  if (offMin === null) return null;
  return instantOf(
    Number(y),
    Number(mo),
    Number(d),
    Number(h),
    Number(mi),
    Number(s),
    frac ? Math.floor(Number(`0.${frac.slice(1)}`) * 1000 + 1e-6) : 0,
    offMin,
  );
}

/** Epoch milliseconds of a wall-clock time at a UTC offset (minutes), or null when the fields are not a valid time. */
export function instantOf(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
  offMin: number,
): number | null {
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || s > 59) return null;
  return ((daysFromCivil(y, mo, d) * 24 + h) * 60 + mi - offMin) * 60_000 + s * 1000 + ms;
}

/** The last zone `offsetMinutes` read, and its minutes: a source's lines share one. */
const lastZone: { zone: string; minutes: number | null } = { zone: 'Z', minutes: 0 };

export function offsetMinutes(zone: string): number | null {
  if (zone === lastZone.zone) return lastZone.minutes;
  lastZone.minutes = zoneMinutes(zone);
  lastZone.zone = zone;
  return lastZone.minutes;
}

function zoneMinutes(zone: string): number | null {
  if (zone === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!m || Number(m[2]) > 23 || Number(m[3]) > 59) return null;
  const v = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -v : v;
}

/** Two ASCII digits at `i` as a number, or -1. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48,
    b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

/**
 * The common cases read by their characters (no regular expression, no allocation): `YYYY-MM-DD`, `T` or a space,
 * `HH:MM:SS`, an optional fraction `.f{1,3}`, then a zone `Z` / `+HH:MM` or none (the source's `offset`, as the
 * full pattern reads it). Epoch milliseconds, null when it has that form but is not a valid time, NaN when it has
 * another form (the full pattern decides).
 */
function isoZoned(t: string, offset: string): number | null {
  const n = t.length;
  const sep = t.charCodeAt(10);
  if (
    n < 19 ||
    n > 29 ||
    t.charCodeAt(4) !== 45 ||
    t.charCodeAt(7) !== 45 ||
    (sep !== 84 && sep !== 32) ||
    t.charCodeAt(13) !== 58 ||
    t.charCodeAt(16) !== 58
  )
    return NaN;
  const c = twoDigits(t, 0),
    yy = twoDigits(t, 2),
    mo = twoDigits(t, 5),
    d = twoDigits(t, 8),
    h = twoDigits(t, 11),
    mi = twoDigits(t, 14),
    s = twoDigits(t, 17);
  if (c < 0 || yy < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0) return NaN;
  let i = 19;
  let ms = 0;
  if (t.charCodeAt(i) === 46) {
    let scale = 100;
    for (i++; i < n && scale >= 1; i++, scale /= 10) {
      const v = t.charCodeAt(i) - 48;
      if (v < 0 || v > 9) break;
      ms += v * scale;
    }
    if (i === 20) return NaN;
  }
  let off: number;
  if (i === n) {
    const o = offsetMinutes(offset);
    if (o === null) return NaN;
    off = o;
  } else if (i === n - 1 && t.charCodeAt(i) === 90) off = 0;
  else if (i === n - 6 && (t.charCodeAt(i) === 43 || t.charCodeAt(i) === 45) && t.charCodeAt(i + 3) === 58) {
    const oh = twoDigits(t, i + 1),
      om = twoDigits(t, i + 4);
    if (oh < 0 || om < 0) return NaN;
    if (oh > 23 || om > 59) return null;
    off = (t.charCodeAt(i) === 45 ? -1 : 1) * (oh * 60 + om);
  } else return NaN;
  return instantOf(c * 100 + yy, mo, d, h, mi, s, ms, off);
}
