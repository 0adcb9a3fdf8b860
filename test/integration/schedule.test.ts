import { appendFileSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { failureMessage } from '../../cli/runs';
import { DatasetManifest } from '../../activities/run/increment';
import { allFiles, EXAMPLE, runningWorker, tempDir } from './runHelpers';
import {
  forgeSchedule,
  raisedLines,
  raisedSoFar,
  readFacts,
  trigger,
  triggerAndWait as triggerRun,
  versionLines,
} from './scheduleHelpers';
import { statementHash } from '../../activities/run/factIndex';
import type { ForgeEnv } from '../../infra/env';
import { startOpenAiTestServer, type OpenAiTestServer } from '../fixtures/openaiServer';
import { faithfulText, jobOfPrompt } from '../fixtures/promptJob';
import { testEnv } from './testEnv';
import { headlessBrowser } from './browser';
import { TEST_LAYOUT } from '../../infra/services';

/**
 * Triggered, incremental runs on the real dev server: a schedule's runs over a folder that changes between them read
 * each line once, and add a version each to the dataset.
 */
jest.setTimeout(300_000);

let env: ForgeEnv;
let client: Client;
/** the LLM test server: faithful answers, every request kept */
let llm: OpenAiTestServer;
let stopWorker: () => Promise<void>;
const name = `t-${process.pid}`;
const data = tempDir('schedule-data');
const outDir = tempDir('schedule-out');
const LOG = readFileSync(join(EXAMPLE, 'events.log'), 'utf8').split('\n').filter(Boolean);
const CSV = readFileSync(join(EXAMPLE, 'sensors.csv'), 'utf8').split('\n').filter(Boolean);

const forge = (...args: string[]) => forgeSchedule(env, ...args);
const triggerAndWait = () => triggerRun(client, env, name);

beforeAll(async () => {
  llm = await startOpenAiTestServer((req) => ({ text: faithfulText(req) }));
  env = testEnv({ openaiBaseUrl: llm.baseURL, openaiApiKey: 'test-key', model: 'schedule-model' });
  ({ client, stop: stopWorker } = await runningWorker(env));
});

afterAll(async () => {
  await forge('delete', name).catch(() => undefined);
  await stopWorker?.();
  await llm?.close();
});

test('three runs of a schedule over a changing folder read every line once and add three versions', async () => {
  const log = join(data, 'events.log');
  writeFileSync(log, `${LOG.slice(0, 12).join('\n')}\n${LOG[12].slice(0, 20)}`); // a partial last line
  writeFileSync(join(data, 'line.csv'), `${CSV.slice(0, 21).join('\n')}\n`);
  const created = await forge(
    'create',
    name,
    '--every',
    '1d',
    '--input',
    join(data, '*.log*'),
    join(data, '*.csv'),
    '--out',
    outDir,
    '--queue',
    env.taskQueue,
  );
  expect(created).toContain(`created schedule ${name}: every 1d`);
  await expect(forge('create', name, '--every', '1d', '--input', data, '--out', outDir)).rejects.toThrow(
    `a schedule named ${name} exists`,
  );
  expect(await forge('list')).toMatch(new RegExp(`^${name}\\tactive\\tnext `, 'm'));
  // what the Web UI's Schedules page shows: its server's schedule list, and the schedule's page
  const ui = `http://localhost:${TEST_LAYOUT.temporal.uiPort}`;
  const listed = (await (await fetch(`${ui}/api/v1/namespaces/default/schedules`)).json()) as {
    schedules: { scheduleId: string; info: { workflowType: { name: string } } }[];
  };
  expect(listed.schedules.find((s) => s.scheduleId === name)?.info.workflowType.name).toBe('scheduledRun');
  expect((await fetch(`${ui}/namespaces/default/schedules/${name}`)).status).toBe(200);

  // each run's requests to the LLM: the statements of the facts each prompt is about
  const asked: string[][][] = [];
  const ask = async () => {
    const before = llm.requests.length;
    const result = await triggerAndWait();
    asked.push(llm.requests.slice(before).map((r) => jobOfPrompt(r).facts.map((f) => statementHash(f))));
    return result;
  };
  const one = await ask();
  expect(one.version?.counts.lines).toBe(12 + 20); // the partial line waits
  // lines appended to the log (the partial one completed), and a new CSV
  appendFileSync(log, `${LOG[12].slice(20)}\n${LOG.slice(13, 18).join('\n')}\n`);
  writeFileSync(join(data, 'other.csv'), `${CSV[0]}\n${CSV.slice(21, 31).join('\n')}\n`);
  const two = await ask();
  expect(two.version?.counts.lines).toBe(6 + 10);
  // the log rotated (two more lines in the old file first), a CSV cut and written anew
  appendFileSync(log, `${LOG.slice(18, 20).join('\n')}\n`);
  renameSync(log, `${log}.1`);
  writeFileSync(log, `${LOG.slice(20, 24).join('\n')}\n`);
  writeFileSync(join(data, 'line.csv'), `${CSV[0]}\n${CSV.slice(40, 45).join('\n')}\n`);
  const three = await ask();
  expect(three.version?.counts.lines).toBe(2 + 4 + 5);
  expect(three.notes).toEqual([expect.stringMatching(/^line\.csv: not the file an earlier run read/)]);
  // nothing new: no version, nothing parsed, no text asked for
  const four = await ask();
  expect(four.version).toBeNull();
  expect(four.versions).toBe(3);

  const dataset = DatasetManifest.parse(JSON.parse(readFileSync(join(outDir, 'dataset.json'), 'utf8')));
  expect(dataset.versions.map((v) => v.version)).toEqual([1, 2, 3]);
  // each version's facts beside the earlier ones' (by identity): the first's are all new
  expect(dataset.versions[0].facts).toMatchObject({ new: dataset.versions[0].counts.facts, changed: 0, unchanged: 0 });
  for (const v of dataset.versions) expect(v.facts.new + v.facts.changed + v.facts.unchanged).toBe(v.counts.facts);
  // knowledge over time: facts derive from the data so far - every fact of run 1 is still given in run 3, under
  // the same id, its figures grown with the lines read since; none ended
  const facts = dataset.versions.map((v) => readFacts(outDir, v.dir));
  const third = new Map(facts[2].map((f) => [f.id, f]));
  for (const f of facts[0]) expect(third.has(f.id)).toBe(true);
  expect(dataset.versions.flatMap((v) => v.facts.ended)).toEqual([]);
  expect(raisedSoFar(facts[2])).toBe(raisedLines(outDir)); // every alarm line of the three versions, once each
  expect(raisedSoFar(facts[0])).toBeLessThan(raisedLines(outDir));
  // the rows the table miners read again are kept with each version (its CSV rows), not re-read from the files
  const keptRows = dataset.versions.map((v) =>
    readFileSync(join(outDir, v.dir, 'knowledge', 'records.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .reduce((a, l) => a + ((JSON.parse(l) as { lines?: number[] }).lines?.length ?? 0), 0),
  );
  expect(keptRows).toEqual([20, 10, 5]);
  // only new and changed facts are asked for: every prompt is about one at least; nothing asked without new lines
  expect(asked[0].length).toBeGreaterThan(0);
  for (let v = 1; v < 3; v++) {
    const before = new Set(facts.slice(0, v).flatMap((fs) => fs.map((f) => `${f.id}:${statementHash(f)}`)));
    const fresh = new Set(facts[v].filter((f) => !before.has(`${f.id}:${statementHash(f)}`)).map(statementHash));
    expect(fresh.size).toBe(dataset.versions[v].facts.new + dataset.versions[v].facts.changed);
    for (const prompt of asked[v]) expect(prompt.some((h) => fresh.has(h))).toBe(true);
  }
  expect(asked[3]).toEqual([]);
  // a changed fact supersedes its earlier texts: each listed is a document of an earlier version
  const docsOf = (dir: string) =>
    readFileSync(join(outDir, dir, 'documents', 'synthetic.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { id: string }).id);
  expect(dataset.versions[1].documents.superseded.length).toBeGreaterThan(0);
  for (const id of dataset.versions[1].documents.superseded) expect(docsOf(dataset.versions[0].dir)).toContain(id);
  expect(dataset.versions.map((v) => v.reads.map((r) => `${r.name}:${r.from_line}-${r.to_line}`))).toEqual([
    ['events.log:1-12', 'line.csv:1-21'],
    ['events.log:13-18', 'other.csv:1-11'],
    ['events.log:1-4', 'events.log.1:19-20', 'line.csv:1-6'],
  ]);
  // every line parsed once: the log's lines under the names they had when read, the CSVs' rows
  const seen = versionLines(outDir);
  expect([...seen.values()].every((n) => n === 1)).toBe(true);
  const keys = [...seen.keys()].map((k) => k.split('/')[1]);
  expect(keys.filter((k) => /^events\.log(\.1)?:/.test(k))).toHaveLength(12 + 6 + 4 + 2);
  expect(keys.filter((k) => /\.csv:/.test(k))).toHaveLength(20 + 10 + 5);
  // the near-duplicate index carries over: each version's holds every earlier version's documents,
  const indexIds = dataset.versions.map(
    (v) =>
      new Set(
        readFileSync(join(outDir, v.dir, 'dedup', 'minhash.jsonl'), 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => (JSON.parse(l) as { id: string }).id),
      ),
  );
  // but for the texts a version superseded (its changed facts' earlier texts): its new texts replace them
  for (let i = 1; i < indexIds.length; i++) {
    const superseded = new Set(dataset.versions[i].documents.superseded);
    for (const id of indexIds[i - 1]) expect(indexIds[i].has(id)).toBe(!superseded.has(id));
    expect(dataset.versions[i].documents.added).toBeGreaterThan(0);
  }
  // each version is a whole run directory; the dataset card names every version
  for (const v of dataset.versions) expect(readdirSync(join(outDir, v.dir))).toContain('manifest.json');
  const card = readFileSync(join(outDir, 'README.md'), 'utf8');
  expect(card).toContain(
    `config_name: default\n  data_files:\n${dataset.versions.map((v) => `  - "${v.dir}/shards/*"`).join('\n')}`,
  );
  expect(card).toMatch(/config_name: v3/);
  // the runs carry the schedule's name (search attribute), and describe lists the versions
  const described = await forge('describe', name);
  expect(described).toMatch(/v3 run-/);
  const runs: string[] = [];
  for await (const w of client.workflow.list({ query: `ForgeSchedule = "${name}"` })) runs.push(w.workflowId);
  expect(runs.length).toBeGreaterThanOrEqual(4 + 3); // four scheduled runs and three versions' runs
  // the Web UI's Schedules page, in a headless browser: the schedule listed, and its page showing its runs
  const browser = await headlessBrowser();
  try {
    const page = await browser.newPage();
    await page.goto(`${ui}/namespaces/default/schedules`);
    await page.getByText(name, { exact: true }).first().waitFor({ timeout: 60_000 });
    await page.goto(`${ui}/namespaces/default/schedules/${name}`);
    const scheduled = runs.filter((id) => !id.endsWith('/version'));
    await page.getByText(scheduled[0]).first().waitFor({ timeout: 60_000 });
  } finally {
    await browser.close();
  }
});

test('a schedule naming a config that cannot be read is refused before it is created', async () => {
  const missing = join(data, 'none.json');
  await expect(
    forge('create', `${name}-x`, '--every', '1d', '--input', data, '--out', outDir, '--config', missing),
  ).rejects.toThrow(/cannot read config file .*none\.json/);
  expect(await forge('list')).not.toContain(`${name}-x`);
});

test('a schedule whose config has gone fails its run with the path and commits nothing', async () => {
  const config = join(data, 'gone.config.json');
  writeFileSync(config, '{}');
  const out = tempDir('schedule-gone');
  await forge(
    'create',
    `${name}-gone`,
    '--every',
    '1d',
    '--input',
    join(data, '*.csv'),
    '--out',
    out,
    '--config',
    config,
  );
  try {
    rmSync(config);
    const run = await trigger(client, `${name}-gone`);
    const failure = await run.result().then(
      () => 'completed',
      (e: Error) => failureMessage(e),
    );
    expect(failure).toMatch(/cannot read config file .*gone\.config\.json/);
    expect(existsSync(join(out, 'cursors.json'))).toBe(false);
    expect(existsSync(join(out, 'dataset.json'))).toBe(false);
  } finally {
    await forge('delete', `${name}-gone`);
  }
});

test('a name learned beside a keyword is masked alone in the next version; a template keeps its id', async () => {
  const dir = tempDir('schedule-names');
  const out = tempDir('schedule-names-out');
  const log = join(dir, 'shift.log');
  const dryer = (day: string, c: number) => `2026-03-0${day} 08:00:00 INFO IMM-01 Hopper dryer at ${c} degC\n`;
  writeFileSync(
    log,
    `2026-03-02 07:58:12 INFO IMM-01 Shift A start, operator Qian Hongyu logged in at HMI-1\n${dryer('2', 80)}`,
  );
  await forge('create', `${name}-names`, '--every', '1d', '--input', log, '--out', out, '--queue', env.taskQueue);
  try {
    await triggerRun(client, env, `${name}-names`);
    appendFileSync(log, `2026-03-03 08:10:00 INFO IMM-01 Qian Hongyu checked the hopper level\n${dryer('3', 82)}`);
    const two = await triggerRun(client, env, `${name}-names`);
    expect(two.version?.counts.lines).toBe(2);
    // the dryer's template keeps the id version 1 published
    const dataset = DatasetManifest.parse(JSON.parse(readFileSync(join(out, 'dataset.json'), 'utf8')));
    const dryerId = (dir: string) => {
      const model = JSON.parse(readFileSync(join(out, dir, 'models', 'shift.log.json'), 'utf8')) as {
        templates: { events: Record<string, { template: string }> };
      };
      return Object.entries(model.templates.events).find(([, e]) => e.template.startsWith('Hopper dryer'))?.[0];
    };
    expect(dryerId(dataset.versions[0].dir)).toMatch(/^t-/);
    expect(dryerId(dataset.versions[1].dir)).toBe(dryerId(dataset.versions[0].dir));
    const clear = allFiles(out).filter((f) => readFileSync(f, 'utf8').includes('Qian Hongyu'));
    expect(clear).toEqual([]);
    const records = allFiles(join(out, 'versions')).filter((f) => /\/records\/[^/]+\.jsonl$/.test(f));
    expect(records.some((f) => readFileSync(f, 'utf8').includes('[NAME] checked the hopper'))).toBe(true);
  } finally {
    await forge('delete', `${name}-names`);
  }
});
