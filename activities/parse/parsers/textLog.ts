import { EventRecord } from '../records';
import { eventHead, type ParseContext, type SourceParser } from '../parseResult';
import type { SourceSpec } from '../sourceSpec';
import type { SourceTime } from '../sourceModel';
import { compileLogFormat, matchLogFormat, type LogFormat } from '../templates/logFormat';
import { templateId, type TemplateMatcher } from '../templates/templateModel';
import { skeleton } from '../templates/drain';
import { compileTimeFormat, type TimeReader } from '../timeFormats';
import { normaliseLevel } from '../levels';
import { eachLine } from './lines';

const EVENT_CODE = /^([A-Z]{2,6}-\d{2,6})\b[\s:：,，]*(.*)$/s;
const CLEARED = /\b(cleared|reset|acknowledged and cleared|recovered)\b|报警解除|已解除|恢复正常/i;

export function eventState(code: string | null, message: string): EventRecord['state'] {
  if (!code) return 'info';
  return CLEARED.test(message) ? 'cleared' : 'raised';
}

/**
 * A free-text log, Chinese and English mixed, in a configurable header format. The message is masked,
 * then matched against the source's mined templates: the template id is the event type, the template's
 * variables the record's typed parameters. The time is read with the format the scan detected (or the
 * configured one); a line whose time cannot be read keeps its record, with `ts: null` and the time text.
 */
export class TextLogParser implements SourceParser {
  private readonly format: LogFormat;
  private readonly readTime: TimeReader | null;
  private readonly timeFields: string[];

  constructor(
    private readonly ctx: ParseContext,
    private readonly spec: SourceSpec,
    private readonly matcher: TemplateMatcher | null,
    time: SourceTime | null,
  ) {
    this.format = compileLogFormat(spec.text.header);
    this.timeFields = time?.fields ?? [];
    this.readTime = time ? compileTimeFormat(time.format, { offset: ctx.opts.timezone, year: time.year }) : null;
  }

  get headerFields(): readonly string[] {
    return this.format.fields;
  }

  block(text: string, firstLine: number): void {
    eachLine(text, firstLine, (raw, line) => this.ctx.guard(line, raw, () => this.line(raw, line)));
  }

  /** The header fields of a line (the message in `Content`), or null when it does not have the header format. */
  split(raw: string): Record<string, string> | null {
    return matchLogFormat(this.format, raw);
  }

  private line(raw: string, line: number): void {
    const { ctx } = this;
    const source = ctx.opts.source;
    ctx.line();
    const fields = this.split(raw);
    if (!fields) return ctx.quarantine(line, raw, `line does not match the log header ${this.spec.text.header}`);
    const timeText = this.timeFields
      .map((f) => fields[f] ?? '')
      .join(' ')
      .trim();
    const ms = this.readTime && timeText ? this.readTime(timeText) : null;
    if (ms === null && timeText) ctx.untimed();
    const content = fields.Content;
    const coded = EVENT_CODE.exec(content);
    const code = coded ? ctx.mask.text(coded[1]) : null;
    const message = ctx.mask.text(content);
    const matched = this.matcher?.match(message) ?? null;
    const other: Record<string, string> = {};
    const assetField = this.spec.text.assetField;
    for (const [k, v] of Object.entries(fields)) {
      if (k !== 'Content' && k !== 'Level' && k !== assetField && !this.timeFields.includes(k) && v !== undefined)
        other[ctx.mask.text(k)] = ctx.mask.text(v);
    }
    ctx.accept(
      EventRecord,
      {
        ...eventHead(source, line, ms),
        ...(ms === null && timeText ? { time_text: ctx.mask.text(timeText) } : {}),
        asset: (fields[assetField] ? ctx.mask.text(fields[assetField]) : '') || source,
        level: fields.Level === undefined ? 'INFO' : normaliseLevel(ctx.mask.text(fields.Level)),
        code,
        state: eventState(code, content),
        text: message,
        // a message no mined template covers (rare: a template generalised past it) is its own event
        template_id: matched?.templateId ?? (this.matcher ? templateId(skeleton(message.split(/\s+/))) : null),
        template: matched?.template ?? (this.matcher ? message : null),
        params: matched?.params ?? [],
        fields: other,
      },
      line,
      raw,
    );
  }
}
