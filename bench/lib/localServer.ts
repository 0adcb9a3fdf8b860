import { join } from 'node:path';
import { LlmExpander } from '../../activities/expand/llmExpander';
import { RunConfig } from '../../activities/run/config';
import { ROOT, type ServiceLayout } from '../../infra/services';

/** Forge's default expansion settings: what a run sends a model when nothing is configured. */
export const EXPAND_DEFAULTS = RunConfig.parse({}).expand;

/** A layout for a local model server alone (under var/bench-llm), on `port` with `threads` threads. */
export const localModelLayout = (port: number, threads: number): ServiceLayout => ({
  varDir: join(ROOT, 'var', 'bench-llm'),
  temporal: { port: 0, uiPort: 0 },
  neo4j: { port: 0, heapMb: 0, pagecacheMb: 0 },
  llm: { port, threads },
});

/** The LlmExpander with Forge's default request settings, at most `concurrency` requests in flight. */
export const defaultExpander = (baseURL: string, model: string, concurrency: number) =>
  new LlmExpander(
    {
      baseURL,
      apiKey: null,
      model,
      temperature: EXPAND_DEFAULTS.temperature,
      maxTokens: EXPAND_DEFAULTS.maxTokens,
      timeoutMs: EXPAND_DEFAULTS.timeoutMs,
      maxAttempts: EXPAND_DEFAULTS.maxAttempts,
      concurrency: { initial: concurrency, min: 1, max: concurrency },
      responseFormat: EXPAND_DEFAULTS.responseFormat,
    },
    null,
  );
