import { ApplicationFailure } from '@temporalio/activity';
import type { Driver } from 'neo4j-driver';
import type { PiiOptions } from './parse/pii';
import type { TextExpander } from './expand/expandFacts';
import type { TextJudge } from './expand/llmJudge';
import type { GeneratorEndpoint } from './expand/generatorEndpoint';
import type { RunConfig } from './run/config';
import { NonRetryableError, type NonRetryable } from './common/failures';
import { isUnavailable, neo4jUnreachable } from '../graphs/store';

export interface ActivityDeps {
  driver: Driver;
  neo4jUri: string;
  /**
   * the expander for a run's settings (the offline templates, or the configured LLM endpoint); an LLM one caches its
   * requests under `cacheDir`
   */
  expanderFor: (settings: RunConfig['expand'], cacheDir: string, pii: PiiOptions) => TextExpander;
  /** which generator `expanderFor` writes with: a run's expansion batches check it is the run's */
  endpoint: GeneratorEndpoint;
  /** the optional LLM judge of the run's settings (expand.judge), or null */
  judgeFor?: (settings: RunConfig['expand']) => TextJudge | null;
  /** the graph schema file, loaded before any domain graph */
  schemaFile: string;
  /** the key of name pseudonyms (FORGE_PII_KEY); null masks names as [NAME] */
  piiKey: string | null;
  /** key of the name digests: FORGE_PII_KEY or the installation's (infra/piiKey.ts) */
  digestKey: string;
}

export const fail = (type: NonRetryable, message: string) => ApplicationFailure.nonRetryable(message, type);

/** Input errors become non-retryable failures carrying their message. */
export async function asFailure<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof NonRetryableError) throw fail(e.type, e.message);
    throw e;
  }
}

/** Neo4j calls: an unreachable database becomes one clear (retryable) message naming the URI. */
export async function withNeo4j<T>(uri: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isUnavailable(e)) throw ApplicationFailure.retryable(neo4jUnreachable(uri, e).message, 'Neo4jUnavailable');
    throw e;
  }
}

/** The run's personal-data options: its site patterns, with this installation's keys. */
export function piiOptionsFor(deps: ActivityDeps): (config: RunConfig) => PiiOptions {
  const keys = { pseudonymKey: deps.piiKey, digestKey: deps.digestKey };
  return (config) => ({ ...config.pii, ...keys });
}
