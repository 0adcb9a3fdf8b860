import { z } from 'zod';
import { EventRecord } from './records';
import { parseTimestamp } from './timestamps';
import { eventState } from './parseTextLog';
import { describeIssues, ParseContext, recordId, type ParseOptions, type ParseResult } from './parseResult';

/** What an event line must hold; other keys are allowed and ignored. */
const JsonEvent = z.object({
  ts: z.string(),
  asset: z.string().min(1),
  level: z.string().default('INFO'),
  code: z.string().nullable().optional(),
  message: z.string(),
});

/** MES/SCADA events as JSON lines: `{"ts", "asset", "level", "code", "message"}`. */
export function parseJsonEvents(text: string, opts: ParseOptions): ParseResult {
  const ctx = new ParseContext(opts);
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    ctx.line();
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      return ctx.quarantine(line, raw, `invalid JSON: ${(e as Error).message}`);
    }
    const ev = JsonEvent.safeParse(value);
    if (!ev.success) return ctx.quarantine(line, raw, `invalid event: ${describeIssues(ev.error)}`);
    const ts = parseTimestamp(ev.data.ts, opts.timezone);
    if (!ts) return ctx.quarantine(line, raw, `invalid timestamp "${ev.data.ts}"`);
    const code = ev.data.code ?? null;
    const candidate = {
      kind: 'event', id: recordId(opts.source, line), source: opts.source, line, ts, asset: ev.data.asset,
      level: ev.data.level.toUpperCase(), code, state: eventState(code, ev.data.message),
      text: ctx.mask.text(ev.data.message),
    };
    ctx.accept(EventRecord, candidate, line, raw);
  });
  return ctx.finish();
}
