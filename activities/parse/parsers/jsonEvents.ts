import { z } from 'zod';
import { EventRecord } from '../records';
import { compileTimeFormat, KNOWN_TIME_FORMATS, type TimeReader } from '../timeFormats';
import { normaliseLevel } from '../levels';
import { isNameField } from '../pii';
import { describeIssues } from '../../common/issues';
import { eventHead, type ParseContext, type SourceParser } from '../parseResult';
import { eventState } from './textLog';
import { eachLine } from './lines';

/** What an event line must hold; other keys are allowed and kept, masked, as fields. */
const JsonEvent = z
  .object({
    /** ISO-8601, epoch seconds or milliseconds (a number or digits), or one of the known log time forms */
    ts: z.union([z.string(), z.number()]),
    asset: z.string().min(1),
    level: z.string().default('INFO'),
    code: z.string().nullable().optional(),
    message: z.string(),
  })
  .passthrough();

/** Deepest nesting of a JSON value kept in `fields`; deeper lines are quarantined. */
const MAX_DEPTH = 64;

/** A JSON value with every key and string masked (name fields as names), at most MAX_DEPTH levels deep. */
function maskJson(v: unknown, ctx: ParseContext, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new Error(`a value is nested deeper than ${MAX_DEPTH} levels`);
  if (typeof v === 'string') return ctx.mask.text(v);
  if (Array.isArray(v)) return v.map((x) => maskJson(x, ctx, depth + 1));
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [
        ctx.mask.text(k),
        typeof x === 'string' && isNameField(k) ? ctx.mask.nameField(x) : maskJson(x, ctx, depth + 1),
      ]),
    );
  }
  return v;
}

/**
 * A JSON event's time: the first of the known forms (ISO-8601 first, epoch seconds and milliseconds among them) that
 * reads it; null when none does.
 */
function readAnyTime(ts: string | number, zone: string): number | null {
  const text = String(ts).trim();
  for (const f of KNOWN_TIME_FORMATS) {
    const ms = readerFor(f, zone)(text);
    if (ms !== null) return ms;
  }
  return null;
}

const readers = new Map<string, TimeReader>();
function readerFor(format: string, zone: string): TimeReader {
  const key = `${format}\u0000${zone}`;
  let r = readers.get(key);
  if (!r) readers.set(key, (r = compileTimeFormat(format, { offset: zone, year: new Date().getUTCFullYear() })));
  return r;
}

/**
 * MES/SCADA events as JSON lines: `{"ts", "asset", "level", "code", "message", ...}`. Every key and value is
 * PII-masked (values of name keys such as `operator` as names, nested values too); a time that cannot be read
 * keeps the record with `ts: null` and its text.
 */
export class JsonEventParser implements SourceParser {
  constructor(private readonly ctx: ParseContext) {}

  block(text: string, firstLine: number): void {
    eachLine(text, firstLine, (raw, line) => this.ctx.guard(line, raw, () => this.line(raw, line)));
  }

  private line(raw: string, line: number): void {
    const { ctx } = this;
    const source = ctx.opts.source;
    ctx.line();
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      return ctx.quarantine(line, raw, `invalid JSON: ${(e as Error).message}`);
    }
    const ev = JsonEvent.safeParse(value);
    if (!ev.success) return ctx.quarantine(line, raw, `invalid event: ${describeIssues(ev.error)}`);
    const ms = readAnyTime(ev.data.ts, ctx.opts.timezone);
    if (ms === null) ctx.untimed();
    const { ts: _t, asset, level, code, message, ...rest } = ev.data;
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(rest)) {
      const key = ctx.mask.text(k);
      if (typeof v === 'string') fields[key] = isNameField(k) ? ctx.mask.nameField(v) : ctx.mask.text(v);
      else fields[key] = JSON.stringify(maskJson(v, ctx, 1));
    }
    const maskedCode = code ? ctx.mask.text(code) : null;
    ctx.accept(
      EventRecord,
      {
        ...eventHead(source, line, ms),
        ...(ms === null ? { time_text: ctx.mask.text(String(ev.data.ts)) } : {}),
        asset: ctx.mask.text(asset),
        level: normaliseLevel(ctx.mask.text(level)),
        code: maskedCode,
        state: eventState(maskedCode, message),
        text: ctx.mask.text(message),
        template_id: null,
        template: null,
        params: [],
        fields,
      },
      line,
      raw,
    );
  }
}
