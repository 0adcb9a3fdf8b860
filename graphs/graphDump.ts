import neo4j, { type Driver } from 'neo4j-driver';
import { z } from 'zod';
import { toNative } from './store';

/**
 * The knowledge graph as a file: `forge graph export` writes it (JSON, or Cypher that `forge graph load`
 * runs like any seed graph), and `forge graph load` reads the JSON form back. Nodes are identified by
 * `id` (every knowledge-graph node is an :Entity, every fact a :Fact); loading MERGEs on it, so a dump
 * loads idempotently and round-trips.
 */
const Value = z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number(), z.boolean()]))]);
const Props = z.record(z.string(), Value);
const KEY = z.enum(['Entity', 'Fact']);
export const GraphDump = z
  .object({
    format: z.literal('forge-graph/1'),
    nodes: z.array(
      z.object({
        key: KEY,
        labels: z.array(z.string().regex(/^\w+$/)).min(1),
        properties: Props.and(z.object({ id: z.string() })),
      }),
    ),
    relationships: z.array(
      z.object({
        type: z.string().regex(/^\w+$/),
        start: z.string(),
        start_key: KEY,
        end: z.string(),
        end_key: KEY,
        properties: Props,
      }),
    ),
  })
  .strict();
export type GraphDump = z.infer<typeof GraphDump>;

/** Read the graph: every :Entity node (and :Fact node with `facts`) and the relationships among them, sorted. */
export async function exportGraph(driver: Driver, opts: { facts: boolean }): Promise<GraphDump> {
  const kept = (v: string) => (opts.facts ? `(${v}:Entity OR ${v}:Fact)` : `${v}:Entity`);
  const read = async (cypher: string) =>
    (await driver.executeQuery(cypher, {}, { routing: neo4j.routing.READ })).records.map((r) => toNative(r.get('x')));
  const [nodes, relationships] = await Promise.all([
    read(`MATCH (n) WHERE ${kept('n')}
          RETURN {key: CASE WHEN n:Entity THEN 'Entity' ELSE 'Fact' END, labels: [l IN labels(n) WHERE NOT l IN
          ['Entity', 'Fact'] | l], properties: properties(n)} AS x`),
    read(`MATCH (a)-[r]->(b) WHERE ${kept('a')} AND ${kept('b')}
          RETURN {type: type(r), start: a.id, start_key: CASE WHEN a:Entity THEN 'Entity' ELSE 'Fact' END,
                  end: b.id, end_key: CASE WHEN b:Entity THEN 'Entity' ELSE 'Fact' END, properties:
                  properties(r)} AS x`),
  ]);
  const dump = GraphDump.parse({ format: 'forge-graph/1', nodes: nodes.map(withFactLabel), relationships });
  dump.nodes.sort((a, b) => a.properties.id.localeCompare(b.properties.id));
  dump.relationships.sort((a, b) => relKey(a).localeCompare(relKey(b)));
  return dump;
}

// a fact node has no label besides :Fact; keep that one so the node keeps a label of its own
function withFactLabel(n: unknown): unknown {
  const x = n as { key: string; labels: string[] };
  return x.key === 'Fact' && x.labels.length === 0 ? { ...x, labels: ['Fact'] } : x;
}
const relKey = (r: GraphDump['relationships'][number]) =>
  `${r.start}\u0000${r.type}\u0000${r.end}\u0000${JSON.stringify(r.properties)}`;

/** Load a dump: MERGE nodes by id (labels and properties set), relationships by type, ends and properties. */
export async function loadGraphDump(
  driver: Driver,
  dump: GraphDump,
  batchSize = 1000,
): Promise<{ nodes: number; relationships: number }> {
  for (const [labels, rows] of groupBy(dump.nodes, (n) => [n.key, ...n.labels].join(':'))) {
    const key = labels.split(':')[0];
    for (let i = 0; i < rows.length; i += batchSize) {
      await driver.executeQuery(`UNWIND $rows AS r MERGE (n:${key} {id: r.id}) SET n += r.props, n:${labels}`, {
        rows: rows.slice(i, i + batchSize).map((n) => ({ id: n.properties.id, props: n.properties })),
      });
    }
  }
  for (const [shape, rows] of groupBy(
    dump.relationships,
    (r) => `${r.type}:${r.start_key}:${r.end_key}:${Object.keys(r.properties).sort().join(',')}`,
  )) {
    const [type, startKey, endKey, keys] = shape.split(':');
    const match = keys
      ? ` {${keys
          .split(',')
          .map((k) => `${k}: r.props.${k}`)
          .join(', ')}}`
      : '';
    for (let i = 0; i < rows.length; i += batchSize) {
      await driver.executeQuery(
        `UNWIND $rows AS r MATCH (a:${startKey} {id: r.start}), (b:${endKey} {id: r.end}) MERGE ` +
          `(a)-[x:${type}${match}]->(b)`,
        { rows: rows.slice(i, i + batchSize).map((r) => ({ start: r.start, end: r.end, props: r.properties })) },
      );
    }
  }
  return { nodes: dump.nodes.length, relationships: dump.relationships.length };
}

/** A dump as a Cypher file of literal UNWIND batches, loadable with `forge graph load` like any seed graph. */
export function dumpToCypher(dump: GraphDump, batchSize = 200): string {
  const out = ['// Exported by `forge graph export`: MERGE on ids, idempotent. Load with `forge graph load FILE`.'];
  for (const [labels, rows] of groupBy(dump.nodes, (n) => [n.key, ...n.labels].join(':'))) {
    const key = labels.split(':')[0];
    for (let i = 0; i < rows.length; i += batchSize) {
      out.push(
        `UNWIND ${literal(rows.slice(i, i + batchSize).map((n) => n.properties))} AS r\nMERGE (n:${key} {id: ` +
          `r.id}) SET n += r, n:${labels};`,
      );
    }
  }
  for (const [shape, rows] of groupBy(
    dump.relationships,
    (r) => `${r.type}:${r.start_key}:${r.end_key}:${Object.keys(r.properties).sort().join(',')}`,
  )) {
    const [type, startKey, endKey, keys] = shape.split(':');
    const match = keys
      ? ` {${keys
          .split(',')
          .map((k) => `${k}: r.p.${k}`)
          .join(', ')}}`
      : '';
    for (let i = 0; i < rows.length; i += batchSize) {
      out.push(
        `UNWIND ${literal(rows.slice(i, i + batchSize).map((r) => ({ s: r.start, e: r.end, p: r.properties })))}` +
          ` AS r\nMATCH (a:${startKey} {id: r.s}), (b:${endKey} {id: r.e}) MERGE (a)-[x:${type}${match}]->(b);`,
      );
    }
  }
  return out.join('\n') + '\n';
}

/** A Cypher literal: strings as JSON strings (Cypher reads the same escapes), maps with backticked keys. */
function literal(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(literal).join(', ')}]`;
  if (v && typeof v === 'object')
    return `{${Object.entries(v)
      .map(([k, x]) => `\`${k.replaceAll('`', '``')}\`: ${literal(x)}`)
      .join(', ')}}`;
  if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`cannot write ${v} as a Cypher literal`);
  return JSON.stringify(v);
}

function groupBy<T>(xs: readonly T[], key: (x: T) => string): [string, T[]][] {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = m.get(k);
    if (list) list.push(x);
    else m.set(k, [x]);
  }
  return [...m.entries()];
}

/** A dump file's text, validated: an error names the file and what is wrong. */
export function readGraphDump(name: string, text: string): GraphDump {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`${name}: not valid JSON (${(e as Error).message})`);
  }
  const parsed = GraphDump.safeParse(value);
  if (!parsed.success)
    throw new Error(
      `${name}: not a graph written by "forge graph export": ${parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ')}`,
    );
  return parsed.data;
}
