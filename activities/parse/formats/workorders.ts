import { isNameField } from '../pii';
import { keyValue, workOrderCells, WorkOrderParser } from '../parsers/workOrders';
import { learnLines, namesOnly, PARSE_BLOCK_BYTES, type SourceFormat } from './sourceFormat';

/** a work order's first line: its id (letters, a dash, more), then a pipe */
const WORK_ORDER_LINE = /^[A-Z]{2,5}-[\w-]+\s*\|/;

/** Pipe-separated work orders (parsers/workOrders.ts): a name field's value is learned as a name, other cells read. */
export const workorders: SourceFormat = {
  detect: { firstLine: (line) => WORK_ORDER_LINE.test(line) },
  series: false,
  blockBytes: PARSE_BLOCK_BYTES,
  prepares: false,
  scan: (ctx, spec) => ({
    block: (block) =>
      learnLines(block, (raw) => {
        if (raw.trimStart().startsWith('#')) return;
        for (const cell of workOrderCells(raw)) {
          const kv = keyValue(cell);
          if (kv && isNameField(kv.key)) ctx.mask.nameField(kv.value);
          else ctx.mask.text(cell);
        }
      }),
    finish: () => namesOnly(spec),
  }),
  parser: (_model, ctx) => new WorkOrderParser(ctx),
};
