import OpenAI from 'openai';
import { z } from 'zod';
import { AdaptiveLimiter } from './adaptiveLimiter';
import type { Generator } from './documents';
import type { Expansion } from './expandFacts';
import type { ExpansionJob } from './jobs';
import { type CachedCompletion, type LlmCache, requestKey } from './llmCache';
import { buildPrompt } from './prompts';
import { countTokens } from './tokens';

export interface LlmSettings {
  baseURL: string;
  apiKey: string | null;
  model: string;
  temperature: number;
  maxTokens: number;
  /** per request */
  timeoutMs: number;
  /** tries per request on 429, 5xx, timeouts and lost connections */
  maxAttempts: number;
  /** concurrency: where the adaptive limit starts and its bounds */
  concurrency: { initial: number; min: number; max: number };
  /** how to ask for JSON: a JSON schema (OpenAI, vLLM, llama.cpp server...), any JSON object, or only by the prompt */
  responseFormat: 'json_schema' | 'json_object' | 'none';
}

/** The answer every request must come back with. */
export const LlmAnswer = z.object({ text: z.string().trim().min(1, 'empty text') });
const RESPONSE_SCHEMA = {
  type: 'json_schema' as const,
  json_schema: { name: 'forge_document', strict: true, schema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'], additionalProperties: false } },
};
const REPAIR = 'Your answer was not the JSON object asked for. Answer again with only {"text": "..."} holding the whole text, and nothing else.';

/** The endpoint answered, but with nothing usable even after the repair request: counted as a reject, not retried forever. */
export class InvalidCompletion extends Error {}
/** The endpoint refused the request itself (bad key, unknown model, bad request): no retry can fix it. */
export class EndpointRefused extends Error {}

/**
 * Expands jobs through any OpenAI-compatible chat-completions endpoint (the `openai` package, its own
 * retries off): requests pass an adaptive concurrency limit; 429, 5xx, timeouts and lost connections are
 * retried with back-off, honouring `Retry-After`; every successful request is cached by a hash of
 * (model, messages, parameters), so a retried activity or a rerun sends none of them again. The answer
 * is a JSON object validated with zod; an invalid one gets one repair request.
 */
export class LlmExpander {
  private readonly client: OpenAI;
  readonly generator: Generator;
  readonly limiter: AdaptiveLimiter;
  /** requests sent over the network (not from the cache), and cache hits */
  requests = 0;
  cacheHits = 0;
  private format: LlmSettings['responseFormat'];

  constructor(private readonly settings: LlmSettings, private readonly cache: LlmCache | null) {
    this.client = new OpenAI({ baseURL: settings.baseURL, apiKey: settings.apiKey ?? 'not-needed', timeout: settings.timeoutMs, maxRetries: 0 });
    this.generator = { kind: 'llm', model: settings.model };
    this.limiter = new AdaptiveLimiter(settings.concurrency);
    this.format = settings.responseFormat;
  }

  async expand(job: ExpansionJob): Promise<Expansion> {
    const prompt = buildPrompt(job);
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'system', content: prompt.system }, { role: 'user', content: prompt.user }];
    const usage = { prompt_tokens: 0, completion_tokens: 0 };
    let cached = true;
    for (let attempt = 0; attempt < 2; attempt++) {
      const answer = await this.complete(messages);
      usage.prompt_tokens += answer.fromCache ? 0 : answer.prompt_tokens;
      usage.completion_tokens += answer.fromCache ? 0 : answer.completion_tokens;
      cached &&= answer.fromCache;
      const parsed = parseAnswer(answer.content);
      if (parsed) return { text: parsed, usage, cached };
      messages.push({ role: 'assistant', content: answer.content }, { role: 'user', content: REPAIR });
    }
    throw new InvalidCompletion('the answer was not a JSON object {"text": ...}, also after the repair request');
  }

  /** One chat completion: from the cache, or through the limiter with retries. */
  private async complete(messages: OpenAI.Chat.ChatCompletionMessageParam[]): Promise<CachedCompletion & { fromCache: boolean }> {
    const { model, temperature, maxTokens } = this.settings;
    const base = { model, temperature, max_tokens: maxTokens, messages };
    for (;;) {
      const format = this.format;
      const request = format === 'json_schema' ? { ...base, response_format: RESPONSE_SCHEMA } : format === 'json_object' ? { ...base, response_format: { type: 'json_object' as const } } : base;
      const key = requestKey(request);
      const hit = await this.cache?.get(key);
      if (hit) {
        this.cacheHits++;
        return { ...hit, fromCache: true };
      }
      try {
        const done = await this.send(request);
        await this.cache?.put(key, done);
        return { ...done, fromCache: false };
      } catch (e) {
        // an endpoint that does not take this response format: ask the next simpler way
        if (e instanceof EndpointRefused && format !== 'none' && /response_format|json_schema|json_object/i.test(e.message)) {
          this.format = format === 'json_schema' ? 'json_object' : 'none';
          continue;
        }
        throw e;
      }
    }
  }

  private async send(request: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming): Promise<CachedCompletion> {
    let lastError = '';
    for (let attempt = 1; attempt <= this.settings.maxAttempts; attempt++) {
      await this.limiter.acquire();
      let outcome: 'ok' | 'overload' | 'other' = 'other';
      let backoff = 0;
      try {
        this.requests++;
        const res = await this.client.chat.completions.create(request);
        outcome = 'ok';
        const content = res.choices?.[0]?.message?.content ?? '';
        const promptText = request.messages.map((m) => (typeof m.content === 'string' ? m.content : '')).join('\n');
        return {
          content,
          // the endpoint's own counts where it gives them, else the tokenizer's
          prompt_tokens: res.usage?.prompt_tokens || countTokens(promptText),
          completion_tokens: res.usage?.completion_tokens || countTokens(content),
        };
      } catch (e) {
        const retry = retryable(e);
        if (!retry) {
          const status = e instanceof OpenAI.APIError ? e.status : undefined;
          throw new EndpointRefused(`the endpoint ${this.settings.baseURL} refused the request${status ? ` (HTTP ${status})` : ''}: ${(e as Error).message}`);
        }
        outcome = 'overload';
        lastError = retry.reason;
        // Retry-After pauses every request (the limiter); otherwise this one backs off exponentially
        if (retry.retryAfterMs !== undefined) this.limiter.pause(retry.retryAfterMs);
        else backoff = Math.min(30_000, 250 * 2 ** (attempt - 1));
      } finally {
        this.limiter.release(outcome);
      }
      if (backoff && attempt < this.settings.maxAttempts) await new Promise((r) => setTimeout(r, backoff));
    }
    throw new Error(`the endpoint ${this.settings.baseURL} did not answer after ${this.settings.maxAttempts} tries: ${lastError}`);
  }
}

/** The text of an answer: a JSON object {"text"} (fenced in ``` or not), or null. */
export function parseAnswer(content: string): string | null {
  const unfenced = content.trim().replace(/^```(?:json)?\s*([\s\S]*?)\s*```$/, '$1');
  let value: unknown;
  try {
    value = JSON.parse(unfenced);
  } catch {
    return null;
  }
  const parsed = LlmAnswer.safeParse(value);
  return parsed.success ? parsed.data.text : null;
}

/** Whether a failed request is worth another try, why, and how long the endpoint asked us to wait. */
function retryable(e: unknown): { reason: string; retryAfterMs?: number } | null {
  if (e instanceof OpenAI.APIConnectionTimeoutError) return { reason: 'timed out' };
  if (e instanceof OpenAI.APIConnectionError) return { reason: `connection failed (${(e as Error).message})` };
  if (e instanceof OpenAI.APIError && e.status !== undefined) {
    return e.status === 429 || e.status === 408 || e.status >= 500 ? { reason: `HTTP ${e.status}`, retryAfterMs: retryAfter(e.headers) } : null;
  }
  // anything else on the way back (a body that is not JSON, a cut stream) is the transport's fault: try again
  return { reason: `malformed response (${(e as Error).message})` };
}

function retryAfter(headers: Headers | undefined): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const v = headers?.get('retry-after');
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.max(0, Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}
