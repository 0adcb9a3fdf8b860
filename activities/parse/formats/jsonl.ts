import { JsonEventParser } from '../parsers/jsonEvents';
import { learnLines, namesOnly, PARSE_BLOCK_BYTES, type SourceFormat } from './sourceFormat';

/** JSON lines of events (parsers/jsonEvents.ts): every string value is scanned for names. */
export const jsonl: SourceFormat = {
  detect: { extensions: ['.jsonl', '.ndjson'], firstLine: (line) => line.trimStart().startsWith('{') },
  series: false,
  blockBytes: PARSE_BLOCK_BYTES,
  prepares: false,
  scan: (ctx, spec) => ({
    block: (block) =>
      learnLines(block, (raw) => {
        const v = JSON.parse(raw) as Record<string, unknown>;
        for (const x of Object.values(v)) if (typeof x === 'string') ctx.mask.text(x);
      }),
    finish: () => namesOnly(spec),
  }),
  parser: (_model, ctx) => new JsonEventParser(ctx),
};
