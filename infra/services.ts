import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync, closeSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { openDriver } from '../graphs/store';
import { devServerSearchAttributeFlags, registerSearchAttributes } from './searchAttributes';

/** The project root (this file lives in infra/). */
export const ROOT = resolve(__dirname, '..');
export const TEMPORAL_CLI_VERSION = 'v1.5.1';

/** Where the local servers keep their data, logs and pids, and the ports they listen on (loopback only). */
export interface ServiceLayout {
  varDir: string;
  temporal: { port: number; uiPort: number };
  neo4j: { port: number; heapMb: number; pagecacheMb: number };
  /** the local model server (llama.cpp's, infra/llm/install.sh): its port and threads */
  llm: { port: number; threads: number };
}
export const DEFAULT_LAYOUT: ServiceLayout = {
  varDir: join(ROOT, 'var'),
  temporal: { port: 7233, uiPort: 8233 },
  neo4j: { port: 7687, heapMb: 512, pagecacheMb: 128 },
  llm: { port: 8080, threads: 2 },
};
/** The test suite's own servers, apart from a developer's running ones. */
export const TEST_LAYOUT: ServiceLayout = {
  varDir: join(ROOT, 'var', 'test'),
  temporal: { port: 17233, uiPort: 18233 },
  neo4j: { port: 17687, heapMb: 512, pagecacheMb: 64 },
  llm: { port: 18080, threads: 2 },
};

export type ServiceName = 'temporal' | 'neo4j' | 'llm';
type Log = (line: string) => void;
const defaultLog: Log = (line) => process.stderr.write(`[forge] ${line}\n`);

export const temporalAddress = (l: ServiceLayout) => `127.0.0.1:${l.temporal.port}`;
export const neo4jUri = (l: ServiceLayout) => `bolt://127.0.0.1:${l.neo4j.port}`;
export const pidFile = (l: Pick<ServiceLayout, 'varDir'>, s: string) => join(l.varDir, 'run', `${s}.pid`);
export const logFile = (l: Pick<ServiceLayout, 'varDir'>, s: string) => join(l.varDir, 'log', `${s}.log`);

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv }, what: string): void {
  const res = spawnSync(cmd, args, { ...opts, stdio: ['ignore', 'inherit', 'inherit'] });
  if (res.error) throw new Error(`${what}: cannot run ${cmd} (${res.error.message})`);
  if (res.status !== 0) throw new Error(`${what}: ${cmd} ${args.join(' ')} exited with ${res.status}`);
}

/** The Temporal CLI, go-installed into the git-ignored .tools/bin when missing. */
export function ensureTemporalCli(log: Log = defaultLog): string {
  const bin = join(ROOT, '.tools', 'bin', 'temporal');
  if (existsSync(bin)) return bin;
  log(`installing the Temporal CLI ${TEMPORAL_CLI_VERSION} into .tools/bin (go install, a few minutes the first time)`);
  mkdirSync(join(ROOT, '.tools', 'bin'), { recursive: true });
  run(
    'go',
    ['install', `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`],
    { env: { ...process.env, GOBIN: join(ROOT, '.tools', 'bin') } },
    'installing the Temporal CLI',
  );
  return bin;
}

const NEO4J_DIR = join(ROOT, 'infra', 'neo4j');

/** The embedded-Neo4j launcher, built with Maven when missing or older than its sources. */
export function ensureNeo4jLauncher(log: Log = defaultLog): void {
  ensureJavaLauncher(NEO4J_DIR, 'neo4j', 'the Neo4j launcher', 'Neo4j 5.26 from Maven Central', log);
}

/**
 * A launcher of infra/<dir>/ (pom.xml, src/main/java/dev/forge/<pkg>/Launcher.java; its runtime jars copied to
 * target/lib), built with Maven when missing or older than its sources.
 */
export function ensureJavaLauncher(dir: string, pkg: string, what: string, from: string, log: Log = defaultLog): void {
  const launcher = join(dir, 'target', 'classes', 'dev', 'forge', pkg, 'Launcher.class');
  const sources = [join(dir, 'pom.xml'), join(dir, 'src', 'main', 'java', 'dev', 'forge', pkg, 'Launcher.java')];
  const built =
    existsSync(launcher) &&
    existsSync(join(dir, 'target', 'lib')) &&
    sources.every((s) => statSync(s).mtimeMs <= statSync(launcher).mtimeMs);
  if (built) return;
  log(`building ${what} (Maven, ${from}; a minute or two the first time)`);
  run(
    'mvn',
    ['-q', '-B', '-Dstyle.color=never', '-f', join(dir, 'pom.xml'), 'package', '-DskipTests'],
    {},
    `building ${what}`,
  );
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function runningPid(l: Pick<ServiceLayout, 'varDir'>, s: string): number | null {
  const f = pidFile(l, s);
  if (!existsSync(f)) return null;
  const pid = Number(readFileSync(f, 'utf8').trim());
  if (Number.isInteger(pid) && pid > 0 && alive(pid)) return pid;
  rmSync(f, { force: true });
  return null;
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export function startDetached(
  l: Pick<ServiceLayout, 'varDir'>,
  s: string,
  cmd: string,
  args: string[],
  cwd: string,
  env?: NodeJS.ProcessEnv,
): number {
  mkdirSync(join(l.varDir, 'run'), { recursive: true });
  mkdirSync(join(l.varDir, 'log'), { recursive: true });
  const fd = openSync(logFile(l, s), 'a');
  const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  if (!child.pid) throw new Error(`cannot start ${s}: ${cmd} did not start`);
  child.unref();
  writeFileSync(pidFile(l, s), String(child.pid));
  return child.pid;
}

export async function waitFor(
  what: string,
  pid: number | null,
  log: string,
  timeoutMs: number,
  probe: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    if (pid !== null && !alive(pid))
      throw new Error(`${what} exited while starting; last lines of ${log}:\n${tail(log)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what} did not answer within ${timeoutMs / 1000} s; last lines of ${log}:\n${tail(log)}`);
}

export async function temporalAnswers(address: string): Promise<boolean> {
  let conn: Connection | null = null;
  try {
    conn = await Connection.connect({ address, connectTimeout: 2000 });
    await conn.healthService.check({});
    return true;
  } catch {
    return false;
  } finally {
    await conn?.close().catch(() => undefined);
  }
}

export async function neo4jAnswers(uri: string): Promise<boolean> {
  const driver = openDriver(uri, null, null);
  try {
    await driver.verifyConnectivity();
    return true;
  } catch {
    return false;
  } finally {
    await driver.close();
  }
}

/** Start the Temporal dev server (SQLite file under var/, Web UI built in) unless one answers already. */
export async function startTemporal(l: ServiceLayout, log: Log = defaultLog): Promise<boolean> {
  const address = temporalAddress(l);
  if (runningPid(l, 'temporal') !== null || (await temporalAnswers(address))) {
    await waitFor('Temporal', runningPid(l, 'temporal'), logFile(l, 'temporal'), 120_000, () =>
      temporalAnswers(address),
    );
    return false;
  }
  const bin = ensureTemporalCli(log);
  log(
    `starting Temporal dev server on ${address} (Web UI ` +
      `http://localhost:${l.temporal.uiPort}, data ${join(l.varDir, 'temporal.sqlite')})`,
  );
  const pid = startDetached(
    l,
    'temporal',
    bin,
    [
      'server',
      'start-dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(l.temporal.port),
      '--ui-port',
      String(l.temporal.uiPort),
      '--db-filename',
      join(l.varDir, 'temporal.sqlite'),
      '--log-level',
      'warn',
      ...devServerSearchAttributeFlags(),
    ],
    ROOT,
  );
  await waitFor('Temporal', pid, logFile(l, 'temporal'), 120_000, () => temporalAnswers(address));
  // the flags register them in a new SQLite file only: one kept from an older Forge gets those it lacks here
  const conn = await Connection.connect({ address });
  try {
    const added = await registerSearchAttributes(conn, 'default');
    if (added.length) log(`registered search attributes ${added.join(', ')} in the kept data`);
  } finally {
    await conn.close().catch(() => undefined);
  }
  return true;
}

/** The layout's Temporal dev server and Neo4j, each started unless one answers: the names of those started here. */
export async function startServers(l: ServiceLayout, log: Log = defaultLog): Promise<ServiceName[]> {
  const started: ServiceName[] = [];
  if (await startTemporal(l, log)) started.push('temporal');
  if (await startNeo4j(l, log)) started.push('neo4j');
  return started;
}

/** Start the embedded Neo4j (data under var/, heap and page cache set small) unless one answers already. */
export async function startNeo4j(l: ServiceLayout, log: Log = defaultLog): Promise<boolean> {
  const uri = neo4jUri(l);
  if (runningPid(l, 'neo4j') !== null || (await neo4jAnswers(uri))) {
    await waitFor('Neo4j', runningPid(l, 'neo4j'), logFile(l, 'neo4j'), 180_000, () => neo4jAnswers(uri));
    return false;
  }
  ensureNeo4jLauncher(log);
  log(
    `starting Neo4j on ${uri} (heap ${l.neo4j.heapMb} MB, page ` +
      `cache ${l.neo4j.pagecacheMb} MB, data ${join(l.varDir, 'neo4j')})`,
  );
  const pid = startDetached(
    l,
    'neo4j',
    'java',
    [
      `-Xms${Math.min(128, l.neo4j.heapMb)}m`,
      `-Xmx${l.neo4j.heapMb}m`,
      '-XX:+UseSerialGC',
      '-XX:+ExitOnOutOfMemoryError',
      '-cp',
      `${join(NEO4J_DIR, 'target', 'classes')}:${join(NEO4J_DIR, 'target', 'lib', '*')}`,
      'dev.forge.neo4j.Launcher',
      '--data',
      join(l.varDir, 'neo4j'),
      '--host',
      '127.0.0.1',
      '--port',
      String(l.neo4j.port),
      '--pagecache-mb',
      String(l.neo4j.pagecacheMb),
    ],
    ROOT,
  );
  await waitFor('Neo4j', pid, logFile(l, 'neo4j'), 180_000, () => neo4jAnswers(uri));
  return true;
}

/** The local model's OpenAI-compatible base URL, and the model name it answers to. */
export const localModelUrl = (l: ServiceLayout) => `http://127.0.0.1:${l.llm.port}/v1`;
export const LOCAL_MODEL = 'SmolLM2-135M-Instruct';
/** The name a local server answers to for a GGUF: SmolLM2's, or the file's name without `.gguf`. */
export const localModelName = (gguf?: string) => (gguf ? basename(gguf).replace(/\.gguf$/i, '') : LOCAL_MODEL);

export async function localModelAnswers(baseURL: string): Promise<boolean> {
  const res = await fetch(`${baseURL}/models`, { signal: AbortSignal.timeout(2000) }).catch(() => null);
  return !!res && res.ok;
}

/**
 * Start a local OpenAI-compatible model server - llama.cpp's (llama-cpp-python[server], pinned) serving
 * SmolLM2-135M-Instruct, or the GGUF given - unless one answers already. infra/llm/install.sh installs both on
 * first use (compiles llama.cpp: ~3 min on 2 cores; pip caches the build). The server answers to
 * localModelName(gguf).
 */
export async function startLocalModel(l: ServiceLayout, log: Log = defaultLog, gguf?: string): Promise<boolean> {
  const url = localModelUrl(l);
  if (runningPid(l, 'llm') !== null || (await localModelAnswers(url))) {
    await waitFor('the local model', runningPid(l, 'llm'), logFile(l, 'llm'), 120_000, () => localModelAnswers(url));
    return false;
  }
  const res = spawnSync('bash', [join(ROOT, 'infra', 'llm', 'install.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (res.status !== 0)
    throw new Error(`installing the local model failed (infra/llm/install.sh exited with ${res.status})`);
  const model = gguf ? resolve(gguf) : resolve(ROOT, res.stdout.trim().split('\n').pop()!);
  if (!existsSync(model)) throw new Error(`no GGUF file at ${model}`);
  log(`starting the local model server on ${url} (llama.cpp, ${localModelName(gguf)}, ${l.llm.threads} threads)`);
  const pid = startDetached(
    l,
    'llm',
    join(ROOT, '.tools', 'llama', 'venv', 'bin', 'python'),
    [
      '-m',
      'llama_cpp.server',
      '--model',
      model,
      '--model_alias',
      localModelName(gguf),
      '--host',
      '127.0.0.1',
      '--port',
      String(l.llm.port),
      '--n_ctx',
      '4096',
      '--n_threads',
      String(l.llm.threads),
    ],
    ROOT,
  );
  await waitFor('the local model', pid, logFile(l, 'llm'), 120_000, () => localModelAnswers(url));
  return true;
}

/** Stop a server this project started (SIGTERM to its process group, SIGKILL after 30 s). */
export async function stopService(
  l: Pick<ServiceLayout, 'varDir'>,
  s: string,
  log: Log = defaultLog,
): Promise<boolean> {
  const pid = runningPid(l, s);
  if (pid === null) return false;
  log(`stopping ${s} (pid ${pid})`);
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* gone */
      }
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + 30_000;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  if (alive(pid)) signal('SIGKILL');
  rmSync(pidFile(l, s), { force: true });
  return true;
}

export interface ServiceStatus {
  name: ServiceName;
  address: string;
  pid: number | null;
  answers: boolean;
}
export async function serviceStatus(l: ServiceLayout): Promise<ServiceStatus[]> {
  return [
    {
      name: 'temporal',
      address: temporalAddress(l),
      pid: runningPid(l, 'temporal'),
      answers: await temporalAnswers(temporalAddress(l)),
    },
    { name: 'neo4j', address: neo4jUri(l), pid: runningPid(l, 'neo4j'), answers: await neo4jAnswers(neo4jUri(l)) },
    {
      name: 'llm',
      address: localModelUrl(l),
      pid: runningPid(l, 'llm'),
      answers: await localModelAnswers(localModelUrl(l)),
    },
  ];
}
