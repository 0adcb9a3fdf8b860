/** Numbers as they appear in text: `250`, `4.4`, `0512` (read as 512). Signs and separators are not part. */
const NUMBER = /\d+(?:\.\d+)?/g;

export function numbersIn(text: string): number[] {
  return (text.match(NUMBER) ?? []).map(Number);
}

/** Round to `digits` decimals, as facts carry human-facing figures. */
export function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
