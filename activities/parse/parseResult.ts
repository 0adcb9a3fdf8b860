import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { OperationRecord, QuarantineEntry } from './records';
import { PiiMasker, type PiiCounts, type PiiOptions } from './pii';

/** What a parser returns for one source: records, quarantined lines, and how many data lines it read. */
export interface ParseResult {
  records: OperationRecord[];
  quarantine: QuarantineEntry[];
  /** data lines read (headers, comments and blank lines excluded): records + quarantined = lines */
  lines: number;
  pii: PiiCounts;
}

export interface ParseOptions {
  /** name of the source in provenance (`file:line`) */
  source: string;
  /** UTC offset applied to timestamps written without one, e.g. "+08:00" */
  timezone: string;
  pii: PiiOptions;
}

export function recordId(source: string, line: number): string {
  return createHash('sha256').update(`${source}:${line}`).digest('hex').slice(0, 24);
}

/** Zod issues as one readable line: `field: message; field: message`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.map(String).join('.') || 'record'}: ${i.message}`).join('; ');
}

function mapStrings<T>(value: T, f: (s: string) => string): T {
  if (typeof value === 'string') return f(value) as T;
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, f)])) as T;
  }
  return value;
}

/** The state of parsing one source: its masker, and the records and quarantine collected so far. */
export class ParseContext {
  readonly mask: PiiMasker;
  private readonly result: ParseResult = { records: [], quarantine: [], lines: 0, pii: {} };

  constructor(readonly opts: ParseOptions) {
    this.mask = new PiiMasker(opts.pii);
  }

  /** Count one data line read. */
  line(): void {
    this.result.lines++;
  }

  /** Quarantine a line; its text is masked first, so quarantine never holds personal data either. */
  quarantine(line: number, raw: string, reason: string): void {
    this.result.quarantine.push({ source: this.opts.source, line, raw: this.mask.text(raw), reason });
  }

  /**
   * Validate a candidate record against its schema: keep it, or quarantine the line with the issues.
   * `raw` may be a function, so that masked raw text is built only for lines that are quarantined.
   */
  accept<S extends z.ZodType<OperationRecord>>(schema: S, candidate: unknown, line: number, raw: string | (() => string)): void {
    const parsed = schema.safeParse(candidate);
    if (parsed.success) this.result.records.push(parsed.data);
    else this.quarantine(line, typeof raw === 'string' ? raw : raw(), `invalid record: ${describeIssues(parsed.error)}`);
  }

  /** Mask, everywhere in this source's output, the names learned anywhere in it; return the result. */
  finish(): ParseResult {
    const sweep = (s: string) => this.mask.sweep(s);
    this.result.records = this.result.records.map((r) => mapStrings(r, sweep));
    this.result.quarantine = this.result.quarantine.map((q) => ({ ...q, raw: sweep(q.raw), reason: sweep(q.reason) }));
    this.result.pii = { ...this.mask.counts };
    return this.result;
  }
}
