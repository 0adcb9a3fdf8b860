/** Timestamp parsing for plant exports: ISO-8601 with or without offset; naive times take the source's zone. */
const TS = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;

// the common case, full ISO-8601 with a zone, read by its fields (no string-to-date parse per row)
const ISO_ZONED = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;
const zoneMinutes = new Map<string, number | null>();
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysIn = (y: number, m: number) => (m === 2 && ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0) ? 29 : DAYS[m - 1]);

/** `offset` like "+08:00" or "Z". Returns an ISO-8601 UTC instant, or null when the text is not a valid time. */
export function parseTimestamp(text: string, offset: string): string | null {
  const ms = parseInstant(text, offset);
  return ms === null ? null : new Date(ms).toISOString();
}

/** As `parseTimestamp`, as epoch milliseconds (UTC). */
export function parseInstant(text: string, offset: string): number | null {
  const fast = ISO_ZONED.exec(text);
  if (fast) {
    const y = Number(fast[1]), mo = Number(fast[2]), d = Number(fast[3]), h = Number(fast[4]), mi = Number(fast[5]), s = Number(fast[6]);
    if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || s > 59) return null;
    let off = zoneMinutes.get(fast[8]);
    if (off === undefined) zoneMinutes.set(fast[8], (off = offsetMinutes(fast[8])));
    if (off === null) return null;
    return Date.UTC(y, mo - 1, d, h, mi, s) - off * 60_000 + (fast[7] ? Math.round(Number(fast[7]) * 1000) : 0);
  }
  const m = TS.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s = '00', frac = '', zone] = m;
  const nums = [y, mo, d, h, mi, s].map(Number);
  const local = Date.UTC(nums[0], nums[1] - 1, nums[2], nums[3], nums[4], nums[5]);
  const check = new Date(local);
  if (check.getUTCFullYear() !== nums[0] || check.getUTCMonth() !== nums[1] - 1 || check.getUTCDate() !== nums[2]
    || check.getUTCHours() !== nums[3] || check.getUTCMinutes() !== nums[4] || check.getUTCSeconds() !== nums[5]) return null;
  const offMin = offsetMinutes(zone ?? offset);
  if (offMin === null) return null;
  const ms = frac ? Math.round(Number(frac) * 1000) : 0;
  return local - offMin * 60_000 + ms;
}

export function offsetMinutes(zone: string): number | null {
  if (zone === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!m || Number(m[2]) > 23 || Number(m[3]) > 59) return null;
  const v = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -v : v;
}
