import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadRunConfig, sourceParseOptions } from '../activities/run/config';
import { piiDigestKey } from '../infra/piiKey';
import { calibrationPath, describeInputs, writeModel } from '../activities/parse/parseFile';
import { runChunk } from '../activities/parse/preparedChunk';
import { ChunkThreads } from '../activities/parse/threads/chunkThreads';
import { addChunk, EMPTY_TOTALS, finishSource } from '../workflows/stageOne';
import { scanSource } from '../activities/parse/scanSource';
import type { ReferenceReport } from '../activities/parse/series/referenceReport';
import { segmentSource } from '../activities/parse/series/segmentSource';
import { SourceSpec } from '../activities/parse/sourceSpec';
import { writeFileAtomic } from '../activities/common/files';
import { readEnv } from '../infra/env';
import type { WorkerRole } from '../infra/worker';
import type { Progress } from '../workflows';

/* eslint-disable @typescript-eslint/no-require-imports */
/**
 * Modules a command loads when it runs: `forge parse` needs neither Temporal's worker and client nor the
 * Neo4j driver, and starts in ~0.3 s instead of ~0.7 s with ~80 MB less memory.
 */
const load = {
  worker: () => require('../infra/worker') as typeof import('../infra/worker'),
  temporal: () => require('../infra/temporal') as typeof import('../infra/temporal'),
  services: () => require('../infra/services') as typeof import('../infra/services'),
  cluster: () => require('../infra/cluster') as typeof import('../infra/cluster'),
  searchAttributes: () => require('../infra/searchAttributes') as typeof import('../infra/searchAttributes'),
  runs: () => require('./runs') as typeof import('./runs'),
  review: () => require('./review') as typeof import('./review'),
  demo: () => require('./demo') as typeof import('./demo'),
  workflows: () => require('../workflows') as typeof import('../workflows'),
  graphStore: () => require('../graphs/store') as typeof import('../graphs/store'),
  graphDump: () => require('../graphs/graphDump') as typeof import('../graphs/graphDump'),
};
/* eslint-enable @typescript-eslint/no-require-imports */

const USAGE = `forge - industrial operations data to training corpora

  forge services up [--local-model]|down|status
                                       local Temporal dev server (Web UI http://localhost:8233) and Neo4j;
                                       --local-model: llama.cpp's server with SmolLM2-135M on :8080 too
  forge cluster up [--separate]|down|status
                                       a production-shaped cluster here: PostgreSQL, the Temporal server (its
                                       services in one process, or each apart), Neo4j - see README
  forge worker [--queue Q] [--role all|main|llm] [--llm-slots N]
                                       run a worker (main queue Q and LLM queue Q-llm); start more, on more
                                       machines, to scale out
  forge run --input PATH... --out DIR [--config FILE] [--wait] [--queue Q]
                                       start a run; prints the workflow id and its Web UI link
  forge status WORKFLOW_ID [--watch]   a run's progress (--watch: a live progress bar until it ends)
  forge review WORKFLOW_ID [--approve | --reject REASON [--shards a,b]] [--reviewer NAME] [--show N]
                                       show a run's review sample (N documents per shard) and send the decision
  forge search-attributes              register Forge's search attributes on an existing cluster (the local
                                       dev server has them)
  forge graph load FILE...             load graph files (Cypher, or JSON from export) into Neo4j, idempotently
  forge graph export --out FILE.json|FILE.cypher [--facts]
                                       write the graph (and its facts) back to a file that graph load reads
  forge parse --source FILE_OR_CONFIG... --out DIR [--format csv|jsonl|text|workorders] [--header FMT] [--config FILE]
                                       stage one alone (no servers): records/, quarantine/, models/
  forge demo                           the whole pipeline on examples/ with local servers

Configuration: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD,
OPENAI_BASE_URL, OPENAI_API_KEY, FORGE_MODEL (see README.md).`;

const GRAPHS_DIR = join(__dirname, '..', 'graphs');
const DEFAULT_GRAPHS = [join(GRAPHS_DIR, 'injection-moulding.cypher')];
const out = (line: string) => process.stdout.write(line + '\n');

class UsageError extends Error {}

type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

/**
 * parseArgs, with the contract's `--input A B C` form: the words after a `multiple` option, up to the
 * next option, all belong to it. A bad argument is a usage error.
 */
function parseFlags<O extends Options>(args: string[], options: O) {
  const multi = new Set(
    Object.entries(options!)
      .filter(([, o]) => o.multiple)
      .map(([k]) => `--${k}`),
  );
  const expanded: string[] = [];
  let current: string | null = null;
  for (const a of args) {
    if (a.startsWith('--')) current = multi.has(a) ? a : null;
    else if (current && expanded[expanded.length - 1] !== current) expanded.push(current);
    expanded.push(a);
  }
  try {
    return parseArgs({ args: expanded, options, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export async function main(argv: string[]): Promise<void> {
  try {
    await dispatch(argv);
  } catch (e) {
    process.stderr.write(`forge: ${(e as Error).message}\n`);
    if (e instanceof UsageError) process.stderr.write(`\n${USAGE}\n`);
    process.exitCode = e instanceof UsageError ? 2 : 1;
  }
}

async function dispatch(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  const env = readEnv();
  switch (cmd) {
    case 'services':
      return services(rest[0], env, rest.includes('--local-model'));
    case 'cluster':
      return cluster(rest[0], rest.includes('--separate'));
    case 'worker': {
      const { values } = parseFlags(rest, {
        queue: { type: 'string' },
        role: { type: 'string' },
        'llm-slots': { type: 'string' },
      });
      const role = (values.role ?? 'all') as WorkerRole;
      if (!['all', 'main', 'llm'].includes(role)) throw new UsageError('--role must be all, main or llm');
      const llmSlots = values['llm-slots'] === undefined ? undefined : Number(values['llm-slots']);
      if (llmSlots !== undefined && !(Number.isInteger(llmSlots) && llmSlots > 0))
        throw new UsageError('--llm-slots must be a positive whole number');
      const queue = values.queue ?? env.taskQueue;
      const { createForgeWorker, llmQueue } = load.worker();
      const w = await createForgeWorker(env, { taskQueue: queue, role, llmSlots });
      const polls =
        role === 'all'
          ? `"${queue}" and "${llmQueue(queue)}"`
          : role === 'main'
            ? `"${queue}"`
            : `"${llmQueue(queue)}"`;
      out(
        `worker polling task ` +
          `queue ${polls} on ${env.temporalAddress} (Neo4j ${env.neo4jUri}, expander: ` +
          `${env.openaiBaseUrl ? `LLM ${env.model} at ${env.openaiBaseUrl}` : 'offline'}); Ctrl-C stops it`,
      );
      try {
        await w.worker.run();
      } finally {
        await w.close();
      }
      return;
    }
    case 'run': {
      const { values } = parseFlags(rest, {
        input: { type: 'string', multiple: true },
        out: { type: 'string' },
        config: { type: 'string' },
        wait: { type: 'boolean' },
        queue: { type: 'string' },
      });
      if (!values.input?.length || !values.out)
        throw new UsageError('run needs --input PATH (one or more) and --out DIR');
      const config = await loadRunConfig(values.config ?? null, DEFAULT_GRAPHS);
      const { startRun, uiLink, waitForRun } = load.runs();
      const client = await load.temporal().connectClient(env);
      const handle = await startRun(client, env, {
        inputs: values.input,
        outDir: values.out,
        config,
        taskQueue: values.queue,
      });
      out(`started ${handle.workflowId}`);
      out(`Web UI: ${uiLink(env, handle.workflowId)}`);
      if (values.wait) {
        const result = await waitForRun(handle, (l) => out(`  ${l}`), { taskQueue: values.queue ?? env.taskQueue });
        const manifest = JSON.parse(await readFile(result.manifestPath, 'utf8')) as {
          quality_floor?: { summary: string };
          generation?: { model_texts?: number | null; unanswered?: number };
        };
        if (manifest.quality_floor) out(manifest.quality_floor.summary);
        const g = manifest.generation;
        // a model run that kept none of the model's texts says so first
        const none = g?.model_texts === 0 ? 'no model text kept (every document is offline or real); ' : '';
        const unanswered = g?.unanswered ? `; ${g.unanswered} prompts unanswered (no_answer)` : '';
        out(
          `done: ${none}${result.counts.docs_written} documents ` +
            `in ${join(result.outDir, 'shards')}; manifest ${result.manifestPath}${unanswered}`,
        );
      }
      return;
    }
    case 'status': {
      const { values, positionals } = parseArgs({
        args: rest,
        options: { watch: { type: 'boolean' } },
        allowPositionals: true,
        strict: true,
      });
      if (!positionals[0]) throw new UsageError('status needs a WORKFLOW_ID');
      const { describeProgress, EMPTY_PROGRESS, progressBar, uiLink } = load.runs();
      const { progressQuery } = load.workflows();
      const client = await load.temporal().connectClient(env);
      const handle = client.workflow.getHandle(positionals[0]);
      let progress: Progress | null = null;
      for (;;) {
        const desc = await handle.describe();
        const running = desc.status.name === 'RUNNING';
        // a closed run's query needs a worker to replay it: asked only when not watching, or while it runs
        if (running || !values.watch) progress = await handle.query(progressQuery).catch(() => progress);
        if (!values.watch) {
          out(`${positionals[0]}: ${desc.status.name}`);
          if (progress) out(`  ${describeProgress(progress)}`);
          out(`Web UI: ${uiLink(env, positionals[0])}`);
          return;
        }
        const shown =
          desc.status.name === 'COMPLETED' ? { ...(progress ?? EMPTY_PROGRESS), stage: 'done' as const } : progress;
        const line =
          `${progressBar(shown)} ` +
          `${running ? (progress ? describeProgress(progress) : 'starting') : desc.status.name}`;
        process.stdout.write(process.stdout.isTTY ? `\r\x1b[K${line}` : `${line}\n`);
        if (desc.status.name !== 'RUNNING') {
          if (process.stdout.isTTY) process.stdout.write('\n');
          out(`Web UI: ${uiLink(env, positionals[0])}`);
          return;
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    case 'review': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        strict: true,
        options: {
          approve: { type: 'boolean' },
          reject: { type: 'string' },
          shards: { type: 'string' },
          reviewer: { type: 'string' },
          show: { type: 'string' },
        },
      });
      if (!positionals[0]) throw new UsageError('review needs a WORKFLOW_ID');
      if (values.approve && values.reject !== undefined) throw new UsageError('--approve or --reject REASON, not both');
      const client = await load.temporal().connectClient(env);
      await load.review().reviewRun(
        client.workflow.getHandle(positionals[0]),
        {
          approve: values.approve ?? false,
          reject: values.reject ?? null,
          shards: values.shards
            ? values.shards
                .split(',')
                .map((x) => x.trim())
                .filter(Boolean)
            : [],
          reviewer: values.reviewer ?? process.env.USER ?? null,
          show: values.show === undefined ? 3 : Number(values.show),
        },
        out,
      );
      return;
    }
    case 'search-attributes': {
      const client = await load.temporal().connectClient(env);
      const added = await load.searchAttributes().registerSearchAttributes(client.connection, env.temporalNamespace);
      out(
        added.length
          ? `registered ${added.join(', ')} in namespace ${env.temporalNamespace}`
          : `namespace ${env.temporalNamespace} already has Forge's search attributes`,
      );
      return;
    }
    case 'graph': {
      const { checkNeo4j, loadGraphFiles, openDriver } = load.graphStore();
      const { dumpToCypher, exportGraph, loadGraphDump, readGraphDump } = load.graphDump();
      const driver = openDriver(env.neo4jUri, env.neo4jUser, env.neo4jPassword);
      try {
        if (rest[0] === 'load' && rest.length >= 2) {
          const files = await Promise.all(
            rest.slice(1).map(async (f) => ({ name: f, text: await readFile(f, 'utf8') })),
          );
          await checkNeo4j(driver, env.neo4jUri);
          const schema = {
            name: 'graphs/schema.cypher',
            text: await readFile(join(GRAPHS_DIR, 'schema.cypher'), 'utf8'),
          };
          const cypher = files.filter((f) => !f.name.endsWith('.json'));
          const n = await loadGraphFiles(driver, [schema, ...cypher]);
          const dumps = files
            .filter((f) => f.name.endsWith('.json'))
            .map((f) => ({ name: f.name, dump: readGraphDump(f.name, f.text) }));
          for (const { dump } of dumps) await loadGraphDump(driver, dump);
          out(
            `loaded ${files.length} files (${n} statements, schema ` +
              `included` +
              (dumps.length ? `; ${dumps.reduce((a, d) => a + d.dump.nodes.length, 0)} nodes from JSON` : '') +
              `) into ${env.neo4jUri}`,
          );
        } else if (rest[0] === 'export') {
          const { values } = parseFlags(rest.slice(1), { out: { type: 'string' }, facts: { type: 'boolean' } });
          if (!values.out) throw new UsageError('graph export --out FILE.json|FILE.cypher [--facts]');
          await checkNeo4j(driver, env.neo4jUri);
          const dump = await exportGraph(driver, { facts: values.facts ?? false });
          const path = resolve(values.out);
          await writeFileAtomic(
            path,
            path.endsWith('.cypher') ? dumpToCypher(dump) : JSON.stringify(dump, null, 1) + '\n',
          );
          out(
            `exported ${dump.nodes.length} nodes ` +
              `and ${dump.relationships.length} relationships${values.facts ? ' (facts included)' : ''} to ${path}`,
          );
        } else {
          throw new UsageError('graph load FILE... | graph export --out FILE.json|FILE.cypher [--facts]');
        }
      } finally {
        await driver.close();
      }
      return;
    }
    case 'parse': {
      const { values } = parseFlags(rest, {
        source: { type: 'string', multiple: true },
        out: { type: 'string' },
        format: { type: 'string' },
        header: { type: 'string' },
        config: { type: 'string' },
      });
      if (!values.source?.length || !values.out)
        throw new UsageError('parse needs --source FILE (one or more) and --out DIR');
      const formats = SourceSpec.shape.format.options;
      if (values.format !== undefined && !formats.includes(values.format as (typeof formats)[number]))
        throw new UsageError(`--format must be one of ${formats.join(', ')}`);
      const config = await loadRunConfig(values.config ?? null, []);
      const outDir = resolve(values.out);
      const keys = { pseudonymKey: env.piiKey, digestKey: piiDigestKey(env) };
      const threads = new ChunkThreads();
      try {
        for (const ref of await describeInputs(values.source, values.format as (typeof formats)[number] | undefined)) {
          if (values.header !== undefined) {
            if (ref.spec.format !== 'text')
              throw new UsageError(`--header applies to text logs; ${ref.name} is ${ref.spec.format}`);
            ref.spec = SourceSpec.parse({ ...ref.spec, text: { ...ref.spec.text, header: values.header } });
          }
          const opts = sourceParseOptions(ref, config, keys);
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
          let units = 0;
          let reference: ReferenceReport | null = null;
          const summary = await finishSource(
            { source: ref.name, chunks: model.chunks.length, format: ref.spec.format },
            totals,
            outDir,
            {
              fail: (message) => {
                throw new Error(message);
              },
              segment: async () => {
                const s = await segmentSource({
                  source: ref.name,
                  spec: model.spec,
                  files: outputs.map((c) => c.recordsPath),
                  out: join(outDir, 'records', `${ref.name}.series.jsonl`),
                  series: config.series,
                  calibrationOut: calibrationPath(outDir, ref.name),
                });
                units = s.units;
                reference = s.reference;
                return { windows: s.windows, changes: s.changes, states: s.states, anomalies: s.anomalies };
              },
            },
          );
          const { lines, records, quarantined, untimed } = summary;
          const s = summary.series;
          const series = s
            ? `; series: ${s.windows} windows, ${s.changes} changes, ${s.states} state ` +
              `events${units ? `, ${s.anomalies} anomalies of ${units} unit(s)` : ''}`
            : '';
          const time = model.time
            ? `, time ${model.time.fields.join('+')} as ` +
              `${model.time.format}${untimed ? `, ${untimed} without a readable time` : ''}`
            : '';
          out(
            `${ref.name}: ${lines} lines ` +
              `-> ${records} records, ${quarantined} quarantined (${model.chunks.length} chunks` +
              `${model.templates ? `, ${Object.keys(model.templates.events).length} templates` : ''}${time})${series}`,
          );
          if (reference) out(`${ref.name}: ${(reference as ReferenceReport).summary}`);
        }
      } finally {
        await threads.close();
      }
      return;
    }
    case 'demo':
      return load.demo().runDemo(env, out);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      out(USAGE);
      return;
    default:
      throw new UsageError(`unknown command "${cmd}"`);
  }
}

/** `forge cluster up [--separate]|down|status`: the production-shaped cluster of infra/cluster.ts, on this machine. */
async function cluster(sub: string | undefined, separate: boolean): Promise<void> {
  const { CLUSTER_LAYOUT, clusterDown, clusterStatus, clusterUp } = load.cluster();
  switch (sub) {
    case 'up':
      return clusterUp(CLUSTER_LAYOUT, { separate });
    case 'down':
      return clusterDown(CLUSTER_LAYOUT);
    case 'status':
      for (const c of await clusterStatus(CLUSTER_LAYOUT))
        out(`${c.name}: ${c.up ? 'answering' : 'not answering'} at ${c.where}`);
      return;
    default:
      throw new UsageError('cluster up [--separate]|down|status');
  }
}

async function services(sub: string | undefined, env: ReturnType<typeof readEnv>, localModel: boolean): Promise<void> {
  const {
    DEFAULT_LAYOUT,
    LOCAL_MODEL,
    localModelUrl,
    serviceStatus,
    startLocalModel,
    startNeo4j,
    startTemporal,
    stopService,
  } = load.services();
  switch (sub) {
    case 'up':
      if (env.temporalExternal) out(`Temporal: using ${env.temporalAddress} (TEMPORAL_ADDRESS)`);
      else
        out(
          `Temporal: ${(await startTemporal(DEFAULT_LAYOUT)) ? 'started' : 'already running'} on ` +
            `${env.temporalAddress}, Web UI http://localhost:${DEFAULT_LAYOUT.temporal.uiPort}`,
        );
      if (env.neo4jExternal) out(`Neo4j: using ${env.neo4jUri} (NEO4J_URI)`);
      else out(`Neo4j: ${(await startNeo4j(DEFAULT_LAYOUT)) ? 'started' : 'already running'} on ${env.neo4jUri}`);
      if (localModel) {
        out(
          `local ` +
            `model: ${(await startLocalModel(DEFAULT_LAYOUT)) ? 'started' : 'already running'} on ` +
            `${localModelUrl(DEFAULT_LAYOUT)}`,
        );
        out(
          `  export OPENAI_BASE_URL=${localModelUrl(DEFAULT_LAYOUT)} FORGE_MODEL=${LOCAL_MODEL}   # then start ` +
            `the worker`,
        );
      }
      return;
    case 'down':
      for (const s of ['temporal', 'neo4j', 'llm'] as const)
        out(`${s}: ${(await stopService(DEFAULT_LAYOUT, s)) ? 'stopped' : 'was not started by forge'}`);
      return;
    case 'status':
      for (const s of await serviceStatus(DEFAULT_LAYOUT))
        out(
          `${s.name}: ${s.answers ? 'answering' : 'not answering'} at ` +
            `${s.address}${s.pid ? ` (pid ${s.pid}, started by forge)` : ''}`,
        );
      return;
    default:
      throw new UsageError('services up [--local-model]|down|status');
  }
}
