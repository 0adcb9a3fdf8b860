import { activityInfo, heartbeat, ApplicationFailure } from '@temporalio/activity';
import { readFile, readdir, rename, rm, stat, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Driver } from 'neo4j-driver';
import { canonicalJson } from './common/canonicalJson';
import { readJsonl, sha256, sha256File, toJsonl, writeFileAtomic } from './common/files';
import { readLineBlocks, type LineBlock } from './parse/chunks';
import { parseChunkToFiles, seriesFile, sourceRecordFiles, type ChunkProgress } from './parse/parseChunk';
import { describeInputs, InputError, readModel, writeModel } from './parse/parseFile';
import type { PiiOptions } from './parse/pii';
import { grownPast, scanBlockBytes, scanBlocks } from './parse/scanSource';
import { segmentRecordFiles } from './parse/series/segmentFiles';
import { DEFAULT_SERIES_OPTIONS } from './parse/series/segmentSeries';
import { OperationRecord } from './parse/records';
import { DEFAULT_DERIVE_OPTIONS, FactInputs } from './knowledge/deriveFacts';
import { checkGraphFormulas } from './knowledge/graphSnapshot';
import { Fact } from './knowledge/facts';
import { costOf, dedupDocuments, expandJobs, type Rejected, type TextExpander } from './expand/expandFacts';
import type { TextJudge } from './expand/llmJudge';
import { batchPath, batchRejectedPath, readJobBatch, writeJobPlan } from './expand/jobFile';
import { planJobs } from './expand/jobs';
import { OFFLINE_GENERATOR, offlineExpander } from './expand/offlineExpander';
import { assessQuality, describeQuality, inFailedGroup, type QualityReport } from './expand/qualityFloor';
import { EndpointRefused, LlmExpander } from './expand/llmExpander';
import { loadDedupIndex, saveDedupIndex } from './expand/dedupIndexFile';
import { curriculumOrder, mixReal, planCorpus, replaceShards, reviewSample } from './expand/assemble';
import { documentsPath, readBackup, readDocuments, readPlan, realPath, samplePath, writeDocuments, writePlan } from './expand/corpusFiles';
import { rejectedLine, RejectedLine, type CorpusDocument, type RealDocument, type ShardDocument } from './expand/documents';
import { writeShards } from './expand/shards';
import { buildManifest, datasetCard, roundUsd } from './run/buildManifest';
import { mixOf, sourceParseOptions, type RunConfig } from './run/config';
import type { NonRetryable } from '../workflows/errors';
import type { BatchSummary, ChunkSummary, CorpusPlanSummary, CorpusSummary, ExpandSummary, ExpandTotals, FactsSummary, InputRef, PreparedRun, RunResult, ScanSummary } from './run/contracts';
import { isUnavailable, mergeFacts, neo4jUnreachable, readGraphSnapshot, loadGraphFiles } from '../graphs/store';

export interface ActivityDeps {
  driver: Driver;
  neo4jUri: string;
  /** the expander for a run's settings: the offline templates, or the configured LLM endpoint */
  /** the expander for a run's settings; an LLM one caches its requests under `cacheDir` */
  expanderFor: (settings: RunConfig['expand'], cacheDir: string) => TextExpander;
  /** the optional LLM judge of the run's settings (expand.judge), or null */
  judgeFor?: (settings: RunConfig['expand']) => TextJudge | null;
  /** the graph schema file, loaded before any domain graph */
  schemaFile: string;
  /** the key of name pseudonyms (FORGE_PII_KEY); null masks names as [NAME] */
  piiKey: string | null;
  /** key of the name digests: FORGE_PII_KEY or the installation's (infra/piiKey.ts) */
  digestKey: string;
}

const fail = (type: NonRetryable, message: string) => ApplicationFailure.nonRetryable(message, type);

/** Input errors become non-retryable failures carrying their message. */
async function asFailure<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof InputError) throw fail(e.type, e.message);
    throw e;
  }
}

/** Neo4j calls: an unreachable database becomes one clear (retryable) message naming the URI. */
async function withNeo4j<T>(uri: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isUnavailable(e)) throw ApplicationFailure.retryable(neo4jUnreachable(uri, e).message, 'Neo4jUnavailable');
    throw e;
  }
}

/** Remove chunk outputs of a source beyond its current chunk count (left by an earlier run of the directory). */
async function removeStaleParts(outDir: string, source: string, chunks: number): Promise<void> {
  for (const dir of ['records', 'quarantine']) {
    for (const f of await readdir(join(outDir, dir)).catch(() => [] as string[])) {
      const m = f.startsWith(`${source}.`) ? /\.(\d{5})\.jsonl(\.partial)?$/.exec(f) : null;
      if (m && Number(m[1]) >= chunks) await rm(join(outDir, dir, f), { force: true });
    }
  }
}

/** Thin activities around the pure stages; dependencies (one Neo4j driver, the expander) are injected. */
export function createActivities(deps: ActivityDeps) {
  const keys = { pseudonymKey: deps.piiKey, digestKey: deps.digestKey };
  const piiOptions = (config: RunConfig): PiiOptions => ({ ...config.pii, ...keys });
  return {
    /** Check every input exists and can be parsed; hash them; create the run directory. */
    async prepareRun(input: { inputs: string[]; outDir: string; config: RunConfig }): Promise<PreparedRun> {
      const inputs = await asFailure(() => describeInputs(input.inputs));
      for (const g of input.config.graphs) {
        if (!(await stat(g).catch(() => null))) throw fail('InvalidConfig', `graph file not found: ${g}`);
      }
      if (input.config.backup.path && !(await stat(input.config.backup.path).catch(() => null))) throw fail('InvalidConfig', `backup corpus not found: ${input.config.backup.path}`);
      if ((input.config.review.minQuality > 0 || input.config.backup.mixRatio > 0) && !input.config.backup.path) {
        throw fail('InvalidConfig', `backup.mixRatio and review.minQuality need a real-data corpus: set backup.path`);
      }
      await mkdir(input.outDir, { recursive: true });
      return { inputs, configHash: sha256(canonicalJson(input.config)).slice(0, 16), schemaFile: deps.schemaFile };
    },

    /** Stage 1a: one pass over a source: chunk plan, name digests, mined templates -> models/<source>.json. */
    async scanSource(input: { source: InputRef; outDir: string; config: RunConfig }): Promise<ScanSummary> {
      const { source, outDir, config } = input;
      const opts = sourceParseOptions(source, config, keys);
      async function* withHeartbeat(): AsyncGenerator<LineBlock> {
        for await (const b of readLineBlocks(source.path, 0, source.bytes, 1, scanBlockBytes(config.parse.chunkBytes), config.parse.maxLineBytes)) {
          heartbeat({ scanned: b.next });
          yield b;
        }
      }
      const [model, hash] = await asFailure(async () => {
        try {
          return await Promise.all([scanBlocks(withHeartbeat(), source.path, source.spec, { ...opts, growing: grownPast(source.path) }), sha256File(source.path)]);
        } catch (e) {
          throw e instanceof InputError ? e : new InputError('UnreadableSource', (e as Error).message);
        }
      });
      const modelPath = await writeModel(outDir, model);
      await removeStaleParts(outDir, source.name, model.chunks.length);
      return { source: source.name, modelPath, chunks: model.chunks.length, sha256: hash, lines: model.lines, bytes: model.bytes, format: source.spec.format };
    },

    /**
     * Stage 1b: parse one chunk. Progress is heartbeated after every block; a retried attempt resumes from
     * the last heartbeat with output identical to an undisturbed run.
     */
    async parseChunk(input: { modelPath: string; chunk: number; outDir: string; config: RunConfig }): Promise<ChunkSummary> {
      const model = await readModel(input.modelPath);
      const chunk = model.chunks[input.chunk];
      if (!chunk) throw fail('InvalidConfig', `${model.source} has ${model.chunks.length} chunks, not chunk ${input.chunk} (the model file ${input.modelPath} changed since the scan?)`);
      const resume = (activityInfo().heartbeatDetails as ChunkProgress | undefined) ?? null;
      return asFailure(() => parseChunkToFiles({
        model, chunk, outDir: input.outDir, resume, onProgress: (p) => heartbeat(p),
        opts: sourceParseOptions({ name: model.source, spec: model.spec }, input.config, keys),
      }).catch((e) => { throw e instanceof InputError ? e : new InputError('UnreadableSource', `${model.source}: ${(e as Error).message}`); }));
    },

    /** Stage 1c: windows, changes and state events of a table source's series -> records/<source>.series.jsonl. */
    async segmentSeries(input: { source: string; chunks: number; outDir: string; config: RunConfig }): Promise<{ path: string; windows: number; changes: number; states: number }> {
      const path = seriesFile(input.outDir, input.source);
      const tmp = `${path}.partial`;
      const counts = await segmentRecordFiles(sourceRecordFiles(input.outDir, input), tmp, { ...DEFAULT_SERIES_OPTIONS, ...input.config.series }, () => heartbeat());
      await rename(tmp, path);
      return { path, ...counts };
    },

    /** Load the graph schema and the domain graphs, idempotently. */
    async loadGraph(input: { files: string[] }): Promise<number> {
      const files = await Promise.all(input.files.map(async (f) => ({ name: f, text: await readFile(f, 'utf8') })));
      try {
        return await withNeo4j(deps.neo4jUri, () => loadGraphFiles(deps.driver, files));
      } catch (e) {
        if (e instanceof ApplicationFailure) throw e;
        throw fail('InvalidGraph', (e as Error).message);
      }
    },

    /** Stage 2: join records with the graph, derive facts, MERGE them into Neo4j and write facts.jsonl. */
    async deriveRunFacts(input: { outDir: string; sources: { source: string; chunks: number; series?: unknown }[]; runId: string; config: RunConfig }): Promise<FactsSummary> {
      const graph = await withNeo4j(deps.neo4jUri, () => readGraphSnapshot(deps.driver));
      try {
        checkGraphFormulas(graph);
      } catch (e) {
        throw fail('InvalidGraph', `the knowledge graph's derived quantities: ${(e as Error).message}`);
      }
      // record files one at a time: samples go into per-asset tables, their records are not kept
      const inputs = new FactInputs(graph);
      for (const file of input.sources.flatMap((p) => sourceRecordFiles(input.outDir, p))) {
        for (const r of await readJsonl(file, OperationRecord)) inputs.add(r);
        heartbeat();
      }
      const { facts, unlinked, rulesSetAside } = inputs.derive({ ...DEFAULT_DERIVE_OPTIONS, ...input.config.facts });
      await writeFileAtomic(join(input.outDir, 'rules_set_aside.jsonl'), toJsonl(rulesSetAside));
      heartbeat();
      const links = await withNeo4j(deps.neo4jUri, () => mergeFacts(deps.driver, facts, input.runId));
      const factsPath = join(input.outDir, 'facts.jsonl');
      await writeFileAtomic(factsPath, toJsonl(facts));
      const byKind: Record<string, number> = {};
      for (const f of facts) byKind[f.kind] = (byKind[f.kind] ?? 0) + 1;
      return { facts: facts.length, byKind, unlinked, links, factsPath, rulesSetAside: rulesSetAside.length };
    },

    /** Stage 3a: plan every text of the run (facts and bundles in the configured mix), cut into batches. */
    async planExpansion(input: { outDir: string; factsPath: string; config: RunConfig }): Promise<{ jobs: number; batches: number; batchSize: number }> {
      const facts = await readJsonl(input.factsPath, Fact);
      const jobs = planJobs(facts, mixOf(input.config.expand));
      const batchSize = input.config.expand.batchSize;
      await writeJobPlan(input.outDir, jobs, batchSize);
      return { jobs: jobs.length, batches: Math.ceil(jobs.length / batchSize), batchSize };
    },

    /** Stage 3b (LLM task queue): write and check one batch's texts, within what is left of the budget. */
    async expandBatch(input: { outDir: string; factsPath: string; batch: number; config: RunConfig; budget: { maxTokens: number | null; maxCostUsd: number | null } }): Promise<BatchSummary> {
      const { config } = input;
      const jobs = await readJobBatch(input.outDir, await readJsonl(input.factsPath, Fact), input.batch);
      const expander = deps.expanderFor(config.expand, join(input.outDir, 'cache', 'llm'));
      const outcome = await expandJobs(jobs, expander, {
        // twice as many texts in flight as requests: while one text is checked, another's request is already out
        concurrency: 2 * config.expand.concurrency, pii: piiOptions(config), dedup: false,
        budget: { ...input.budget, prices: config.expand.prices }, judge: deps.judgeFor?.(config.expand) ?? null,
        onProgress: (done, total) => heartbeat({ done, total }),
      }).catch((e: unknown) => {
        throw e instanceof EndpointRefused ? fail('EndpointRefused', e.message) : e;
      });
      await writeDocuments(batchPath(input.outDir, input.batch), outcome.docs);
      await writeFileAtomic(batchRejectedPath(input.outDir, input.batch), toJsonl(outcome.rejected));
      return {
        batch: input.batch, jobs: jobs.length, generated: outcome.generated, skipped: outcome.skipped, cached: outcome.cached,
        usage: outcome.usage, requests: expander instanceof LlmExpander ? expander.requests : null, generator: expander.generator,
      };
    },

    /** Stage 3c: the batches' documents together, exact and near-duplicates removed (also against earlier runs of the directory). */
    async collectDocuments(input: { outDir: string; factsPath: string; config: RunConfig; totals: ExpandTotals; planned: number }): Promise<ExpandSummary> {
      const { config, outDir, totals } = input;
      let rejected: Rejected[] = [];
      let written: CorpusDocument[] = [];
      for (let b = 0; b < totals.started; b++) {
        written.push(...(await readDocuments(batchPath(outDir, b))).filter((d): d is CorpusDocument => d.origin === 'synthetic'));
        rejected.push(...(await readJsonl(batchRejectedPath(outDir, b), RejectedLine)));
        if (b % 100 === 99) heartbeat();
      }
      // the quality floor, on what the generator wrote (before de-duplication, which is no fault of its texts)
      const assessed = assessQuality(written, rejected, config.expand.qualityFloor);
      const action: QualityReport['action'] = !assessed.below.length ? 'none' : config.expand.onLowQuality === 'fail' ? 'fail' : config.backup.path ? 'backup' : 'offline';
      if (action === 'offline') {
        // the groups under the floor are written by the offline expander instead, labelled as such
        const facts = await readJsonl(input.factsPath, Fact);
        const jobs = (await Promise.all(Array.from({ length: totals.started }, (_, b) => readJobBatch(outDir, facts, b)))).flat().filter((j) => inFailedGroup(assessed.below, j));
        const fallback = { generator: { ...OFFLINE_GENERATOR, note: `fallback: the LLM's texts fell under the quality floor (${assessed.below.join(', ')})` }, expand: offlineExpander.expand };
        const out = await expandJobs(jobs, fallback, { concurrency: 8, pii: piiOptions(config), dedup: false });
        // the LLM's rejections stay in rejected.jsonl; its accepted texts of those groups go there too, replaced
        const replaced = written.filter((d) => inFailedGroup(assessed.below, d));
        written = [...written.filter((d) => !inFailedGroup(assessed.below, d)), ...out.docs];
        rejected = [...rejected, ...out.rejected,
          ...replaced.map((d) => rejectedLine(d, 'quality_floor', `replaced by the offline text: its group is under the floor (${assessed.below.join(', ')})`, d.text))];
      }
      const quality: QualityReport = { ...assessed, action, summary: describeQuality({ ...assessed, action }) };
      const threshold = config.expand.nearDuplicateThreshold;
      const index = threshold > 0 ? await loadDedupIndex(outDir, threshold) : undefined;
      const docs = dedupDocuments(written, rejected, index ? { threshold, index } : null).sort((a, b) => a.id.localeCompare(b.id));
      if (index) await saveDedupIndex(outDir, index);
      const docsPath = documentsPath(outDir);
      await writeDocuments(docsPath, docs);
      await writeFileAtomic(join(outDir, 'rejected.jsonl'), toJsonl(rejected));
      const tally = (key: (d: CorpusDocument) => string) => {
        const out: Record<string, number> = {};
        for (const d of docs) out[key(d)] = (out[key(d)] ?? 0) + 1;
        return out;
      };
      const byReason: Record<string, number> = {};
      for (const r of rejected) byReason[r.reason] = (byReason[r.reason] ?? 0) + 1;
      const skipped = totals.skipped + (input.planned - totals.jobs);
      return {
        generated: totals.generated, rejected: byReason, written: docs.length,
        tokens: docs.reduce((a, d) => a + d.tokens, 0),
        byLang: tally((d) => d.lang), byStyle: tally((d) => d.style), byAudience: tally((d) => d.audience), byInput: tally((d) => d.input),
        documentsPath: docsPath, generator: totals.generator ?? OFFLINE_GENERATOR,
        usage: { ...totals.usage, cost_usd: roundUsd(costOf(totals.usage, config.expand.prices)), cached: totals.cached, requests: totals.requests },
        skipped, stopped: skipped ? 'budget' : null, quality,
      };
    },

    /**
     * Plan the corpus: the accepted documents with real ones mixed in (backup.mixRatio), in curriculum order,
     * cut into shards; a sample of each shard for review; the shards under the quality floor.
     */
    async planCorpus(input: { outDir: string; documentsPath: string; config: RunConfig }): Promise<CorpusPlanSummary> {
      const { config, outDir } = input;
      const synthetic = await readDocuments(input.documentsPath);
      const backup = config.backup.path ? await readBackup(config.backup.path, piiOptions(config)).catch((e: Error) => { throw fail('InvalidConfig', e.message); }) : { docs: [], rejected: {} };
      const { mixed, spare } = mixReal(synthetic.length, backup.docs, config.backup.mixRatio);
      const all = [...synthetic, ...mixed];
      const ordered = config.shards.order === 'curriculum' ? curriculumOrder(all) : [...all].sort((a, b) => a.id.localeCompare(b.id));
      const plan = planCorpus(ordered, config.shards.maxDocs, config.shards.maxBytes, config.shards.format);
      await writePlan(outDir, { shards: plan, mixed: mixed.map((d) => d.id), spare: spare.map((d) => d.id) });
      // the screened real documents, so that writing the shards reads them as planned (not the backup again)
      await writeDocuments(realPath(outDir), [...mixed, ...spare]);
      const sample = reviewSample(plan, new Map(ordered.map((d) => [d.id, d])), config.review.perShard);
      await writeDocuments(samplePath(outDir), sample);
      return {
        shards: plan.map((p) => p.name), samplePath: samplePath(outDir), sampled: sample.length,
        lowQuality: plan.filter((p) => p.quality !== null && p.quality < config.review.minQuality).map((p) => ({ shard: p.name, quality: p.quality! })),
        real: { available: backup.docs.length, mixed: mixed.length, rejected: backup.rejected }, order: config.shards.order,
      };
    },

    /** Write the shards of the plan, the synthetic documents of failed shards replaced from the backup corpus. */
    async writeCorpus(input: { outDir: string; documentsPath: string; config: RunConfig; failed: { shard: string; reason: string }[] }): Promise<CorpusSummary> {
      const { config, outDir } = input;
      const plan = await readPlan(outDir);
      const byId = new Map<string, ShardDocument>([...(await readDocuments(input.documentsPath)), ...(await readDocuments(realPath(outDir)))].map((d) => [d.id, d]));
      const spare = plan.spare.map((id) => byId.get(id)).filter((d): d is RealDocument => d?.origin === 'real');
      const { shards, replacements } = replaceShards(plan.shards, byId, new Map(input.failed.map((f) => [f.shard, f.reason])), spare);
      const infos = await writeShards(outDir, plan.shards.map((p, i) => ({ name: p.name, docs: shards[i] })).filter((s) => s.docs.length), config.shards.format);
      return { shards: infos, replacements };
    },

    /** Write manifest.json and the dataset card. */
    async writeManifest(input: Omit<Parameters<typeof buildManifest>[0], 'createdAt'> & { outDir: string }): Promise<RunResult> {
      const { outDir, ...parts } = input;
      const manifest = buildManifest({ ...parts, createdAt: new Date().toISOString() });
      const manifestPath = join(outDir, 'manifest.json');
      await writeFileAtomic(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
      await writeFileAtomic(join(outDir, 'README.md'), datasetCard(manifest));
      return { runId: manifest.run_id, outDir, manifestPath, counts: manifest.counts };
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
