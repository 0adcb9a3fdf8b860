import type { SourceFormat } from './records';
import { parseCsvSeries } from './parseCsvSeries';
import { parseJsonEvents } from './parseJsonEvents';
import { parseTextLog } from './parseTextLog';
import { parseWorkOrders } from './parseWorkOrders';
import type { ParseOptions, ParseResult } from './parseResult';

const PARSERS: Record<SourceFormat, (text: string, opts: ParseOptions) => ParseResult> = {
  csv: parseCsvSeries,
  jsonl: parseJsonEvents,
  text: parseTextLog,
  workorders: parseWorkOrders,
};

/** Parse one source's text with the parser for its format. */
export function parseSourceText(format: SourceFormat, text: string, opts: ParseOptions): ParseResult {
  return PARSERS[format](text, opts);
}
