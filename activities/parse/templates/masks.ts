/**
 * Variable patterns masked before template mining, most specific first. They replace whole values
 * (a UUID, an address with its port, a number standing as a token), never digits inside a word, so
 * `blk_123`-like ids stay one variable instead of a ragged `blk_<*>` per digit run.
 */
export const STANDARD_MASKS: readonly string[] = [
  // UUIDs
  '\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b',
  // e-mail addresses and URLs
  '(?<![\\w.+-])[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+',
  '(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*://[^\\s,;"\'<>]+',
  // IPv4 with optional port, MAC addresses
  '(?<![\\w.])(?:\\d{1,3}\\.){3}\\d{1,3}(?::\\d{1,5})?(?![\\w.])',
  '\\b(?:[0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}\\b',
  // hexadecimal: 0x-prefixed, or long runs that hold a digit
  '\\b0[xX][0-9a-fA-F]+\\b',
  '(?<![\\w.-])(?=[0-9a-fA-F]*\\d)[0-9a-fA-F]{12,}(?![\\w.])',
  // dates and times of day, numeric or with month names ("Sun Jul 10 03:55:15 2005", "Jul 10, 2005")
  '\\b(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\\s+)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*' +
    '\\.?\\s+\\d{1,2}(?:,?\\s+\\d{4})?(?:\\s+\\d{1,2}:\\d{2}(?::\\d{2})?)?(?:\\s+\\d{4})?\\b',
  '\\b\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?)?\\b',
  '\\b\\d{1,2}:\\d{2}:\\d{2}(?:[.,]\\d+)?\\b',
  // lists: three or more consecutive tokens that each hold a digit ("an14 an15 an16", "3 4 5 7 10")
  '(?<![\\w.-])(?:[*#]?[A-Za-z_]*-?\\d[\\w.:-]*,?\\s+){2,}[*#]?[A-Za-z_]*-?\\d[\\w.:-]*(?![\\w.-])',
  // host names with at least three labels, with an optional port (proxy.example.edu.hk:5070)
  '(?<![\\w.@/-])(?:[A-Za-z0-9][\\w-]*\\.){2,}[A-Za-z][\\w-]*(?::\\d{1,5})?(?![\\w.(@/-])',
  // numbers standing alone (signed, decimal, with a unit such as 12ms, 3.5KB or "1 sec")
  '(?<![\\w.-])[-+]?\\d+(?:[.,]\\d+)*(?:[eE][-+]?\\d+)?(?:%|[a-zA-Zµ]{1,3}|\\s(?:[KMGT]i?B|bytes?|ms|us|ns|secs?' +
    '|seconds?|mins?|minutes?|hours?|h|s)(?![\\w.]))?(?![\\w.])',
];

/**
 * A word of letters where no standard mask but the URL's can start: letters (or `_`) up to a character no mask
 * reads on from letters (a space, `:`, `,`, `"`, `=`, `)`, the end...; not a word character, `.`, `@`, `+` or
 * `-`), and not a month's or a day's name (dates), nor two hexadecimal digits and `:` (a MAC address). Most words
 * of a message are such: each mask would try it and fail, two of them after reading it to its end.
 */
const PLAIN_WORD =
  '(?!Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Mon|Tue|Wed|Thu|Fri|Sat|Sun|[0-9a-fA-F]{2}:)' +
  '[A-Za-z_]+(?![\\w.@+-])';

/** The standard masks (a subset, in their order) as one pattern: see `STANDARD_MASK`. */
function onePattern(masks: readonly string[]): string {
  const group = (ms: readonly string[]) => ms.map((m) => `(?:${m})`).join('|');
  const start = `(?<!\\w)(?!${PLAIN_WORD})`;
  const url = masks.findIndex((m) => m.includes('://'));
  if (url < 0) return `(?=[\\w*#+.-])${start}(?:${group(masks)})`;
  return (
    `(?=[\\w*#+.-])(?:${start}(?:${group(masks.slice(0, url))})|(?:${masks[url]})` +
    `|${start}(?:${group(masks.slice(url + 1))}))`
  );
}

/**
 * The standard masks as one pattern, for speed: the same matches as their plain alternation `(?:m1)|(?:m2)|...`
 * (a test compares them on every Loghub excerpt), in ~60 % of the time. Every match starts with a word character
 * or one of `*#+.-`, and every mask but the URL's starts where no word character precedes it (its own `\b` or
 * look-behind says so): a position inside a word is dismissed by two checks instead of thirteen attempts, and a
 * plain word (`PLAIN_WORD`) by one read.
 */
export const STANDARD_MASK = onePattern(STANDARD_MASKS);

/**
 * Masks that match only in a message holding a character or a shape, which most messages lack: e-mail addresses
 * (`@`), URLs (`://`), host names (`.label.`). Each would read every word of every message to its end and back.
 */
const NEEDS: readonly { mask: number; holds: (text: string) => boolean }[] = [
  { mask: STANDARD_MASKS.findIndex((m) => m.includes('@')), holds: (t) => t.includes('@') },
  { mask: STANDARD_MASKS.findIndex((m) => m.includes('://')), holds: (t) => t.includes('://') },
  { mask: STANDARD_MASKS.findIndex((m) => m.includes('{2,}[A-Za-z]')), holds: (t) => HOST_SHAPE.test(t) },
];
const HOST_SHAPE = /\.[A-Za-z0-9][\w-]*\./;
/** `standardMaskKey` of a message that may hold every mask: `STANDARD_MASK` itself */
export const ALL_STANDARD_MASKS = (1 << NEEDS.length) - 1;

/** Which of the masks that need something a message holds it for (a bit each; `standardMaskVariant` reads it). */
export function standardMaskKey(text: string): number {
  let key = 0;
  for (let i = 0; i < NEEDS.length; i++) if (NEEDS[i].holds(text)) key |= 1 << i;
  return key;
}

/**
 * The standard masks as one pattern without those a message with this key cannot match anywhere: on that
 * message the same matches as `STANDARD_MASK` (a mask that matches nowhere decides nothing; a test compares).
 */
export function standardMaskVariant(key: number): string {
  if (key === ALL_STANDARD_MASKS) return STANDARD_MASK;
  const left = new Set(NEEDS.filter((_, i) => !(key & (1 << i))).map((n) => n.mask));
  return onePattern(STANDARD_MASKS.filter((_, i) => !left.has(i)));
}
