import { z } from 'zod';
import { EventRecord } from '../records';
import { parseTimestamp } from '../timestamps';
import { describeIssues, recordId, type ParseContext, type SourceParser } from '../parseResult';
import { eventState } from './textLog';
import { eachLine } from './lines';

/** What an event line must hold; other keys are allowed and kept, masked, as fields. */
const JsonEvent = z.object({
  ts: z.string(),
  asset: z.string().min(1),
  level: z.string().default('INFO'),
  code: z.string().nullable().optional(),
  message: z.string(),
}).passthrough();

/** MES/SCADA events as JSON lines: `{"ts", "asset", "level", "code", "message", ...}`. */
export class JsonEventParser implements SourceParser {
  constructor(private readonly ctx: ParseContext) {}

  block(text: string, firstLine: number): void {
    eachLine(text, firstLine, (raw, line) => this.line(raw, line));
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
    const ts = parseTimestamp(ev.data.ts, ctx.opts.timezone);
    if (!ts) return ctx.quarantine(line, raw, `invalid timestamp "${ev.data.ts}"`);
    const { ts: _t, asset, level, code, message, ...rest } = ev.data;
    const fields = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, ctx.mask.text(typeof v === 'string' ? v : JSON.stringify(v))]));
    ctx.accept(EventRecord, {
      kind: 'event', id: recordId(source, line), source, line, ts, asset, level: level.toUpperCase(), code: code ?? null,
      state: eventState(code ?? null, message), text: ctx.mask.text(message), template_id: null, template: null, params: [], fields,
    }, line, raw);
  }
}
