import { WorkOrderRecord } from '../records';
import { isNameField } from '../pii';
import { parseTimestamp } from '../timestamps';
import { recordId, type ParseContext, type SourceParser } from '../parseResult';
import { eachLine } from './lines';

const REQUIRED = ['symptom', 'cause', 'action'] as const;

/**
 * Work orders exported one per line: `id | opened | asset | key: value | key: value ...`; `#` starts a comment.
 * symptom, cause and action are required; `downtime_min` is read as a number. Every part is PII-masked: the
 * id, the asset, keys and values (a key given twice quarantines the line rather than overwrite).
 */
export class WorkOrderParser implements SourceParser {
  constructor(private readonly ctx: ParseContext) {}

  block(text: string, firstLine: number): void {
    eachLine(text, firstLine, (raw, line) => {
      if (!raw.trimStart().startsWith('#')) this.ctx.guard(line, raw, () => this.line(raw, line));
    });
  }

  private line(raw: string, line: number): void {
    const { ctx } = this;
    const source = ctx.opts.source;
    ctx.line();
    const cells = workOrderCells(raw);
    if (cells.length < 3) return ctx.quarantine(line, raw, 'expected "id | opened | asset | key: value ..."');
    const [orderId, opened, asset, ...rest] = cells;
    const ts = parseTimestamp(opened, ctx.opts.timezone);
    const fields: Record<string, string> = {};
    const problems: string[] = [];
    if (!ts) problems.push(`invalid opened time "${opened}"`);
    for (const cell of rest) {
      const kv = keyValue(cell);
      if (!kv) {
        problems.push(`field without key: "${ctx.mask.text(cell)}"`);
        continue;
      }
      const key = kv.key.toLowerCase();
      const value = isNameField(key) ? ctx.mask.nameField(kv.value) : ctx.mask.text(kv.value);
      const masked = ctx.mask.text(key);
      if (fields[masked] !== undefined) {
        problems.push(`field "${masked}" given twice`);
        continue;
      }
      fields[masked] = value;
    }
    const missing = REQUIRED.filter((k) => !fields[k]);
    if (missing.length) problems.push(`missing ${missing.join(', ')}`);
    const downtime = fields.downtime_min !== undefined ? Number(fields.downtime_min) : null;
    if (downtime !== null && !Number.isFinite(downtime))
      problems.push(`downtime_min is not a number: "${fields.downtime_min}"`);
    if (problems.length) return ctx.quarantine(line, raw, problems.join('; '));
    const { symptom, cause, action, downtime_min: _d, ...others } = fields;
    ctx.accept(
      WorkOrderRecord,
      {
        kind: 'work_order',
        id: recordId(source, line),
        source,
        line,
        ts,
        asset: ctx.mask.text(asset),
        order_id: ctx.mask.text(orderId),
        symptom,
        cause,
        action,
        fields: others,
        downtime_min: downtime,
      },
      line,
      raw,
    );
  }
}

/** The work-order grammar, for the parser and the scan's name learning: a line's `|`-separated cells, trimmed. */
export const workOrderCells = (raw: string): string[] => raw.split('|').map((c) => c.trim());

/** A cell's `key: value` (`:` or `：`), or null for a cell without a key. */
export function keyValue(cell: string): { key: string; value: string } | null {
  const kv = /^([^:：]+)[:：]\s*(.*)$/s.exec(cell);
  return kv ? { key: kv[1].trim(), value: kv[2] } : null;
}
