import { WorkOrderRecord } from './records';
import { isNameField } from './pii';
import { parseTimestamp } from './timestamps';
import { ParseContext, recordId, type ParseOptions, type ParseResult } from './parseResult';

const REQUIRED = ['symptom', 'cause', 'action'] as const;

/**
 * Work orders exported one per line: `id | opened | asset | key: value | key: value ...`; `#` starts a comment.
 * symptom, cause and action are required; `downtime_min` is read as a number.
 */
export function parseWorkOrders(text: string, opts: ParseOptions): ParseResult {
  const ctx = new ParseContext(opts);
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) return;
    ctx.line();
    const cells = raw.split('|').map((c) => c.trim());
    if (cells.length < 3) return ctx.quarantine(line, raw, 'expected "id | opened | asset | key: value ..."');
    const [orderId, opened, asset, ...rest] = cells;
    const ts = parseTimestamp(opened, opts.timezone);
    const fields: Record<string, string> = {};
    const problems: string[] = [];
    if (!ts) problems.push(`invalid opened time "${opened}"`);
    for (const cell of rest) {
      const kv = /^([^:：]+)[:：]\s*(.*)$/s.exec(cell);
      if (!kv) { problems.push(`field without key: "${ctx.mask.text(cell)}"`); continue; }
      const key = kv[1].trim().toLowerCase();
      fields[key] = isNameField(key) ? ctx.mask.nameField(kv[2]) : ctx.mask.text(kv[2]);
    }
    const missing = REQUIRED.filter((k) => !fields[k]);
    if (missing.length) problems.push(`missing ${missing.join(', ')}`);
    const downtime = fields.downtime_min !== undefined ? Number(fields.downtime_min) : null;
    if (downtime !== null && !Number.isFinite(downtime)) problems.push(`downtime_min is not a number: "${fields.downtime_min}"`);
    if (problems.length) return ctx.quarantine(line, raw, problems.join('; '));
    const { symptom, cause, action, downtime_min: _d, ...others } = fields;
    const candidate = {
      kind: 'work_order', id: recordId(opts.source, line), source: opts.source, line, ts, asset, order_id: orderId,
      symptom, cause, action, fields: others, downtime_min: downtime,
    };
    ctx.accept(WorkOrderRecord, candidate, line, raw);
  });
  return ctx.finish();
}
