import { activityInfo, heartbeat } from '@temporalio/activity';
import { readdir, rename, rm, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalJson } from './common/canonicalJson';
import { sha256, sha256File } from './common/files';
import { FILE_START } from './parse/chunks';
import { formatOf } from './parse/formats';
import { seriesFile, sourceRecordFiles, type ChunkProgress } from './parse/parseChunk';
import { ChunkThreads } from './parse/threads/chunkThreads';
import { carryTemplateIds } from './parse/templates/templateCarry';
import { calibrationBeside, calibrationPath, describeInputs, readModel, writeModel } from './parse/parseFile';
import { NonRetryableError } from './common/failures';
import { PiiMasker } from './parse/pii';
import { scanSource } from './parse/scanSource';
import { segmentSource, type SegmentedSource } from './parse/series/segmentSource';
import { missingConfigFiles, RunConfig, sourceParseOptions } from './run/config';
import { describeIssues } from './common/issues';
import type { ChunkSummary, InputRef, PreparedRun, ScanSummary } from './run/contracts';
import { asFailure, fail, type ActivityDeps } from './deps';

/**
 * Remove chunk outputs (and prepared chunks) of a source beyond its current chunk count (left by an earlier run of
 * the directory).
 */
async function removeStaleParts(outDir: string, source: string, chunks: number): Promise<void> {
  for (const dir of ['records', 'quarantine', 'prepared']) {
    for (const f of await readdir(join(outDir, dir)).catch(() => [] as string[])) {
      const m = f.startsWith(`${source}.`) ? /\.(\d{5})\.(?:jsonl(\.partial)?|txt)$/.exec(f) : null;
      if (m && Number(m[1]) >= chunks) await rm(join(outDir, dir, f), { force: true });
    }
  }
}

/** Inputs described before the run (a scheduled run's reads): each file is still there, at least as long. */
async function checkSources(sources: InputRef[]): Promise<InputRef[]> {
  for (const s of sources) {
    const st = await stat(s.path).catch(() => null);
    if (!st?.isFile()) throw new NonRetryableError('InputNotFound', `input file not found: ${s.path}`);
    if (st.size < s.bytes)
      throw new NonRetryableError('InputNotFound', `${s.path} is shorter (${st.size} bytes) than planned (${s.bytes})`);
  }
  return sources;
}

/**
 * How often an activity waiting on threads heartbeats: every 5 s, or more often under a heartbeat timeout
 * (`activities.heartbeatSeconds`, from 2 s) shorter than 10 s (the SDK throttles what is sent).
 */
const beatMs = (config: RunConfig) => Math.min(5_000, (config.activities.heartbeatSeconds * 1000) / 2);

/** What the parse activities of one worker share: its dependencies, the name keys, its chunk threads. */
interface ParseActivityContext {
  deps: ActivityDeps;
  keys: { pseudonymKey: string | null; digestKey: string };
  threads: ChunkThreads;
}

/** Stage 1: the sources - inputs checked, each scanned once, its chunks parsed, a table's series segmented. */
export function createParseActivities(deps: ActivityDeps) {
  const ctx: ParseActivityContext = {
    deps,
    keys: { pseudonymKey: deps.piiKey, digestKey: deps.digestKey },
    threads: new ChunkThreads(),
  };
  return {
    prepareRun: (input: Parameters<typeof prepareRunActivity>[1]) => prepareRunActivity(ctx, input),
    scanSource: (input: Parameters<typeof scanSourceActivity>[1]) => scanSourceActivity(ctx, input),
    parseChunk: (input: Parameters<typeof parseChunkActivity>[1]) => parseChunkActivity(ctx, input),
    segmentSeries: segmentSeriesActivity,
  };
}

/** Check every input exists and can be parsed; hash them; create the run directory. */
async function prepareRunActivity(
  ctx: ParseActivityContext,
  input: {
    inputs: string[];
    outDir: string;
    config: RunConfig;
    sources?: InputRef[];
  },
): Promise<PreparedRun> {
  const inputs = await asFailure(() => (input.sources ? checkSources(input.sources) : describeInputs(input.inputs)));
  // the same checks `forge run` made before it started the run, on this worker's view of the files
  const checked = RunConfig.safeParse(input.config);
  if (!checked.success) throw fail('InvalidConfig', `config: ${describeIssues(checked.error, '(root)')}`);
  const missing = await missingConfigFiles(input.config);
  if (missing.length) throw fail('InvalidConfig', missing.join('; '));
  await mkdir(input.outDir, { recursive: true });
  return { inputs, configHash: sha256(canonicalJson(input.config)).slice(0, 16), schemaFile: ctx.deps.schemaFile };
}

/** Stage 1a: one pass over a source: chunk plan, name digests, mined templates -> models/<source>.json. */
async function scanSourceActivity(
  ctx: ParseActivityContext,
  input: { source: InputRef; outDir: string; config: RunConfig },
): Promise<ScanSummary> {
  const { source, outDir, config } = input;
  // a scheduled version knows the names the earlier versions learned of the source (as keyed digests): a name
  // learned beside a keyword in an earlier version is masked where it stands alone in this one
  const previous = source.previousModel ? await readModel(source.previousModel) : null;
  const opts = { ...sourceParseOptions(source, config, ctx.keys), knownNames: previous?.nameDigests ?? [] };
  if (previous?.keyCheck && previous.keyCheck !== new PiiMasker(opts.pii).keyCheck())
    throw new NonRetryableError(
      'InvalidConfig',
      `${source.name}: the earlier versions were read under another personal-data key - their learned names ` +
        "cannot be matched: keep FORGE_PII_KEY (or the installation key) across a schedule's runs",
    );
  // what was described is read: up to `bytes` (an incremental read ends at its last complete line)
  const range = { from: source.from ?? FILE_START, end: source.bytes };
  const [model, hash] = await asFailure(async () => {
    // a text log's chunks are prepared during its scan, on this process's threads (preparedScan.ts)
    const beat = setInterval(() => heartbeat({ scanning: source.name }), beatMs(config));
    try {
      return await Promise.all([
        scanSource(source.path, source.spec, {
          ...opts,
          outDir,
          prepare: ctx.threads.prepare,
          parallel: ctx.threads.size,
          range,
        }),
        sha256File(source.path),
      ]);
    } catch (e) {
      throw e instanceof NonRetryableError ? e : new NonRetryableError('UnreadableSource', (e as Error).message);
    } finally {
      clearInterval(beat);
    }
  });
  // a scheduled version's templates keep the ids the previous version published (templateCarry.ts)
  if (previous?.templates && model.templates)
    model.templates = carryTemplateIds(previous.templates.events, model.templates);
  const modelPath = await writeModel(outDir, model);
  await removeStaleParts(outDir, source.name, model.chunks.length);
  return {
    source: source.name,
    modelPath,
    chunks: model.chunks.length,
    sha256: hash,
    lines: model.lines,
    bytes: model.bytes,
    format: source.spec.format,
    series: formatOf(source.spec.format).series,
    ...(source.previousModel ? { previousModel: source.previousModel } : {}),
  };
}

/**
 * Stage 1b: parse one chunk. Progress is heartbeated after every block; a retried attempt resumes from
 * the last heartbeat with output identical to an undisturbed run.
 */
async function parseChunkActivity(
  ctx: ParseActivityContext,
  input: {
    modelPath: string;
    chunk: number;
    outDir: string;
    config: RunConfig;
  },
): Promise<ChunkSummary> {
  const model = await readModel(input.modelPath);
  const chunk = model.chunks[input.chunk];
  if (!chunk)
    throw fail(
      'InvalidConfig',
      `${model.source} has ${model.chunks.length} chunks, not chunk ${input.chunk} (the model ` +
        `file ${input.modelPath} changed since the scan?)`,
    );
  const resume = (activityInfo().heartbeatDetails as ChunkProgress | undefined) ?? null;
  // on one of this process's threads, so that several chunk activities at once use every core; one that
  // waits for a thread heartbeats meanwhile (with the progress it resumes from), so it is not timed out
  let last = resume;
  const beat = setInterval(() => heartbeat(last ?? undefined), beatMs(input.config));
  try {
    return await asFailure(() =>
      ctx.threads
        .parse(
          {
            model,
            chunk,
            outDir: input.outDir,
            resume,
            opts: sourceParseOptions({ name: model.source, spec: model.spec }, input.config, ctx.keys),
          },
          (p) => heartbeat((last = p)),
        )
        .catch((e) => {
          throw e instanceof NonRetryableError
            ? e
            : new NonRetryableError('UnreadableSource', `${model.source}: ${(e as Error).message}`);
        }),
    );
  } finally {
    clearInterval(beat);
  }
}

/**
 * Stage 1c: windows, changes, state events and unit anomalies of a table source's series ->
 * records/<source>.series.jsonl.
 */
async function segmentSeriesActivity(input: {
  source: string;
  modelPath: string;
  chunks: number;
  outDir: string;
  config: RunConfig;
  /** a scheduled version: the previous version's model of the source, whose calibration carries over */
  previousModel?: string;
}): Promise<Omit<SegmentedSource, 'monitors' | 'carry'> & { path: string }> {
  const path = seriesFile(input.outDir, input.source);
  const tmp = `${path}.partial`;
  const counts = await asFailure(async () =>
    segmentSource({
      source: input.source,
      spec: (await readModel(input.modelPath)).spec,
      files: sourceRecordFiles(input.outDir, input),
      out: tmp,
      series: input.config.series,
      onProgress: () => heartbeat(),
      calibrationOut: calibrationPath(input.outDir, input.source),
      ...(input.previousModel ? { previousCalibration: calibrationBeside(input.previousModel, input.source) } : {}),
    }),
  );
  await rename(tmp, path);
  // per unit and tag, in the calibration file: a reference, not a payload
  const { monitors: _perUnit, carry: _perTag, ...rest } = counts;
  return { path, ...rest };
}
