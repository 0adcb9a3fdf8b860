import { EventRecord } from '../records';
import { parseTimestamp } from '../timestamps';
import { recordId, type ParseContext, type SourceParser } from '../parseResult';
import type { SourceSpec } from '../sourceSpec';
import { compileLogFormat, matchLogFormat, type LogFormat } from '../templates/logFormat';
import { templateId, type TemplateMatcher } from '../templates/templateModel';
import { skeleton } from '../templates/drain';
import { eachLine } from './lines';

const EVENT_CODE = /^([A-Z]{2,6}-\d{2,6})\b[\s:：,，]*(.*)$/s;
const CLEARED = /\b(cleared|reset|acknowledged and cleared|recovered)\b|报警解除|已解除|恢复正常/i;
const TIME_FIELDS = ['Timestamp', 'Datetime', 'Date', 'Time'];

export function eventState(code: string | null, message: string): EventRecord['state'] {
  if (!code) return 'info';
  return CLEARED.test(message) ? 'cleared' : 'raised';
}

/**
 * A free-text log, Chinese and English mixed, in a configurable header format. The message is masked,
 * then matched against the source's mined templates: the template id is the event type, the template's
 * variables the record's typed parameters.
 */
export class TextLogParser implements SourceParser {
  private readonly format: LogFormat;
  private readonly timeFields: string[];
  private readonly levels: Set<string>;

  constructor(private readonly ctx: ParseContext, private readonly spec: SourceSpec, private readonly matcher: TemplateMatcher | null) {
    this.format = compileLogFormat(spec.text.header);
    this.timeFields = spec.text.timeFields ?? this.format.fields.filter((f) => TIME_FIELDS.includes(f));
    this.levels = new Set(spec.text.levels.map((l) => l.toUpperCase()));
  }

  block(text: string, firstLine: number): void {
    eachLine(text, firstLine, (raw, line) => this.line(raw, line));
  }

  /** The header fields and message of a line, or why it is not one (shared with the scan). */
  split(raw: string): { fields: Record<string, string>; ts: string | null } | { reason: string } {
    const fields = matchLogFormat(this.format, raw);
    if (!fields) return { reason: `line does not match the log header ${this.spec.text.header}` };
    if (fields.Level !== undefined && this.levels.size && !this.levels.has(fields.Level.toUpperCase())) return { reason: `unknown level "${fields.Level}"` };
    const timeText = this.timeFields.map((f) => fields[f]).filter((v) => v !== undefined).join(' ');
    const ts = timeText ? parseTimestamp(timeText, this.ctx.opts.timezone) : null;
    if (!ts && this.spec.text.requireTime && this.timeFields.length) return { reason: `invalid timestamp "${timeText}"` };
    return { fields, ts };
  }

  private line(raw: string, line: number): void {
    const { ctx } = this;
    const source = ctx.opts.source;
    ctx.line();
    const split = this.split(raw);
    if ('reason' in split) return ctx.quarantine(line, raw, split.reason);
    const { fields, ts } = split;
    const content = fields.Content;
    const coded = EVENT_CODE.exec(content);
    const code = coded ? coded[1] : null;
    const message = ctx.mask.text(content);
    const matched = this.matcher?.match(message) ?? null;
    const other: Record<string, string> = {};
    for (const [k, v] of Object.entries(fields)) {
      if (k !== 'Content' && k !== 'Level' && k !== this.spec.text.assetField && !this.timeFields.includes(k) && v !== undefined) other[k] = ctx.mask.text(v);
    }
    const level = (fields.Level ?? 'INFO').toUpperCase();
    ctx.accept(EventRecord, {
      kind: 'event', id: recordId(source, line), source, line, ts, asset: fields[this.spec.text.assetField] || source,
      level: level === 'WARNING' ? 'WARN' : level, code, state: eventState(code, content), text: message,
      // a message no mined template covers (rare: a template generalised past it) is its own event
      template_id: matched?.templateId ?? (this.matcher ? templateId(skeleton(message.split(/\s+/))) : null),
      template: matched?.template ?? (this.matcher ? message : null),
      params: matched?.params ?? [],
      fields: other,
    }, line, raw);
  }
}
