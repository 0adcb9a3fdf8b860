import { EventRecord } from './records';
import { parseTimestamp } from './timestamps';
import { ParseContext, recordId, type ParseOptions, type ParseResult } from './parseResult';

// `<date> <time> <level> <component> <content>`; template mining for the content comes with issue 3
const HEADER = /^(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?)\s+(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ALARM|FATAL|CRITICAL)\s+(\S+)\s+(.*)$/;
const EVENT_CODE = /^([A-Z]{2,6}-\d{2,6})\b[\s:：,，]*(.*)$/s;
const CLEARED = /\b(cleared|reset|acknowledged and cleared|recovered)\b|报警解除|已解除|恢复正常/i;

export function eventState(code: string | null, message: string): EventRecord['state'] {
  if (!code) return 'info';
  return CLEARED.test(message) ? 'cleared' : 'raised';
}

/** A free-text event/alarm log, Chinese and English mixed; messages are PII-masked. */
export function parseTextLog(text: string, opts: ParseOptions): ParseResult {
  const ctx = new ParseContext(opts);
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    ctx.line();
    const m = HEADER.exec(raw);
    if (!m) return ctx.quarantine(line, raw, 'line does not match the log header <date> <time> <level> <component> <message>');
    const ts = parseTimestamp(m[1], opts.timezone);
    if (!ts) return ctx.quarantine(line, raw, `invalid timestamp "${m[1]}"`);
    const content = m[4];
    const coded = EVENT_CODE.exec(content);
    const code = coded ? coded[1] : null;
    const message = ctx.mask.text(content);
    const candidate = {
      kind: 'event', id: recordId(opts.source, line), source: opts.source, line, ts, asset: m[3],
      level: m[2] === 'WARNING' ? 'WARN' : m[2], code, state: eventState(code, content), text: message,
    };
    ctx.accept(EventRecord, candidate, line, raw);
  });
  return ctx.finish();
}
