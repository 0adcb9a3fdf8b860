import neo4j, { type Driver } from 'neo4j-driver';
import { formulaInputs } from '../activities/knowledge/derivedQuantities';
import { GraphSnapshot } from '../activities/knowledge/graphSnapshot';

/** One driver per process: created by the worker (or a CLI command) and passed to what needs it. */
export function openDriver(uri: string, user: string | null, password: string | null): Driver {
  const auth = user ? neo4j.auth.basic(user, password ?? '') : undefined;
  return neo4j.driver(uri, auth, {
    maxConnectionPoolSize: 20,
    connectionAcquisitionTimeout: 30_000,
    connectionTimeout: 10_000,
  });
}

export function neo4jUnreachable(uri: string, cause?: unknown): Error {
  // the driver's message is a paragraph; its last "Caused by:" is the part that says what happened
  const text = cause instanceof Error ? cause.message : '';
  const why = text ? ` (${(/Caused by: (.*)$/s.exec(text)?.[1] ?? text).split('\n')[0].trim()})` : '';
  return new Error(
    `Neo4j is not reachable at ${uri}${why}: start the local one with "npx forge services up", or set NEO4J_URI ` +
      `(+ NEO4J_USERNAME, NEO4J_PASSWORD) to your own`,
  );
}

export function isUnavailable(e: unknown): boolean {
  const code = (e as { code?: string })?.code;
  return code === 'ServiceUnavailable' || code === 'SessionExpired';
}

/** Check the database answers; an unreachable one is one clear error naming the URI and what to do. */
export async function checkNeo4j(driver: Driver, uri: string): Promise<void> {
  try {
    await driver.verifyConnectivity();
  } catch (e) {
    throw neo4jUnreachable(uri, e);
  }
}

/** Split a Cypher file into statements: each ends with `;` at the end of a line. */
export function splitCypher(text: string): string[] {
  return text
    .split(/;[ \t]*(?:\r?\n|$)/)
    .map((s) =>
      s
        .split('\n')
        .filter((l) => !/^\s*\/\//.test(l))
        .join('\n')
        .trim(),
    )
    .filter((s) => s !== '');
}

/** Run every statement of the given Cypher files, each in its own transaction (schema and data don't mix). */
export async function runCypherFiles(driver: Driver, files: { name: string; text: string }[]): Promise<number> {
  let n = 0;
  const session = driver.session();
  try {
    for (const f of files) {
      for (const [i, stmt] of splitCypher(f.text).entries()) {
        try {
          await session.executeWrite((tx) => tx.run(stmt));
        } catch (e) {
          if (isUnavailable(e)) throw e;
          throw new Error(`${f.name}: statement ${i + 1} failed: ${(e as Error).message}`);
        }
        n++;
      }
    }
  } finally {
    await session.close();
  }
  return n;
}

/**
 * Load graph files, then link each derived parameter to the parameters its formula reads
 * (`(d:Parameter)-[:COMPUTED_FROM]->(p:Parameter)`), so the graph shows what a derived quantity depends on.
 */
export async function loadGraphFiles(driver: Driver, files: { name: string; text: string }[]): Promise<number> {
  const n = await runCypherFiles(driver, files);
  const res = await driver.executeQuery(
    'MATCH (d:Parameter) WHERE d.formula IS NOT NULL RETURN d.id AS id, d.formula AS formula',
  );
  const links = res.records.flatMap((r) => {
    const f = { id: r.get('id') as string, formula: r.get('formula') as string };
    return formulaInputs(f).map((input) => ({ from: f.id, to: input }));
  });
  if (links.length) {
    await driver.executeQuery(
      'UNWIND $links AS l MATCH (d:Parameter {id: l.from}), (p:Parameter {id: l.to}) MERGE (d)-[:COMPUTED_FROM]->(p)',
      { links },
    );
  }
  return n;
}

/** neo4j Integers (and nested lists/maps of them) as plain numbers, before anything leaves this module. */
export function toNative(v: unknown): unknown {
  if (neo4j.isInt(v)) return (v as { toNumber(): number }).toNumber();
  if (Array.isArray(v)) return v.map(toNative);
  if (v && typeof v === 'object' && v.constructor === Object) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toNative(x)]));
  }
  return v;
}

const byId = <T extends { id: string }>(xs: T[]) => [...xs].sort((a, b) => a.id.localeCompare(b.id));

/** Read what fact derivation needs from the graph, validated. Lists are sorted by id for determinism. */
export async function readGraphSnapshot(driver: Driver): Promise<GraphSnapshot> {
  const q = async (cypher: string) =>
    (await driver.executeQuery(cypher, {}, { routing: neo4j.routing.READ })).records.map((r) => toNative(r.get('x')));
  const [parameters, equipment, effects, causes, alarms] = await Promise.all([
    q(`MATCH (p:Parameter)
       RETURN p {.id, .name, .name_zh, .unit, .min, .max, .target, .formula,
         aliases: coalesce(p.aliases, []) + reduce(a = [], s IN [(s:Sensor)-[:MEASURES]->(p) | [s.tag] +
         coalesce(s.aliases, [])] | a + s),
         failure_modes: [(p)-[r:DEVIATION_LEADS_TO]->(fm:FailureMode) | fm {.id, .name, .name_zh, severity:
         fm.severity, direction: r.direction,
           effects: [(fm)-[:HAS_EFFECT]->(e:Effect) | e {.id, .name, .name_zh}],
           causes: [(fm)-[:HAS_CAUSE]->(c:Cause) | c {.id, .name, .name_zh}],
           actions: [(fm)-[:MITIGATED_BY]->(a:Action) | a {.id, .name, .name_zh}]}],
         alarms: [(a:Alarm)-[m:MONITORS]->(p) | a {.id, .name, .name_zh, direction: m.direction}]} AS x`),
    q('MATCH (e:Equipment) RETURN e {.id, .name, .name_zh} AS x'),
    q('MATCH (e:Effect) RETURN e {.id, .name, .name_zh, aliases: coalesce(e.aliases, [])} AS x'),
    q('MATCH (c:Cause) RETURN c {.id, .name, .name_zh} AS x'),
    q(
      'MATCH (a:Alarm) OPTIONAL MATCH (a)-[:MONITORS]->(p:Parameter) RETURN a {.id, .name, .name_zh, parameter: ' +
        'p.id} AS x',
    ),
  ]);
  const snapshot = GraphSnapshot.parse({ parameters, equipment, effects, causes, alarms });
  for (const p of snapshot.parameters) {
    p.failure_modes = byId(p.failure_modes).map((m) => ({
      ...m,
      effects: byId(m.effects),
      causes: byId(m.causes),
      actions: byId(m.actions),
    }));
    p.alarms = byId(p.alarms);
  }
  return {
    parameters: byId(snapshot.parameters),
    equipment: byId(snapshot.equipment),
    effects: byId(snapshot.effects),
    causes: byId(snapshot.causes),
    alarms: byId(snapshot.alarms),
  };
}

/** A fact as the graph stores it (any registered kind, kinds/index.ts), with the ids of the facts it builds on. */
export interface StoredFact {
  id: string;
  kind: string;
  subject: string[];
  sources: string[];
  statement: unknown;
  evidence: { n: number };
  /** the kind's `buildsOn` (a graph agreement: its threshold rule) */
  builds_on?: readonly string[];
}

/**
 * MERGE facts as :Fact nodes (UNWIND batches), linked [:ABOUT] to the graph nodes they are about and, once
 * all are written, [:DERIVED_FROM] to the facts they build on.
 */
export async function mergeFacts(
  driver: Driver,
  facts: readonly StoredFact[],
  runId: string,
  batchSize = 500,
): Promise<number> {
  let linked = 0;
  for (let i = 0; i < facts.length; i += batchSize) {
    const rows = facts.slice(i, i + batchSize).map((f) => ({
      id: f.id,
      kind: f.kind,
      subject: f.subject,
      sources: f.sources,
      statement: JSON.stringify(f.statement),
      evidence: JSON.stringify(f.evidence),
      n: f.evidence.n,
    }));
    const res = await driver.executeQuery(
      `UNWIND $rows AS f
       MERGE (x:Fact {id: f.id})
       SET x.kind = f.kind, x.subject = f.subject, x.sources = f.sources, x.statement = f.statement,
           x.evidence = f.evidence, x.n = f.n,
           x.runs = CASE WHEN $runId IN coalesce(x.runs, []) THEN x.runs ELSE coalesce(x.runs, []) + $runId END
       WITH x, f
       UNWIND f.subject AS sid
       MATCH (n:Entity {id: sid})
       MERGE (x)-[:ABOUT]->(n)
       RETURN count(*) AS links`,
      { rows, runId },
    );
    linked += toNative(res.records[0]?.get('links') ?? 0) as number;
  }
  const derived = facts.flatMap((f) => (f.builds_on ?? []).map((to) => ({ from: f.id, to })));
  for (let i = 0; i < derived.length; i += batchSize) {
    await driver.executeQuery(
      `UNWIND $links AS l
       MATCH (x:Fact {id: l.from}), (r:Fact {id: l.to})
       MERGE (x)-[:DERIVED_FROM]->(r)`,
      { links: derived.slice(i, i + batchSize) },
    );
  }
  return linked;
}

/** How many :Fact nodes among these ids exist. */
export async function countFacts(driver: Driver, ids: readonly string[]): Promise<number> {
  const res = await driver.executeQuery('MATCH (f:Fact) WHERE f.id IN $ids RETURN count(f) AS n', { ids });
  return toNative(res.records[0].get('n')) as number;
}
