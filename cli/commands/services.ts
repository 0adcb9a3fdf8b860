import { CLUSTER_LAYOUT, clusterDown, clusterStatus, clusterUp } from '../../infra/cluster';
import type { ForgeEnv } from '../../infra/env';
import { registerSearchAttributes } from '../../infra/searchAttributes';
import {
  DEFAULT_LAYOUT,
  LOCAL_MODEL,
  localModelUrl,
  serviceStatus,
  startLocalModel,
  startNeo4j,
  startTemporal,
  stopService,
} from '../../infra/services';
import { connectClient } from '../../infra/temporal';
import { out, UsageError } from '../args';

/** `forge services up [--local-model]|down|status`: the local Temporal dev server and Neo4j (and llama.cpp). */
export async function servicesCommand(args: string[], env: ForgeEnv): Promise<void> {
  switch (args[0]) {
    case 'up':
      return servicesUp(env, args.includes('--local-model'));
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

async function servicesUp(env: ForgeEnv, localModel: boolean): Promise<void> {
  if (env.temporalExternal) out(`Temporal: using ${env.temporalAddress} (TEMPORAL_ADDRESS)`);
  else
    out(
      `Temporal: ${(await startTemporal(DEFAULT_LAYOUT)) ? 'started' : 'already running'} on ` +
        `${env.temporalAddress}, Web UI http://localhost:${DEFAULT_LAYOUT.temporal.uiPort}`,
    );
  if (env.neo4jExternal) out(`Neo4j: using ${env.neo4jUri} (NEO4J_URI)`);
  else out(`Neo4j: ${(await startNeo4j(DEFAULT_LAYOUT)) ? 'started' : 'already running'} on ${env.neo4jUri}`);
  if (!localModel) return;
  const url = localModelUrl(DEFAULT_LAYOUT);
  out(`local model: ${(await startLocalModel(DEFAULT_LAYOUT)) ? 'started' : 'already running'} on ${url}`);
  out(`  export OPENAI_BASE_URL=${url} FORGE_MODEL=${LOCAL_MODEL}   # then start the worker`);
}

/** `forge cluster up [--separate]|down|status`: the production-shaped cluster of infra/cluster.ts, on this machine. */
export async function clusterCommand(args: string[]): Promise<void> {
  switch (args[0]) {
    case 'up':
      return clusterUp(CLUSTER_LAYOUT, { separate: args.includes('--separate') });
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

/** `forge search-attributes`: Forge's search attributes on an existing cluster (the dev server has them). */
export async function searchAttributesCommand(_args: string[], env: ForgeEnv): Promise<void> {
  const client = await connectClient(env);
  const added = await registerSearchAttributes(client.connection, env.temporalNamespace);
  out(
    added.length
      ? `registered ${added.join(', ')} in namespace ${env.temporalNamespace}`
      : `namespace ${env.temporalNamespace} already has Forge's search attributes`,
  );
}
