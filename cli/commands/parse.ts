import { join, resolve } from 'node:path';
import { FORMAT_NAMES, formatOf, type SourceFormatName } from '../../activities/parse/formats';
import { calibrationPath, describeInputs, type InputRef, writeModel } from '../../activities/parse/parseFile';
import { runChunk } from '../../activities/parse/preparedChunk';
import { scanSource } from '../../activities/parse/scanSource';
import type { ReferenceReport } from '../../activities/parse/series/referenceReport';
import type { UnitWatch } from '../../activities/parse/series/segmentFiles';
import { segmentSource } from '../../activities/parse/series/segmentSource';
import type { SourceModel } from '../../activities/parse/sourceModel';
import { SourceSpec } from '../../activities/parse/sourceSpec';
import { ChunkThreads } from '../../activities/parse/threads/chunkThreads';
import { loadRunConfig, type RunConfig, sourceParseOptions } from '../../activities/run/config';
import type { ParseSummary } from '../../activities/run/contracts';
import type { ForgeEnv } from '../../infra/env';
import { piiDigestKey } from '../../infra/piiKey';
import { addChunk, EMPTY_TOTALS, finishSource } from '../../workflows/stageOne';
import { out, parseFlags, UsageError } from '../args';

/**
 * `forge parse --source FILE_OR_CONFIG... --out DIR [--format F] [--header FMT] [--config FILE]`: stage one alone,
 * no servers - the stage functions the parseSource workflow calls, in its order, with the chunks on threads.
 */
export async function parseCommand(args: string[], env: ForgeEnv): Promise<void> {
  const { values } = parseFlags(args, {
    source: { type: 'string', multiple: true },
    out: { type: 'string' },
    format: { type: 'string' },
    header: { type: 'string' },
    config: { type: 'string' },
  });
  if (!values.source?.length || !values.out)
    throw new UsageError('parse needs --source FILE (one or more) and --out DIR');
  const formats: readonly string[] = FORMAT_NAMES;
  if (values.format !== undefined && !formats.includes(values.format))
    throw new UsageError(`--format must be one of ${formats.join(', ')}`);
  const config = await loadRunConfig(values.config ?? null, []);
  const outDir = resolve(values.out);
  const keys = { pseudonymKey: env.piiKey, digestKey: piiDigestKey(env) };
  const threads = new ChunkThreads();
  try {
    for (const ref of await describeInputs(values.source, values.format as SourceFormatName | undefined)) {
      if (values.header !== undefined) {
        if (ref.spec.format !== 'text')
          throw new UsageError(`--header applies to text logs; ${ref.name} is ${ref.spec.format}`);
        ref.spec = SourceSpec.parse({ ...ref.spec, text: { ...ref.spec.text, header: values.header } });
      }
      await parseOneSource(ref, sourceParseOptions(ref, config, keys), config, outDir, threads);
    }
  } finally {
    await threads.close();
  }
}

/** One source: its scan (model, notes), its chunks, then the totals, the verdict and a table's series. */
async function parseOneSource(
  ref: InputRef,
  opts: ReturnType<typeof sourceParseOptions>,
  config: RunConfig,
  outDir: string,
  threads: ChunkThreads,
): Promise<void> {
  const model = await scanSource(ref.path, ref.spec, {
    ...opts,
    outDir,
    prepare: threads.prepare,
    parallel: threads.size,
  });
  for (const note of model.notes) out(`${ref.name}: ${note}`);
  await writeModel(outDir, model);
  // the chunks on threads, one per core (a source of one chunk in this thread); then the sequence the
  // parseSource workflow follows: totals added up, the verdict, a table's series (workflows/stageOne.ts)
  const outputs =
    model.chunks.length > 1
      ? await Promise.all(model.chunks.map((chunk) => threads.parse({ model, chunk, outDir, opts })))
      : await Promise.all(model.chunks.map((chunk) => runChunk({ model, chunk, outDir, opts })));
  const totals = { ...EMPTY_TOTALS, pii: {} };
  for (const c of outputs) addChunk(totals, c);
  // what segmentation says beyond the summary's counts: the units monitored, how, and the reference's verdict
  const seg: { units: number; reference: ReferenceReport | null; monitors: Record<string, UnitWatch> } = {
    units: 0,
    reference: null,
    monitors: {},
  };
  const fail = (message: string): never => {
    throw new Error(message);
  };
  const summary = await finishSource(
    { source: ref.name, chunks: model.chunks.length, series: formatOf(ref.spec.format).series },
    totals,
    outDir,
    {
      fail,
      segment: async () => {
        const s = await segmentSource({
          source: ref.name,
          spec: model.spec,
          files: outputs.map((c) => c.recordsPath),
          out: join(outDir, 'records', `${ref.name}.series.jsonl`),
          series: config.series,
          calibrationOut: calibrationPath(outDir, ref.name),
        });
        seg.units = s.units;
        seg.reference = s.reference;
        seg.monitors = s.monitors;
        return { windows: s.windows, changes: s.changes, states: s.states, anomalies: s.anomalies };
      },
    },
  );
  out(sourceLine(ref.name, model, summary, seg.units));
  if (seg.reference) out(`${ref.name}: ${seg.reference.summary}`);
  for (const line of ownBands(seg.monitors)) out(`${ref.name}: ${line}`);
}

/** The units watched against their own band (or with none), a line each for a few, a count for many. */
function ownBands(monitors: Record<string, UnitWatch>): string[] {
  const own = Object.entries(monitors).filter(([, w]) => w.by !== 'reference');
  if (own.length <= SHOWN_UNITS) return own.map(([asset, w]) => `unit ${asset}: ${w.note}`);
  const bands = own.filter(([, w]) => w.by === 'band').length;
  return [
    `${bands} unit(s) watched against their own band, ${own.length - bands} without one (the calibration file ` +
      'under models/ says which tags and why)',
  ];
}
const SHOWN_UNITS = 3;

/** `<source>: N lines -> R records, Q quarantined (chunks, templates, time); series: ...` */
function sourceLine(name: string, model: SourceModel, summary: ParseSummary, units: number): string {
  const { lines, records, quarantined, untimed } = summary;
  const s = summary.series;
  const series = s
    ? `; series: ${s.windows} windows, ${s.changes} changes, ${s.states} state ` +
      `events${units ? `, ${s.anomalies} anomalies of ${units} unit(s)` : ''}`
    : '';
  const noTime = untimed ? `, ${untimed} without a readable time` : '';
  const time = model.time ? `, time ${model.time.fields.join('+')} as ${model.time.format}${noTime}` : '';
  const templates = model.templates ? `, ${Object.keys(model.templates.events).length} templates` : '';
  return (
    `${name}: ${lines} lines -> ${records} records, ${quarantined} quarantined ` +
    `(${model.chunks.length} chunks${templates}${time})${series}`
  );
}
