/** Connection settings, each under its tool's conventional variable. Unset means Forge's local default. */
export interface ForgeEnv {
  temporalAddress: string;
  temporalNamespace: string;
  /** true when TEMPORAL_ADDRESS is set: the user's own server, never started or stopped by Forge */
  temporalExternal: boolean;
  neo4jUri: string;
  neo4jUser: string | null;
  neo4jPassword: string | null;
  neo4jExternal: boolean;
  openaiBaseUrl: string | null;
  openaiApiKey: string | null;
  model: string | null;
  taskQueue: string;
  /** key of the name pseudonyms (FORGE_PII_KEY): give every worker the same one; unset masks names as [NAME] */
  piiKey: string | null;
}

export const LOCAL_TEMPORAL_ADDRESS = '127.0.0.1:7233';
export const LOCAL_NEO4J_URI = 'bolt://127.0.0.1:7687';
export const LOCAL_UI_URL = 'http://localhost:8233';

export function readEnv(env: NodeJS.ProcessEnv = process.env): ForgeEnv {
  const v = (k: string) => (env[k] && env[k]!.trim() !== '' ? env[k]!.trim() : null);
  return {
    temporalAddress: v('TEMPORAL_ADDRESS') ?? LOCAL_TEMPORAL_ADDRESS,
    temporalNamespace: v('TEMPORAL_NAMESPACE') ?? 'default',
    temporalExternal: v('TEMPORAL_ADDRESS') !== null,
    neo4jUri: v('NEO4J_URI') ?? LOCAL_NEO4J_URI,
    neo4jUser: v('NEO4J_USERNAME'),
    neo4jPassword: v('NEO4J_PASSWORD'),
    neo4jExternal: v('NEO4J_URI') !== null,
    openaiBaseUrl: v('OPENAI_BASE_URL'),
    openaiApiKey: v('OPENAI_API_KEY'),
    model: v('FORGE_MODEL'),
    taskQueue: v('FORGE_TASK_QUEUE') ?? 'forge',
    piiKey: v('FORGE_PII_KEY'),
  };
}

/** The Web UI link of a workflow: the local dev server's UI, or FORGE_UI_URL for a cluster's own UI. */
export function workflowUiUrl(
  workflowId: string,
  env: ForgeEnv,
  uiBase = process.env.FORGE_UI_URL ?? LOCAL_UI_URL,
): string {
  return uiUrl(env, 'workflows', workflowId, uiBase);
}

/** The Web UI link of a schedule (its page under Schedules). */
export const scheduleUiUrl = (scheduleId: string, env: ForgeEnv, uiBase = process.env.FORGE_UI_URL ?? LOCAL_UI_URL) =>
  uiUrl(env, 'schedules', scheduleId, uiBase);

const uiUrl = (env: ForgeEnv, what: string, id: string, uiBase: string) =>
  `${uiBase.replace(/\/$/, '')}/namespaces/${encodeURIComponent(env.temporalNamespace)}/${what}/` +
  encodeURIComponent(id);

/**
 * Warnings for a Neo4j that is not on this machine and is reached without credentials or without TLS
 * (`bolt://` / `neo4j://` instead of `bolt+s://` / `neo4j+s://`): the graph and its facts travel in clear.
 */
export function neo4jWarnings(env: Pick<ForgeEnv, 'neo4jUri' | 'neo4jUser' | 'neo4jPassword'>): string[] {
  let url: URL;
  try {
    url = new URL(env.neo4jUri);
  } catch {
    return [];
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host === '::1' || /^127\./.test(host)) return [];
  const out: string[] = [];
  if (!env.neo4jUser || !env.neo4jPassword)
    out.push(
      `NEO4J_URI ${env.neo4jUri} is another machine, reached without credentials: set NEO4J_USERNAME and ` +
        `NEO4J_PASSWORD`,
    );
  if (!/\+s{1,2}c?$/.test(url.protocol.replace(/:$/, '')))
    out.push(`NEO4J_URI ${env.neo4jUri} is another machine, reached without TLS: use bolt+s:// or neo4j+s://`);
  return out;
}
