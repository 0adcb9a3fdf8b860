import type { TextExpander } from '../activities/expand/expandFacts';
import { LlmJudge, type TextJudge } from '../activities/expand/llmJudge';
import { FileLlmCache } from '../activities/expand/llmCache';
import { LlmExpander } from '../activities/expand/llmExpander';
import { offlineExpander } from '../activities/expand/offlineExpander';
import type { PiiOptions } from '../activities/parse/pii';
import type { RunConfig } from '../activities/run/config';
import type { ForgeEnv } from './env';
import { publicUrl, type GeneratorEndpoint } from '../activities/expand/generatorEndpoint';

/**
 * The worker's expander: an LLM through the openai package when OPENAI_BASE_URL is set (FORGE_MODEL names
 * the model), the deterministic offline expander otherwise.
 */
export function expanderFactory(
  env: ForgeEnv,
): (settings: RunConfig['expand'], cacheDir: string, pii: PiiOptions) => TextExpander {
  if (!env.openaiBaseUrl) return () => offlineExpander;
  if (!env.model)
    throw new Error(
      `OPENAI_BASE_URL is set (${env.openaiBaseUrl}) but FORGE_MODEL is not: set it to the model name your ` +
        `endpoint serves`,
    );
  const { openaiBaseUrl: baseURL, openaiApiKey: apiKey, model } = env;
  return (s, cacheDir, pii) =>
    new LlmExpander(
      {
        baseURL,
        apiKey,
        model,
        temperature: s.temperature,
        maxTokens: s.maxTokens,
        timeoutMs: s.timeoutMs,
        maxAttempts: s.maxAttempts,
        concurrency: { initial: Math.min(s.initialConcurrency, s.concurrency), min: 1, max: s.concurrency },
        responseFormat: s.responseFormat,
      },
      new FileLlmCache(cacheDir),
      pii,
    );
}

/** Which generator this worker writes with (OPENAI_BASE_URL and FORGE_MODEL, or the offline expander). */
export function endpointOf(env: ForgeEnv): GeneratorEndpoint {
  return env.openaiBaseUrl && env.model
    ? { kind: 'llm', base_url: publicUrl(env.openaiBaseUrl), model: env.model }
    : { kind: 'offline' };
}

/** The run's LLM judge (expand.judge: its own endpoint and model; key from FORGE_JUDGE_API_KEY), or null. */
export function judgeFor(settings: RunConfig['expand']): TextJudge | null {
  return settings.judge ? new LlmJudge(settings.judge, process.env.FORGE_JUDGE_API_KEY ?? null) : null;
}
