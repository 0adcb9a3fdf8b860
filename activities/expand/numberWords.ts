/**
 * Numbers written in words (English and Chinese) turned into digits, so that a text's figures can be compared with its
 * facts'.
 */
const EN_UNITS: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};
const ZH_DIGITS: Record<string, number> = {
  零: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const ZH_SCALE: Record<string, number> = { 十: 10, 百: 100, 千: 1000, 万: 10000 };

/**
 * Numbers as digits, so that the faithfulness check reads them: digit grouping (`1,250` → 1250), English
 * number words from twenty-five up to thousands (`three hundred` → 300; words under twenty-one alone stay
 * words, as "one" and "two" are how sentences speak), Chinese numerals with a scale (`三百` → 300, `二十五` → 25).
 */
export function normaliseNumbers(text: string): string {
  let out = text.replace(/\b\d{1,3}(?:,\d{3})+(?:\.\d+)?\b/g, (m) => m.replace(/,/g, ''));
  const word = Object.keys(EN_UNITS).join('|');
  out = out.replace(new RegExp(`\\b(?:(?:${word}|hundred|thousand)(?:[\\s-]+(?:and\\s+)?)?)+\\b`, 'gi'), (m) => {
    const parts = m
      .toLowerCase()
      .split(/[\s-]+/)
      .filter((p) => p && p !== 'and');
    if (!parts.some((p) => p === 'hundred' || p === 'thousand' || EN_UNITS[p] >= 20)) return m;
    let total = 0,
      current = 0;
    for (const p of parts) {
      if (p === 'hundred') current = (current || 1) * 100;
      else if (p === 'thousand') {
        total += (current || 1) * 1000;
        current = 0;
      } else if (EN_UNITS[p] !== undefined) current += EN_UNITS[p];
      else return m;
    }
    const trail = /\s$/.test(m) ? ' ' : '';
    return String(total + current) + trail;
  });
  return out.replace(/[零一二两三四五六七八九十百千万]{2,}/g, (m) => {
    if (!/[十百千万]/.test(m)) return m;
    let total = 0,
      current = 0;
    for (const c of m) {
      if (ZH_DIGITS[c] !== undefined) current = ZH_DIGITS[c];
      else {
        total += (current || 1) * ZH_SCALE[c];
        current = 0;
      }
    }
    return String(total + current);
  });
}
