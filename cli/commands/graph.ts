import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Driver } from 'neo4j-driver';
import { writeFileAtomic } from '../../activities/common/files';
import { dumpToCypher, exportGraph, loadGraphDump, readGraphDump } from '../../graphs/graphDump';
import { checkNeo4j, loadGraphFiles, openDriver } from '../../graphs/store';
import type { ForgeEnv } from '../../infra/env';
import { out, parseFlags, UsageError } from '../args';
import { GRAPHS_DIR } from '../graphFiles';

const GRAPH_USAGE = 'graph load FILE... | graph export --out FILE.json|FILE.cypher [--facts]';

/** `forge graph load FILE...` and `forge graph export --out FILE.json|FILE.cypher [--facts]`. */
export async function graphCommand(args: string[], env: ForgeEnv): Promise<void> {
  const [sub, ...rest] = args;
  if (!(sub === 'load' && rest.length) && sub !== 'export') throw new UsageError(GRAPH_USAGE);
  const driver = openDriver(env.neo4jUri, env.neo4jUser, env.neo4jPassword);
  try {
    if (sub === 'load') await loadGraphs(driver, rest, env.neo4jUri);
    else await exportGraphFile(driver, rest, env.neo4jUri);
  } finally {
    await driver.close();
  }
}

/** Cypher files (after the schema) and JSON dumps, idempotently. */
async function loadGraphs(driver: Driver, paths: string[], uri: string): Promise<void> {
  const files = await Promise.all(paths.map(async (f) => ({ name: f, text: await readFile(f, 'utf8') })));
  await checkNeo4j(driver, uri);
  const schema = { name: 'graphs/schema.cypher', text: await readFile(join(GRAPHS_DIR, 'schema.cypher'), 'utf8') };
  const n = await loadGraphFiles(driver, [schema, ...files.filter((f) => !f.name.endsWith('.json'))]);
  const dumps = files.filter((f) => f.name.endsWith('.json')).map((f) => readGraphDump(f.name, f.text));
  for (const dump of dumps) await loadGraphDump(driver, dump);
  const fromJson = dumps.length ? `; ${dumps.reduce((a, d) => a + d.nodes.length, 0)} nodes from JSON` : '';
  out(`loaded ${files.length} files (${n} statements, schema included${fromJson}) into ${uri}`);
}

async function exportGraphFile(driver: Driver, args: string[], uri: string): Promise<void> {
  const { values } = parseFlags(args, { out: { type: 'string' }, facts: { type: 'boolean' } });
  if (!values.out) throw new UsageError(GRAPH_USAGE);
  await checkNeo4j(driver, uri);
  const dump = await exportGraph(driver, { facts: values.facts ?? false });
  const path = resolve(values.out);
  await writeFileAtomic(path, path.endsWith('.cypher') ? dumpToCypher(dump) : JSON.stringify(dump, null, 1) + '\n');
  out(
    `exported ${dump.nodes.length} nodes ` +
      `and ${dump.relationships.length} relationships${values.facts ? ' (facts included)' : ''} to ${path}`,
  );
}
