/**
 * Personal data detection and masking: trigger keywords + regular expressions + checksums.
 * Every rule reports typed findings (spans of the original text); overlaps are resolved by priority;
 * then each span is replaced: names by a keyed pseudonym (`[NAME:3f2a9c]`, the same person always the
 * same within a key), everything else by a typed mask (`[PHONE]`). Pure functions apart from the
 * masker's memory of the names it has seen, which lets it mask a name where it stands bare.
 */
import { createHmac } from 'node:crypto';

import {
  DEFAULT_PII_OPTIONS,
  MASK,
  MASK_TOKEN,
  PII_TYPES,
  resolveFindings,
  type Finding,
  type PiiCounts,
  type PiiOptions,
  type PiiType,
} from './pii/piiTypes';
import { isResidentId, luhnValid, typedFindings } from './pii/typedPii';
import { isNameField, nameFindings, proseNameFindings } from './pii/namePii';

export { DEFAULT_PII_OPTIONS, isNameField, isResidentId, luhnValid, MASK, MASK_TOKEN, PII_TYPES, resolveFindings };
export type { Finding, PiiCounts, PiiOptions, PiiType };

function count(counts: PiiCounts, type: PiiType): void {
  counts[type] = (counts[type] ?? 0) + 1;
}

/** A masked value and the types found in it; `generation` is the masker's when it was computed. */
interface MemoEntry {
  out: string;
  types: PiiType[];
  generation: number;
}

/**
 * Finds and masks personal data, and remembers (as keyed digests, never in clear) the names it found,
 * so that a name seen once with a trigger word - or in a name column, or in another chunk of the same
 * source - is also masked where it stands bare.
 */
export class PiiMasker {
  readonly counts: PiiCounts = {};
  private readonly digests = new Set<string>();
  private readonly key: string;
  /** digests by name, and masked results of short values (table cells repeat): both bounded */
  private readonly digestMemo = new Map<string, string>();
  private readonly valueMemo = { t: new Map<string, MemoEntry>(), n: new Map<string, MemoEntry>() };
  /** the types masked while a memo entry is computed (its counts, replayed on a hit) */
  private typesFound: PiiType[] | null = null;
  /** bumped whenever a name is learned: memo entries from before it are stale */
  private generation = 0;
  /** the last value of each table column (`cell`) */
  private readonly lastCells: { value: string; entry: MemoEntry }[] = [];
  private static readonly MEMO_LIMIT = 20_000;
  private static readonly MEMO_MAX_LENGTH = 64;

  private readonly employeeIds: RegExp[];

  /**
   * `generated`: the text is a model's (a document, an answer), where a romanised or introduced name with no job
   * word before it is a person too (proseNameFindings); records keep the stricter trigger rules.
   */
  constructor(
    private readonly opts: PiiOptions = DEFAULT_PII_OPTIONS,
    knownNames: Iterable<string> = [],
    private readonly generated = false,
  ) {
    this.key = opts.pseudonymKey ?? opts.digestKey ?? 'forge-names';
    this.employeeIds = opts.employeeIdPatterns.map((src) => new RegExp(src, 'g'));
    for (const d of knownNames) this.digests.add(d);
  }

  /** A short check of the digest key (not the key, nor any name): chunks compare it with their scan's. */
  keyCheck(): string {
    return createHmac('sha256', this.key).update('forge key check').digest('hex').slice(0, 16);
  }

  /** Keyed digests of every name seen so far: what a later chunk needs to recognise them. */
  knownNameDigests(): string[] {
    return [...this.digests].sort();
  }

  /** Every finding in `text`, names learned earlier included. */
  detect(text: string): Finding[] {
    const all = typedFindings(text, this.employeeIds);
    for (const f of nameFindings(text)) all.push(f);
    if (this.generated) for (const f of proseNameFindings(text)) all.push(f);
    if (this.digests.size) for (const f of this.bareNames(text)) all.push(f);
    const found = resolveFindings(all);
    for (const f of found) if (f.type === 'name') this.learn(f.value);
    return found;
  }

  /**
   * Mask text that repeats data masked and counted elsewhere (a quarantine reason quoting its line's cells):
   * masked the same way, not counted a second time.
   */
  again(text: string): string {
    const before = { ...this.counts };
    const out = this.text(text);
    for (const k of Object.keys(this.counts) as PiiType[]) {
      if (before[k] === undefined) delete this.counts[k];
      else this.counts[k] = before[k];
    }
    return out;
  }

  /** Mask every personal datum found in free text. */
  text(text: string): string {
    return this.textEntry(text).out;
  }

  private textEntry(text: string): MemoEntry {
    return this.memoEntry('t', text, () => this.apply(text, this.detect(text)));
  }

  /**
   * A masked value from the memo, or computed and remembered. A hit replays the counts and the names
   * learned, so that results and counts are the same as without the memo. Only short values are kept in the
   * memo (a long one's entry serves `cell`, which keeps a column's last), and only while no new name has been
   * learned since (a new name can change a later result).
   */
  private memoEntry(mode: 't' | 'n', value: string, compute: () => string): MemoEntry {
    const kept = value.length <= PiiMasker.MEMO_MAX_LENGTH;
    const memo = this.valueMemo[mode];
    const hit = kept ? memo.get(value) : undefined;
    if (hit !== undefined) return this.replay(hit);
    const learned = this.digests.size;
    const outer = this.typesFound;
    const types: PiiType[] = [];
    this.typesFound = types;
    let out: string;
    try {
      out = compute();
    } finally {
      this.typesFound = outer;
    }
    outer?.push(...types);
    if (this.digests.size !== learned) {
      this.valueMemo.t.clear();
      this.valueMemo.n.clear();
      this.generation++;
    } // bare-name results may change from now on
    const entry = { out, types, generation: this.generation };
    if (kept) {
      if (memo.size >= PiiMasker.MEMO_LIMIT) memo.clear();
      memo.set(value, entry);
    }
    return entry;
  }

  /** A memo hit: its counts counted again, so that counts are the same as without the memo. */
  private replay(entry: MemoEntry): MemoEntry {
    for (const t of entry.types) count(this.counts, t);
    return entry;
  }

  /**
   * Mask a cell of table column `slot` (free text, or a name field): as `text` or `nameField`, and faster
   * when the column repeats its last value, as table columns do row after row (no memo lookup).
   */
  cell(slot: number, value: string, isName: boolean): string {
    const last = this.lastCells[slot];
    if (last !== undefined && last.value === value && last.entry.generation === this.generation)
      return this.replay(last.entry).out;
    const entry = isName ? this.nameFieldEntry(value) : this.textEntry(value);
    this.lastCells[slot] = { value, entry };
    return entry.out;
  }

  /**
   * Mask a value of a name field (e.g. `operator: Zhang Wei (E10234)`): typed data and names found as in
   * free text, and the text before the first bracket or comma as a name.
   */
  nameField(value: string): string {
    return this.nameFieldEntry(value).out;
  }

  private nameFieldEntry(value: string): MemoEntry {
    return this.memoEntry('n', value, () => this.maskNameField(value));
  }

  private maskNameField(value: string): string {
    const found = this.detect(value);
    const head = /^([^(（,，;；[]*)/.exec(value)![1];
    const name = head.trim();
    const start = head.indexOf(name);
    if (name && !MASK_TOKEN.test(name) && !found.some((f) => f.start < start + name.length && start < f.end)) {
      found.push({ type: 'name', start, end: start + name.length, value: name });
      this.learn(name);
    }
    return this.apply(
      value,
      found.sort((a, b) => a.start - b.start),
    );
  }

  /** Mask names learned so far where they stand bare in `text` (text already masked once). */
  sweep(text: string): string {
    return this.apply(text, resolveFindings(this.bareNames(text)));
  }

  /** The pseudonym of a name: the same name always gets the same one under the same key. */
  pseudonym(name: string): string {
    if (!this.opts.pseudonymKey) return MASK.name;
    return `[NAME:${this.digest(name).slice(0, 6)}]`;
  }

  private apply(text: string, findings: Finding[]): string {
    let out = '';
    let at = 0;
    for (const f of findings) {
      count(this.counts, f.type);
      this.typesFound?.push(f.type);
      out += text.slice(at, f.start) + (f.type === 'name' ? this.pseudonym(f.value) : MASK[f.type]);
      at = f.end;
    }
    return out + text.slice(at);
  }

  private digest(name: string): string {
    let d = this.digestMemo.get(name);
    if (d === undefined) {
      d = createHmac('sha256', this.key).update(name.replace(/\s+/g, ' ').trim()).digest('hex');
      if (this.digestMemo.size >= PiiMasker.MEMO_LIMIT) this.digestMemo.clear();
      this.digestMemo.set(name, d);
    }
    return d;
  }

  private learn(name: string): void {
    // a bare single Latin word is too ambiguous to mask everywhere; full names and CJK names are not
    if (!/[\u4e00-\u9fff]/.test(name) && !/\s/.test(name)) return;
    const d = this.digest(name);
    if (!this.digests.has(d)) this.digests.add(d);
  }

  /** Names learned earlier, standing without a trigger word: candidate spans checked against the digests. */
  private bareNames(text: string): Finding[] {
    if (this.digests.size === 0) return [];
    const out: Finding[] = [];
    const cjk = /[\u4e00-\u9fff]{2,}/g;
    for (let m = cjk.exec(text); m; m = cjk.exec(text)) {
      const run = m[0];
      for (let i = 0; i + 2 <= run.length; i++) {
        for (let len = Math.min(4, run.length - i); len >= 2; len--) {
          const cand = run.slice(i, i + len);
          if (this.digests.has(this.digest(cand))) {
            out.push({ type: 'name', start: m.index + i, end: m.index + i + len, value: cand });
            i += len - 1;
            break;
          }
        }
      }
    }
    const latin = /\b[A-Z][a-z'’]+(?:[ -][A-Z][a-z'’]+){1,2}\b/g;
    for (let m = latin.exec(text); m; m = latin.exec(text)) {
      const words = m[0].split(' ');
      for (let len = words.length; len >= 2; len--) {
        for (let i = 0; i + len <= words.length; i++) {
          const cand = words.slice(i, i + len).join(' ');
          if (this.digests.has(this.digest(cand))) {
            const start = m.index + m[0].indexOf(cand);
            out.push({ type: 'name', start, end: start + cand.length, value: cand });
          }
        }
      }
    }
    return out;
  }
}

export function addCounts(into: PiiCounts, from: PiiCounts): PiiCounts {
  for (const [k, v] of Object.entries(from) as [PiiType, number][]) into[k] = (into[k] ?? 0) + v;
  return into;
}

export function totalCount(c: PiiCounts): number {
  return Object.values(c).reduce((a, b) => a + (b ?? 0), 0);
}
