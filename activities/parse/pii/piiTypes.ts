/** The kinds of personal data, their masks, a finding and how overlapping findings are resolved. */
export const PII_TYPES = [
  'name',
  'employee_id',
  'phone',
  'email',
  'id_number',
  'bank_card',
  'ip',
  'mac',
  'plate',
] as const;
export type PiiType = (typeof PII_TYPES)[number];
export type PiiCounts = Partial<Record<PiiType, number>>;

export const MASK: Record<PiiType, string> = {
  name: '[NAME]',
  employee_id: '[EMPLOYEE_ID]',
  phone: '[PHONE]',
  email: '[EMAIL]',
  id_number: '[ID_NUMBER]',
  bank_card: '[BANK_CARD]',
  ip: '[IP]',
  mac: '[MAC]',
  plate: '[PLATE]',
};
/** Any mask or pseudonym this module writes. */
export const MASK_TOKEN = /\[(?:NAME|EMPLOYEE_ID|PHONE|EMAIL|ID_NUMBER|BANK_CARD|IP|MAC|PLATE)(?::[0-9a-f]{6})?\]/;

export interface PiiOptions {
  /** extra employee-id patterns of this site (regex source strings), on top of the keyword rule */
  employeeIdPatterns: string[];
  /** key of the name pseudonyms; null masks names as [NAME] */
  pseudonymKey?: string | null;
  /**
   * key of the name digests a source's scan hands to its chunks (never names in clear): the pseudonym key,
   * or the installation's random key (infra/piiKey.ts); a fixed key only where neither is given (tests)
   */
  digestKey?: string | null;
}
export const DEFAULT_PII_OPTIONS: PiiOptions = { employeeIdPatterns: ['\\bE\\d{5}\\b'], pseudonymKey: null };

export interface Finding {
  type: PiiType;
  start: number;
  end: number;
  value: string;
}

/** Which finding wins where two overlap: the earlier type in this list. */
export const PRIORITY: readonly PiiType[] = [
  'email',
  'id_number',
  'bank_card',
  'ip',
  'mac',
  'phone',
  'plate',
  'employee_id',
  'name',
];

/** Accepts every match: `collect`'s default. */
export const ANY = () => true;

// (the look-behind starts a match only where a run of address characters starts: linear on long runs)
export function collect(
  re: RegExp,
  text: string,
  type: PiiType,
  accept: (m: RegExpExecArray) => boolean = ANY,
  group = 0,
  out: Finding[] = [],
): Finding[] {
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0] === '') {
      re.lastIndex++;
      continue;
    }
    if (!accept(m)) continue;
    // a capture group that ends the match (the id after its keyword) starts where its text last occurs
    const start = group ? m.index + m[0].lastIndexOf(m[group]) : m.index;
    const value = group ? m[group] : m[0];
    out.push({ type, start, end: start + value.length, value });
  }
  return out;
}

/** Keep the findings that win: by priority, then the longer; no two overlap. Sorted by position. */
export function resolveFindings(findings: Finding[]): Finding[] {
  if (findings.length < 2) return findings;
  const rank = (f: Finding) => PRIORITY.indexOf(f.type);
  const sorted = [...findings].sort(
    (a, b) => rank(a) - rank(b) || b.end - b.start - (a.end - a.start) || a.start - b.start,
  );
  const kept: Finding[] = [];
  for (const f of sorted) if (!kept.some((k) => f.start < k.end && k.start < f.end)) kept.push(f);
  return kept.sort((a, b) => a.start - b.start);
}
