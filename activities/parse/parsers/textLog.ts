import { EventRecord } from '../records';
import { eventHead, recordId, type ParseContext, type SourceParser } from '../parseResult';
import type { SourceSpec } from '../sourceSpec';
import type { SourceTime } from '../sourceModel';
import { compileLogFormat, matchLogFormat, type LogFormat } from '../templates/logFormat';
import {
  compileSlots,
  drainOptions,
  paramsJson,
  templateId,
  type CompiledSlot,
  type TemplateMatcher,
} from '../templates/templateModel';
import { Drain, skeleton } from '../templates/drain';
import { compileTimeFormat, type TimeReader } from '../timeFormats';
import { normaliseLevel } from '../levels';
import { isoInstant } from '../timestamps';
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
  /** the header fields a record keeps in `fields`, in the header's order */
  private readonly otherFields: string[];
  /** their names as JSON strings */
  private readonly fieldKeys: string[];
  private readonly sourceJson: string;
  /** masks messages as the miner does (its masks only: the tree is the matcher's) */
  private readonly masker: Drain;

  constructor(
    private readonly ctx: ParseContext,
    private readonly spec: SourceSpec,
    private readonly matcher: TemplateMatcher | null,
    time: SourceTime | null,
  ) {
    this.format = compileLogFormat(spec.text.header);
    this.masker = new Drain(drainOptions(spec.text.miner));
    this.timeFields = time?.fields ?? [];
    const kept = new Set(['Content', 'Level', spec.text.assetField, ...this.timeFields]);
    this.otherFields = this.format.fields.filter((f) => !kept.has(f));
    this.fieldKeys = this.otherFields.map((f) => JSON.stringify(f));
    this.sourceJson = JSON.stringify(ctx.opts.source);
    this.readTime = time ? compileTimeFormat(time.format, { offset: ctx.opts.timezone, year: time.year }) : null;
  }

  get headerFields(): readonly string[] {
    return this.format.fields;
  }

  block(text: string, firstLine: number): void {
    eachLine(text, firstLine, (raw, line) => this.ctx.guard(line, raw, () => this.line(raw, line)));
  }

  /** The time text of a line whose time spans several fields (Date and Time). */
  private joinedTime(fields: Record<string, string>): string {
    let text = '';
    for (let i = 0; i < this.timeFields.length; i++) text += `${i ? ' ' : ''}${fields[this.timeFields[i]] ?? ''}`;
    return text.trim();
  }

  /** The header fields of a line (the message in `Content`), or null when it does not have the header format. */
  split(raw: string): Record<string, string> | null {
    return matchLogFormat(this.format, raw);
  }

  private line(raw: string, line: number): void {
    const parts = this.parts(raw, line);
    if (parts) this.ctx.acceptJson(eventJson(parts, this.matcher));
  }

  /**
   * A line's event up to its template (null when the line was quarantined): the record's head and fields as
   * JSON, and the message masked for the miner. `eventJson` completes it, here or after the source's
   * templates are mined (preparedChunk.ts).
   */
  parts(raw: string, line: number): EventParts | null {
    const { ctx } = this;
    const source = ctx.opts.source;
    ctx.line();
    const fields = this.split(raw);
    if (!fields) {
      ctx.quarantine(line, raw, `line does not match the log header ${this.spec.text.header}`);
      return null;
    }
    const timeText = this.timeFields.length === 1 ? (fields[this.timeFields[0]] ?? '').trim() : this.joinedTime(fields);
    const ms = this.readTime && timeText ? this.readTime(timeText) : null;
    if (ms === null && timeText) ctx.untimed();
    const content = fields.Content;
    const coded = EVENT_CODE.exec(content);
    const code = coded ? ctx.mask.text(coded[1]) : null;
    // (masked per field with its last value kept: a log repeats its messages, components and levels line after
    // line; the header's other fields have slots 0..n-1)
    const slot = this.otherFields.length;
    const message = ctx.mask.cell(slot, content, false);
    const other: Record<string, string> = {};
    // the fields' JSON written here, as JSON.stringify(other) writes it (V8's is slow on objects of keys added one
    // by one); an object's if masking changed a field's name (two names may then be one key)
    let fieldsJson = '{';
    let renamed = false;
    for (let i = 0; i < this.otherFields.length; i++) {
      const k = this.otherFields[i];
      const v = fields[k];
      if (v === undefined) continue;
      const key = ctx.mask.text(k);
      const value = ctx.mask.cell(i, v, false);
      other[key] = value;
      renamed ||= key !== k;
      fieldsJson += `${fieldsJson.length > 1 ? ',' : ''}${this.fieldKeys[i]}:${JSON.stringify(value)}`;
    }
    fieldsJson = renamed ? JSON.stringify(other) : `${fieldsJson}}`;
    const assetField = this.spec.text.assetField;
    const asset = (fields[assetField] ? ctx.mask.cell(slot + 1, fields[assetField], false) : '') || source;
    const timeMasked = ms === null && timeText ? ctx.mask.text(timeText) : null;
    const level = fields.Level === undefined ? 'INFO' : normaliseLevel(ctx.mask.cell(slot + 2, fields.Level, false));
    const ts = ms === null ? null : isoInstant(ms);
    // the schema checks what construction does not settle (a time outside years 0-9999 is no ISO instant)
    if (ts !== null && ts.length !== 24) {
      const candidate = { ...eventHead(source, line, ms), asset, level, code, state: eventState(code, content) };
      ctx.accept(
        EventRecord,
        { ...candidate, text: message, template_id: null, template: null, params: [], fields: other },
        line,
        raw,
      );
      return null;
    }
    // the record's JSON up to its text, the keys in the schema's order (EventRecord; a test compares)
    const head =
      `{"kind":"event","id":"${recordId(source, line)}","source":${this.sourceJson},"line":${line},` +
      `"ts":${ts === null ? 'null' : `"${ts}"`},"asset":${JSON.stringify(asset)},` +
      (timeMasked === null ? '' : `"time_text":${JSON.stringify(timeMasked)},`) +
      `"level":${JSON.stringify(level)},"code":${code === null ? 'null' : JSON.stringify(code)},` +
      `"state":"${eventState(code, content)}","text":${JSON.stringify(message)}`;
    const masked = this.masker.mask(message);
    return { head, fields: fieldsJson, message: masked.tokens.join(' '), masked: masked.masked };
  }
}

/**
 * A text event's record line: its head, its template (or, when no mined template covers the message, the
 * message as its own event), its fields. The keys in the schema's order, so that the line is the JSON of the
 * record as the schema gives it.
 */
export function eventJson(parts: EventParts, matcher: TemplateMatcher | null): string {
  let event = '"template_id":null,"template":null,"params":[]';
  if (matcher) {
    const known = eventOf(matcher, parts.message);
    if (known) event = `${known.event},"params":${paramsJson(known.slots, parts.masked)}`;
    else {
      // a message no mined template covers (rare: a template generalised past it) is its own event
      const text = (JSON.parse(`${parts.head}}`) as EventRecord).text;
      const id = templateId(skeleton(text.split(/\s+/)));
      event = `"template_id":${JSON.stringify(id)},"template":${JSON.stringify(text)},"params":[]`;
    }
  }
  return `${parts.head},${event},"fields":${parts.fields}}`;
}

/** A masked message's event as JSON, and its parameters' slots: what its record line takes from the model. */
interface KnownEvent {
  event: string;
  slots: CompiledSlot[];
}

/**
 * The event of each masked message, per model: a pure function of the message's masked tokens (`matchTokens`),
 * and masked messages repeat - 107 distinct in OpenStack's 2,000 lines, 6,354 in Loghub-2k's 32,000 - so a
 * record is its masked values written into its message's event. Bounded: emptied past `KNOWN_MAX` messages.
 */
const KNOWN = new WeakMap<TemplateMatcher, Map<string, KnownEvent | null>>();
const KNOWN_MAX = 10_000;

function eventOf(matcher: TemplateMatcher, message: string): KnownEvent | null {
  let known = KNOWN.get(matcher);
  if (!known) KNOWN.set(matcher, (known = new Map()));
  let ev = known.get(message);
  if (ev === undefined) {
    const m = matcher.matchTokens(message === '' ? [] : message.split(' '));
    ev = m && {
      event: `"template_id":${JSON.stringify(m.templateId)},"template":${JSON.stringify(m.template)}`,
      slots: compileSlots(m.slots),
    };
    if (known.size >= KNOWN_MAX) known.clear();
    known.set(message, ev);
  }
  return ev;
}

/** A text event before its template: the record's JSON up to `text` (without its closing brace), and more. */
export interface EventParts {
  head: string;
  /** the other header fields, masked, as JSON */
  fields: string;
  /** the message as the miner masks it: its tokens, a space apart */
  message: string;
  /** the values its masks replaced, in order */
  masked: string[];
}
