import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { describeIssues } from '../common/issues';
import type { OperationRecord, QuarantineEntry } from './records';
import type { RejectedRawLine } from './chunks';
import { PiiMasker, type PiiCounts, type PiiOptions } from './pii';
import { isoInstant } from './timestamps';

/** What parsing (part of) a source produced. */
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
  /** keyed digests of the names found anywhere in the source (by its scan) */
  knownNames?: readonly string[];
  /** lines longer than this many bytes are quarantined as line_too_long (default 1 MiB) */
  maxLineBytes?: number;
}

const sourcePrefix = new Map<string, string>();

/** A record's id: a short hash of its source, and its line - unique in a run, as source names are. */
export function recordId(source: string, line: number): string {
  let prefix = sourcePrefix.get(source);
  if (prefix === undefined)
    sourcePrefix.set(source, (prefix = createHash('sha256').update(source).digest('hex').slice(0, 12)));
  return `${prefix}-${line}`;
}

/** The fields every event record starts with: kind, id, provenance, and its time (null when it could not be read). */
export function eventHead(source: string, line: number, ms: number | null) {
  return {
    kind: 'event' as const,
    id: recordId(source, line),
    source,
    line,
    ts: ms === null ? null : isoInstant(ms),
  };
}

/**
 * The state of parsing one chunk of a source: its masker, the records and quarantined lines not yet
 * taken, and running counts. `take()` hands over what was collected, so output can stream.
 */
export class ParseContext {
  readonly mask: PiiMasker;
  private records: (OperationRecord | string)[] = [];
  private quarantined: QuarantineEntry[] = [];
  readonly counts = { lines: 0, records: 0, quarantined: 0, untimed: 0 };

  constructor(readonly opts: ParseOptions) {
    this.mask = new PiiMasker(opts.pii, opts.knownNames ?? []);
  }

  /** Count one data line read. */
  line(): void {
    this.counts.lines++;
  }

  /** Count a record kept without a time: its time text could not be read. */
  untimed(): void {
    this.counts.untimed++;
  }

  /**
   * Parse one line with `fn`: whatever it throws quarantines that line, with the error as its reason, and
   * the source goes on. The line is counted once either way.
   */
  guard(line: number, raw: string | (() => string), fn: () => void): void {
    const counted = this.counts.lines;
    try {
      fn();
    } catch (e) {
      if (this.counts.lines === counted) this.counts.lines++;
      this.quarantine(
        line,
        typeof raw === 'string' ? raw : raw(),
        `parser_error: ${(e as Error)?.message ?? String(e)}`,
      );
    }
  }

  /** Quarantine the lines the reader set aside (too long, not UTF-8): each counted as a data line. */
  rejectRaw(rejected: readonly RejectedRawLine[] | undefined): void {
    for (const r of rejected ?? []) {
      this.counts.lines++;
      this.quarantine(r.line, r.raw, `${r.reason}: ${r.detail}`);
    }
  }

  /** Quarantine a line; its text and reason are masked first, so quarantine never holds personal data either. */
  quarantine(line: number, raw: string, reason: string): void {
    this.counts.quarantined++;
    this.quarantined.push({
      source: this.opts.source,
      line,
      raw: this.mask.text(raw),
      reason: this.mask.again(reason),
    });
  }

  /**
   * Validate a candidate record against its schema: keep it, or quarantine the line with the issues.
   * `raw` may be a function, so that masked raw text is built only for lines that are quarantined.
   */
  accept<S extends z.ZodType<OperationRecord>>(
    schema: S,
    candidate: unknown,
    line: number,
    raw: string | (() => string),
  ): void {
    const parsed = schema.safeParse(candidate);
    if (parsed.success) {
      this.counts.records++;
      this.records.push(parsed.data);
    } else
      this.quarantine(line, typeof raw === 'string' ? raw : raw(), `invalid record: ${describeIssues(parsed.error)}`);
  }

  /**
   * Keep a record built from cells that were each checked already (the CSV path: times, numbers, masks),
   * typed by construction; files are validated against the schema when they are read back. `rows` is the
   * number of lines the record holds (a batch of samples holds many).
   */
  acceptChecked(record: OperationRecord, rows = 1): void {
    this.counts.records += rows;
    this.records.push(record);
  }

  /**
   * Keep a record its parser built checked by construction, as its JSON line (a text log's events: the schema
   * checks what construction does not settle, before this). Files are validated when they are read back.
   */
  acceptJson(json: string): void {
    this.counts.records++;
    this.records.push(json);
  }

  /** Hand over the records (objects, or JSON lines) and quarantined lines collected since the last take. */
  take(): { records: (OperationRecord | string)[]; quarantine: QuarantineEntry[] } {
    const out = { records: this.records, quarantine: this.quarantined };
    this.records = [];
    this.quarantined = [];
    return out;
  }
}

/** Something that parses blocks of whole lines of one source into a context. */
export interface SourceParser {
  block(text: string, firstLine: number): void;
}
