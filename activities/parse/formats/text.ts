import { TextLogParser } from '../parsers/textLog';
import { naiveText, sourceTime, TIME_SAMPLE } from '../sourceTime';
import { Drain } from '../templates/drain';
import { EnumerationCounter } from '../templates/enumerations';
import { drainOptions, freezeTemplates, TemplateMatcher } from '../templates/templateModel';
import { learnLines, type SourceFormat } from './sourceFormat';

/**
 * A free-text log (parsers/textLog.ts): the scan splits each line by the header format, masks its message, mines
 * the templates from the masked messages (templates/drain.ts) and samples the header fields to detect the time.
 * Blocks of 64 KiB - a block's records (~3x its bytes, as JSON) then die young; forge parse on 400,000 OpenStack
 * lines took 5.2 s with 64 KiB blocks, 5.7 s with 256 KiB, 6.4 s with 1 MiB, 5.9 and 6.3 s with 32 and 16 KiB
 * (per-block costs). Its prepared and raw chunk passes read the same blocks, so that they write the same bytes (a
 * block's unreadable lines are quarantined first).
 */
export const text: SourceFormat = {
  detect: { fallbackExtensions: ['.log', '.txt'] },
  series: false,
  blockBytes: 64 << 10,
  prepares: true,
  scan: (ctx, spec, opts) => {
    const drain = new Drain(drainOptions(spec.text.miner));
    const enumerations = new EnumerationCounter();
    const splitter = new TextLogParser(ctx, spec, null, null);
    const timeSample: Record<string, string>[] = [];
    return {
      block: (block) =>
        learnLines(block, (raw) => {
          const fields = splitter.split(raw);
          if (!fields) return;
          const { cluster, message } = drain.add(ctx.mask.text(fields.Content));
          enumerations.observe(cluster.id, message.tokens);
          if (timeSample.length < TIME_SAMPLE) timeSample.push(fields);
        }),
      finish: () => {
        const time = sourceTime(spec, splitter.headerFields, timeSample, opts);
        return {
          spec,
          headerLine: null,
          templates: freezeTemplates(drain, spec.text.miner, enumerations),
          time,
          naive: naiveText(time, timeSample),
          notes: [],
        };
      },
    };
  },
  parser: (model, ctx) =>
    new TextLogParser(ctx, model.spec, model.templates ? new TemplateMatcher(model.templates) : null, model.time),
};
