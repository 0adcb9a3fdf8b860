import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect as netConnect } from 'node:net';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { registerSearchAttributes } from './searchAttributes';
import {
  alive,
  logFile,
  neo4jAnswers,
  ROOT,
  runningPid,
  type ServiceLayout,
  startDetached,
  startNeo4j,
  stopService,
  temporalAnswers,
  waitFor,
} from './services';

/**
 * A production-shaped Temporal cluster on this machine, loopback only, from the project's own files: PostgreSQL
 * (Debian's package) initialised under `var/cluster/pg` with a generated password, Temporal's schema set up by
 * its SQL tool, the Temporal server (built with `go install`, pinned) with advanced visibility on PostgreSQL,
 * its services in one process or each in its own (`separate`), the `default` namespace with Forge's search
 * attributes, and Neo4j. Workers reach it over the network like any remote machine (`TEMPORAL_ADDRESS`,
 * `NEO4J_URI`). `forge cluster up|down|status`.
 */
export const TEMPORAL_SERVER_VERSION = 'v1.28.1';
/** The Web UI server, the version infra/compose.yaml runs (its module's assets are built in) */
export const TEMPORAL_UI_VERSION = 'v2.34.0';
export type TemporalService = 'frontend' | 'history' | 'matching' | 'worker';
export const TEMPORAL_SERVICES: readonly TemporalService[] = ['frontend', 'history', 'matching', 'worker'];

export interface ClusterLayout {
  varDir: string;
  postgresPort: number;
  /** gRPC port of each Temporal service */
  ports: Record<TemporalService, number>;
  /** membership (ringpop) port of each: at most 32767 - PostgreSQL's schema stores it as a smallint */
  membership: Record<TemporalService, number>;
  neo4j: ServiceLayout['neo4j'];
  /** the Web UI's HTTP port */
  uiPort: number;
}
export const CLUSTER_LAYOUT: ClusterLayout = {
  varDir: join(ROOT, 'var', 'cluster'),
  postgresPort: 15432,
  ports: { frontend: 7933, history: 7934, matching: 7935, worker: 7939 },
  membership: { frontend: 6933, history: 6934, matching: 6935, worker: 6939 },
  neo4j: { port: 7787, heapMb: 512, pagecacheMb: 64 },
  uiPort: 8933,
};

type Log = (line: string) => void;
const defaultLog: Log = (line) => process.stderr.write(`[forge cluster] ${line}\n`);

export const frontendAddress = (l: ClusterLayout) => `127.0.0.1:${l.ports.frontend}`;
export const clusterNeo4jUri = (l: ClusterLayout) => `bolt://127.0.0.1:${l.neo4j.port}`;
const neo4jLayout = (l: ClusterLayout): ServiceLayout => ({
  varDir: l.varDir,
  neo4j: l.neo4j,
  temporal: { port: 0, uiPort: 0 },
  llm: { port: 0, threads: 1 },
});

/** The server and its SQL tool, built once into `.tools/temporal-server/<version>` (git-ignored). */
export function ensureTemporalServer(log: Log = defaultLog): { server: string; sqlTool: string; schemaDir: string } {
  const bin = join(ROOT, '.tools', 'temporal-server', TEMPORAL_SERVER_VERSION, 'bin');
  const server = join(bin, 'server'),
    sqlTool = join(bin, 'sql');
  const env = { ...process.env, GOBIN: bin, GOFLAGS: '-mod=mod' };
  for (const [path, pkg] of [
    [server, 'go.temporal.io/server/cmd/server'],
    [sqlTool, 'go.temporal.io/server/cmd/tools/sql'],
  ] as const) {
    if (existsSync(path)) continue;
    log(`building ${pkg}@${TEMPORAL_SERVER_VERSION} with go install (once; several minutes on 2 cores)`);
    execFileSync('go', ['install', `${pkg}@${TEMPORAL_SERVER_VERSION}`], { env, stdio: 'inherit' });
  }
  const modCache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
  const schemaDir = join(modCache, `go.temporal.io/server@${TEMPORAL_SERVER_VERSION}`, 'schema', 'postgresql', 'v12');
  return { server, sqlTool, schemaDir };
}

/**
 * The Web UI server, built once into `.tools/temporal-ui/<version>`. Its module has a replace directive, which
 * `go install pkg@version` refuses: the module is downloaded and built as the main module instead.
 */
export function ensureTemporalUi(log: Log = defaultLog): string {
  const bin = join(ROOT, '.tools', 'temporal-ui', TEMPORAL_UI_VERSION, 'bin', 'ui-server');
  if (existsSync(bin)) return bin;
  log(`building the Temporal Web UI server ${TEMPORAL_UI_VERSION} (once)`);
  const mod = `github.com/temporalio/ui-server/v2@${TEMPORAL_UI_VERSION}`;
  const { Dir } = JSON.parse(execFileSync('go', ['mod', 'download', '-json', mod], { encoding: 'utf8' })) as {
    Dir: string;
  };
  const src = mkdtempSync(join(tmpdir(), 'forge-ui-server-'));
  cpSync(Dir, src, { recursive: true });
  execFileSync('chmod', ['-R', 'u+w', src]);
  execFileSync('go', ['build', '-o', bin, './cmd/server'], { cwd: src, stdio: 'inherit' });
  rmSync(src, { recursive: true, force: true });
  return bin;
}

/** Start the Web UI on loopback, pointed at the cluster's frontend. */
async function startTemporalUi(l: ClusterLayout, log: Log): Promise<void> {
  if (runningPid(l, 'temporal-ui') !== null) return;
  const bin = ensureTemporalUi(log);
  const dir = join(l.varDir, 'ui', 'config');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'cluster.yaml'),
    [
      `temporalGrpcAddress: ${frontendAddress(l)}`,
      'host: 127.0.0.1',
      `port: ${l.uiPort}`,
      'enableUi: true',
      'defaultNamespace: default',
      'notifyOnNewVersion: false',
      '',
    ].join('\n'),
  );
  log(`starting the Web UI on http://127.0.0.1:${l.uiPort}`);
  const pid = startDetached(l, 'temporal-ui', bin, ['--root', dir, '--config', '.', '--env', 'cluster', 'start'], dir);
  await waitFor('the Web UI', pid, logFile(l, 'temporal-ui'), 60_000, () => portOpen(l.uiPort));
}

/** The cluster's generated database password (made once, mode 0600). */
function secret(l: ClusterLayout): string {
  const file = join(l.varDir, 'secrets.json');
  if (!existsSync(file)) {
    mkdirSync(l.varDir, { recursive: true });
    writeFileSync(file, JSON.stringify({ postgres: randomBytes(18).toString('base64url') }), { mode: 0o600 });
  }
  return (JSON.parse(readFileSync(file, 'utf8')) as { postgres: string }).postgres;
}

const PG_BIN = '/usr/lib/postgresql/15/bin';
const asRoot = process.getuid?.() === 0;
/** PostgreSQL refuses to run as root: there, its commands run as the `postgres` user of Debian's package. */
function pg(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  const full = join(PG_BIN, cmd);
  const [exe, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', full, ...args]] : [full, args];
  return execFileSync(exe, argv, {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Can this machine run the cluster's PostgreSQL at all? A clear message when it cannot. */
function checkPostgresInstalled(): void {
  if (!existsSync(join(PG_BIN, 'initdb')))
    throw new Error(
      `PostgreSQL 15 is not installed (no ${PG_BIN}/initdb): the cluster needs Debian's package ` +
        '(apt-get install postgresql-15)',
    );
  if (asRoot)
    try {
      execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
    } catch {
      throw new Error(
        'running as root, Forge starts PostgreSQL as the "postgres" user, and this machine has none ' +
          "(Debian's postgresql-15 package creates it); or run forge cluster as an ordinary user",
      );
    }
}

/** May the `postgres` user enter this directory (every folder above it searchable)? */
function postgresCanEnter(dir: string): boolean {
  try {
    execFileSync('runuser', ['-u', 'postgres', '--', 'test', '-x', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Where PostgreSQL's data directory and password file live. In the checkout (`<varDir>/pg`), unless Forge runs as
 * root and the `postgres` user cannot enter the checkout (a clone in root's 0700 home, or in a `mktemp -d`
 * folder): then in a folder of the `postgres` user's own under /var/tmp, named after the checkout, recorded in
 * `<varDir>/pg.location` and removed by `forge cluster down`.
 */
export interface PgPlace {
  data: string;
  pwfile: string;
  /** the folder outside the checkout, when the data lives there */
  outside: string | null;
}
const locationFile = (l: ClusterLayout) => join(l.varDir, 'pg.location');
export function pgPlace(l: ClusterLayout): PgPlace {
  const inside: PgPlace = { data: join(l.varDir, 'pg'), pwfile: join(l.varDir, 'pg.pw'), outside: null };
  if (existsSync(locationFile(l))) {
    const outside = readFileSync(locationFile(l), 'utf8').trim();
    return { data: join(outside, 'data'), pwfile: join(outside, 'pg.pw'), outside };
  }
  if (!asRoot || existsSync(join(inside.data, 'PG_VERSION'))) return inside;
  mkdirSync(l.varDir, { recursive: true });
  if (postgresCanEnter(l.varDir)) return inside;
  const outside = join('/var/tmp', `forge-pg-${createHash('sha256').update(l.varDir).digest('hex').slice(0, 16)}`);
  return { data: join(outside, 'data'), pwfile: join(outside, 'pg.pw'), outside };
}
const pgDir = (l: ClusterLayout) => pgPlace(l).data;

export async function postgresAnswers(l: ClusterLayout): Promise<boolean> {
  try {
    pg('pg_isready', ['-h', '127.0.0.1', '-p', String(l.postgresPort), '-q']);
    return true;
  } catch {
    return false;
  }
}

/** Initialise (once) and start PostgreSQL on loopback, with the `temporal` role and its two databases. */
export async function startPostgres(l: ClusterLayout, log: Log = defaultLog): Promise<void> {
  checkPostgresInstalled();
  const password = secret(l);
  const place = pgPlace(l);
  const dir = place.data;
  if (place.outside && !existsSync(locationFile(l))) {
    // a new place outside the checkout (what a checkout whose var/ was deleted left there is not ours to reuse)
    log(
      `the postgres user cannot enter ${l.varDir} (a private folder above it): PostgreSQL's files go to ` +
        `${place.outside}, removed by forge cluster down`,
    );
    if (existsSync(join(dir, 'postmaster.pid')))
      try {
        pg('pg_ctl', ['-D', dir, '-m', 'fast', '-w', 'stop']);
      } catch {
        // a stale pid file: nothing runs there
      }
    rmSync(place.outside, { recursive: true, force: true });
    mkdirSync(place.outside, { mode: 0o700 });
    writeFileSync(locationFile(l), `${place.outside}\n`);
  }
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    log(`initialising PostgreSQL 15 in ${dir}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const pwfile = place.pwfile;
    writeFileSync(pwfile, password, { mode: 0o600 });
    if (asRoot) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      for (const p of [...(place.outside ? [place.outside] : []), dir, pwfile]) chownSync(p, uid, gid);
    }
    pg('initdb', ['-D', dir, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8']);
    writeFileSync(pwfile, '');
    const conf = join(dir, 'postgresql.conf');
    const extra = [
      "listen_addresses = '127.0.0.1'",
      `port = ${l.postgresPort}`,
      `unix_socket_directories = '${dir}'`,
      'max_connections = 200',
    ];
    writeFileSync(conf, `${readFileSync(conf, 'utf8')}\n# forge cluster\n${extra.join('\n')}\n`);
  }
  if (!(await postgresAnswers(l))) {
    log(`starting PostgreSQL on 127.0.0.1:${l.postgresPort}`);
    pg('pg_ctl', ['-D', dir, '-l', join(dir, 'postgres.log'), '-w', '-t', '60', 'start']);
  }
  const psql = (sql: string) =>
    pg('psql', ['-h', '127.0.0.1', '-p', String(l.postgresPort), '-U', 'postgres', '-tAc', sql], {
      PGPASSWORD: password,
    });
  if (!psql("SELECT 1 FROM pg_roles WHERE rolname = 'temporal'").trim()) {
    psql(`CREATE ROLE temporal LOGIN CREATEDB PASSWORD '${password}'`);
  }
}

export function stopPostgres(l: ClusterLayout): void {
  if (!existsSync(join(pgDir(l), 'postmaster.pid'))) return;
  pg('pg_ctl', ['-D', pgDir(l), '-m', 'fast', '-w', 'stop']);
}

/** PostgreSQL's files outside the checkout, if it had to put them there: removed, with their record. */
function removeOutsidePostgres(l: ClusterLayout, log: Log): void {
  const { outside } = pgPlace(l);
  if (!outside || !existsSync(locationFile(l))) return;
  rmSync(outside, { recursive: true, force: true });
  rmSync(locationFile(l), { force: true });
  log(`removed PostgreSQL's files from ${outside}`);
}

export function restartPostgres(l: ClusterLayout): void {
  pg('pg_ctl', ['-D', pgDir(l), '-l', join(pgDir(l), 'postgres.log'), '-m', 'fast', '-w', '-t', '60', 'restart']);
}

/** Create the two databases and bring their schemas to the server's version (idempotent). */
function setupSchema(l: ClusterLayout, tools: { sqlTool: string; schemaDir: string }, log: Log): void {
  const password = secret(l);
  for (const [db, sub] of [
    ['temporal', 'temporal'],
    ['temporal_visibility', 'visibility'],
  ] as const) {
    const base = [
      '--plugin',
      'postgres12',
      '--ep',
      '127.0.0.1',
      '-p',
      String(l.postgresPort),
      '-u',
      'temporal',
      '--pw',
      password,
      '--db',
      db,
    ];
    const run = (args: string[]) =>
      execFileSync(tools.sqlTool, [...base, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      run(['create-database']);
      log(`created database ${db}`);
    } catch (e) {
      if (!/already exists/.test(String((e as { stderr?: string }).stderr ?? e))) throw e;
    }
    try {
      run(['setup-schema', '-v', '0.0']);
    } catch (e) {
      if (!/already exists/.test(String((e as { stderr?: string }).stderr ?? e))) throw e;
    }
    run(['update-schema', '-d', join(tools.schemaDir, sub, 'versioned')]);
  }
}

/** The server's configuration: PostgreSQL for history and for (advanced) visibility, every port on loopback. */
function writeServerConfig(l: ClusterLayout): string {
  for (const s of TEMPORAL_SERVICES)
    if (l.membership[s] > 32767)
      throw new Error(
        `membership port of ${s} (${l.membership[s]}) over 32767: Temporal's SQL schema stores it as a smallint`,
      );
  const password = secret(l);
  const dir = join(l.varDir, 'temporal', 'config');
  mkdirSync(join(dir, 'dynamicconfig'), { recursive: true });
  const store = (db: string, conns: number) => `
      sql:
        pluginName: "postgres12"
        databaseName: "${db}"
        connectAddr: "127.0.0.1:${l.postgresPort}"
        connectProtocol: "tcp"
        user: "temporal"
        password: "${password}"
        maxConns: ${conns}
        maxIdleConns: ${conns}
        maxConnLifetime: "1h"`;
  const service = (s: TemporalService) => `
  ${s}:
    rpc:
      grpcPort: ${l.ports[s]}
      membershipPort: ${l.membership[s]}
      bindOnLocalHost: true${s === 'frontend' ? `\n      httpPort: ${l.ports.frontend + 10}` : ''}`;
  const yaml = `log:
  stdout: true
  level: warn
persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: 4
  datastores:
    default:${store('temporal', 20)}
    visibility:${store('temporal_visibility', 10)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"
services:${TEMPORAL_SERVICES.map(service).join('')}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: "127.0.0.1:${l.ports.frontend}"
dcRedirectionPolicy:
  policy: "noop"
dynamicConfigClient:
  filepath: "${join(dir, 'dynamicconfig', 'cluster.yaml')}"
  pollInterval: "10s"
`;
  writeFileSync(join(dir, 'cluster.yaml'), yaml, { mode: 0o600 });
  writeFileSync(
    join(dir, 'dynamicconfig', 'cluster.yaml'),
    'frontend.enableUpdateWorkflowExecution:\n  - value: ' +
      'true\nsystem.forceSearchAttributesCacheRefreshOnRead:\n  - value: true\n',
  );
  return dir;
}

const serviceName = (s: TemporalService | 'all') => `temporal-${s}`;

/** Does something accept TCP connections on this loopback port? */
function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = netConnect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Start the Temporal services: one process for all, or one per service (`separate`). */
export async function startTemporalServer(
  l: ClusterLayout,
  opts: { separate: boolean },
  log: Log = defaultLog,
): Promise<void> {
  const { server } = ensureTemporalServer(log);
  const dir = writeServerConfig(l);
  const groups: (TemporalService | 'all')[] = opts.separate ? ['history', 'matching', 'frontend', 'worker'] : ['all'];
  // the first process writes the cluster's metadata record into a new database; started together, two
  // services race to write it and one exits: the others start once the first listens
  startTemporalService(l, groups[0], server, dir, log);
  if (groups.length > 1) {
    const first = groups[0] as TemporalService;
    await waitFor(`Temporal ${first}`, runningPid(l, serviceName(first)), logFile(l, serviceName(first)), 120_000, () =>
      portOpen(l.ports[first]),
    );
    for (const g of groups.slice(1)) startTemporalService(l, g, server, dir, log);
  }
  await waitFor(
    'the Temporal frontend',
    null,
    logFile(l, serviceName(opts.separate ? 'frontend' : 'all')),
    120_000,
    () => temporalAnswers(frontendAddress(l)),
  );
}

function startTemporalService(
  l: ClusterLayout,
  g: TemporalService | 'all',
  server: string,
  dir: string,
  log: Log,
): void {
  if (runningPid(l, serviceName(g)) !== null) return;
  const services = g === 'all' ? TEMPORAL_SERVICES.flatMap((s) => ['--service', s]) : ['--service', g];
  log(`starting Temporal ${g === 'all' ? 'services' : g} (${TEMPORAL_SERVER_VERSION})`);
  startDetached(
    l,
    serviceName(g),
    server,
    ['--root', dir, '--config', '.', '--env', 'cluster', 'start', ...services],
    dir,
  );
}

/** Restart one Temporal service process (SIGKILL, then start again, until it listens): a crashed history host, say. */
export async function restartTemporalService(
  l: ClusterLayout,
  s: TemporalService,
  log: Log = defaultLog,
): Promise<void> {
  const pid = runningPid(l, serviceName(s));
  if (pid === null)
    throw new Error(`Temporal ${s} does not run as its own process (start the cluster with --separate)`);
  process.kill(pid, 'SIGKILL');
  while (alive(pid)) await new Promise((r) => setTimeout(r, 100));
  const { server } = ensureTemporalServer(log);
  startTemporalService(l, s, server, join(l.varDir, 'temporal', 'config'), log);
  await waitFor(`Temporal ${s}`, runningPid(l, serviceName(s)), logFile(l, serviceName(s)), 120_000, () =>
    portOpen(l.ports[s]),
  );
}

/** The `default` namespace (3 days' retention) with Forge's search attributes. */
async function ensureNamespace(l: ClusterLayout, log: Log): Promise<void> {
  const connection = await Connection.connect({ address: frontendAddress(l) });
  try {
    try {
      await connection.workflowService.registerNamespace({
        namespace: 'default',
        workflowExecutionRetentionPeriod: msToTs('3 days'),
      });
      log('registered namespace default');
    } catch (e) {
      if (!/already exists|AlreadyExists/i.test(String((e as Error).message))) throw e;
    }
    // a new namespace reaches every frontend's cache within seconds
    for (let i = 0; ; i++) {
      try {
        const added = await registerSearchAttributes(connection, 'default');
        if (added.length) log(`registered search attributes ${added.join(', ')}`);
        return;
      } catch (e) {
        if (i >= 30) throw e;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  } finally {
    await connection.close();
  }
}

/** `forge cluster up`: PostgreSQL, schema, Temporal, namespace and search attributes, Neo4j. */
export async function clusterUp(l: ClusterLayout, opts: { separate: boolean }, log: Log = defaultLog): Promise<void> {
  const tools = ensureTemporalServer(log);
  await startPostgres(l, log);
  setupSchema(l, tools, log);
  await startTemporalServer(l, opts, log);
  await ensureNamespace(l, log);
  await startTemporalUi(l, log);
  await startNeo4j(neo4jLayout(l), log);
  log(
    `up: TEMPORAL_ADDRESS=${frontendAddress(l)} NEO4J_URI=${clusterNeo4jUri(l)} Web UI ` +
      `http://127.0.0.1:${l.uiPort} (loopback only)`,
  );
}

export async function clusterDown(l: ClusterLayout, log: Log = defaultLog): Promise<void> {
  await stopService(l, 'temporal-ui', log);
  for (const g of ['all', ...TEMPORAL_SERVICES] as const) await stopService(l, serviceName(g), log);
  await stopService(neo4jLayout(l), 'neo4j', log);
  stopPostgres(l);
  removeOutsidePostgres(l, log);
}

export async function clusterStatus(l: ClusterLayout): Promise<{ name: string; up: boolean; where: string }[]> {
  return [
    { name: 'postgresql', up: await postgresAnswers(l), where: `127.0.0.1:${l.postgresPort}` },
    { name: 'temporal', up: await temporalAnswers(frontendAddress(l)), where: frontendAddress(l) },
    { name: 'web ui', up: await portOpen(l.uiPort), where: `http://127.0.0.1:${l.uiPort}` },
    { name: 'neo4j', up: await neo4jAnswers(clusterNeo4jUri(l)), where: clusterNeo4jUri(l) },
  ];
}
