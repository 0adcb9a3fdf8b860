import OpenAI from 'openai';
import { z } from 'zod';
import { AdaptiveLimiter } from './adaptiveLimiter';
import type { Generator } from './documents';
import { PiiMasker, type PiiOptions } from '../parse/pii';
import { Aborted, InvalidCompletion, Unanswered, type Expansion } from './expander';
export { InvalidCompletion } from './expander';
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
  json_schema: {
    name: 'forge_document',
    strict: true,
    schema: {
      type: 'object',
      properties: { text: { type: 'string' } },
      required: ['text'],
      additionalProperties: false,
    },
  },
};
const REPAIR =
  'Your answer was not the JSON object asked for. Answer again with only {"text": "..."} holding the whole ' +
  'text, and nothing else.';

/**
 * What an endpoint accepts, found out once per worker process (per base URL and model) and remembered: the
 * response format it takes (json_schema, then json_object, then none: the JSON asked for in the prompt
 * only) and whether its chat template has a system role (without one the system text leads the user's).
 */
export interface EndpointCapabilities {
  responseFormat: LlmSettings['responseFormat'];
  systemRole: boolean;
}
const CAPABILITIES = new Map<string, EndpointCapabilities>();
const FORMAT_ORDER: LlmSettings['responseFormat'][] = ['json_schema', 'json_object', 'none'];

/** The endpoint refused the request itself (bad key, unknown model, bad request): no retry can fix it. */
export class EndpointRefused extends Error {
  constructor(
    message: string,
    readonly status: number | undefined = undefined,
    readonly body = '',
  ) {
    super(message);
  }
}

/**
 * Expands jobs through any OpenAI-compatible chat-completions endpoint (the `openai` package, its own
 * retries off): requests pass an adaptive concurrency limit; 429, 5xx, timeouts and lost connections are
 * retried with back-off, honouring `Retry-After`; every successful request is cached by a hash of
 * (model, messages, parameters), so a retried activity or a rerun sends none of them again. The answer
 * is a JSON object validated with zod; an invalid one gets one repair request.
 */
export class LlmExpander {
  private readonly client: OpenAI;
  readonly limiter: AdaptiveLimiter;
  /** requests sent over the network (not from the cache), and cache hits */
  requests = 0;
  cacheHits = 0;
  readonly capabilities: EndpointCapabilities;

  /**
   * `pii`: the run's personal-data options; every answer is masked with them before it is cached or handed on, so
   * neither the cache nor a rejection record holds personal data in clear (the kinds found go with the text)
   */
  constructor(
    private readonly settings: LlmSettings,
    private readonly cache: LlmCache | null,
    private readonly pii: PiiOptions | null = null,
  ) {
    this.client = new OpenAI({
      baseURL: settings.baseURL,
      apiKey: settings.apiKey ?? 'not-needed',
      timeout: settings.timeoutMs,
      maxRetries: 0,
    });
    this.limiter = new AdaptiveLimiter(settings.concurrency);
    const key = `${settings.baseURL}\u0000${settings.model}\u0000${settings.responseFormat}`;
    let caps = CAPABILITIES.get(key);
    if (!caps) CAPABILITIES.set(key, (caps = { responseFormat: settings.responseFormat, systemRole: true }));
    this.capabilities = caps; // shared by every expander of this worker for the endpoint: found out once
  }

  /** The generator as documents record it: the model, and how the endpoint is asked now. */
  get generator(): Generator {
    return {
      kind: 'llm',
      model: this.settings.model,
      response_format: this.capabilities.responseFormat,
      system_role: this.capabilities.systemRole,
    };
  }

  async expand(job: ExpansionJob, signal?: AbortSignal): Promise<Expansion> {
    const prompt = buildPrompt(job);
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
      { role: 'system', content: prompt.system },
      { role: 'user', content: prompt.user },
    ];
    const plain = () => this.capabilities.responseFormat === 'none';
    const usage = { prompt_tokens: 0, completion_tokens: 0 };
    let cached = true;
    let maxTokens = this.settings.maxTokens;
    let last = '';
    for (let attempt = 0; attempt < 2; attempt++) {
      const answer = await this.complete(messages, maxTokens, signal);
      usage.prompt_tokens += answer.fromCache ? 0 : answer.prompt_tokens;
      usage.completion_tokens += answer.fromCache ? 0 : answer.completion_tokens;
      cached &&= answer.fromCache;
      last = answer.content;
      if (answer.finish_reason === 'length') {
        // cut at the token limit: the same request once more with twice the limit (the same limit is cut again)
        if (attempt === 0) {
          maxTokens *= 2;
          continue;
        }
        throw new InvalidCompletion(
          `the answer was cut at the token limit (${maxTokens} tokens), also when asked again with twice the limit`,
          last,
          usage,
          'truncated',
        );
      }
      const parsed = parseAnswer(answer.content, plain());
      if (parsed) return { text: parsed, usage, cached, ...(answer.pii?.length ? { pii: answer.pii } : {}) };
      messages.push({ role: 'assistant', content: answer.content }, { role: 'user', content: REPAIR });
    }
    throw new InvalidCompletion(
      'the answer was not a JSON object {"text": ...}, also after the repair request',
      last,
      usage,
    );
  }

  /**
   * An answer as it may be kept: its text masked for personal data (inside the JSON object when it is one), and the
   * kinds found.
   */
  private masked(content: string): { content: string; pii: string[] } {
    if (!this.pii) return { content, pii: [] };
    const masker = new PiiMasker(this.pii, [], true);
    const text = parseAnswer(content, this.capabilities.responseFormat === 'none');
    const masked =
      text !== null && content.trim().startsWith('{')
        ? JSON.stringify({ text: masker.text(text) })
        : masker.text(content);
    const pii = Object.keys(masker.counts);
    return pii.length ? { content: masked, pii } : { content, pii };
  }

  /** One chat completion: from the cache, or through the limiter with retries. */
  private async complete(
    chat: OpenAI.Chat.ChatCompletionMessageParam[],
    maxTokens: number,
    signal?: AbortSignal,
  ): Promise<CachedCompletion & { fromCache: boolean }> {
    const { model, temperature } = this.settings;
    for (;;) {
      const caps = this.capabilities;
      const format = caps.responseFormat;
      const messages = caps.systemRole ? chat : withoutSystemRole(chat);
      const base = { model, temperature, max_tokens: maxTokens, messages };
      const request =
        format === 'json_schema'
          ? { ...base, response_format: RESPONSE_SCHEMA }
          : format === 'json_object'
            ? { ...base, response_format: { type: 'json_object' as const } }
            : base;
      const key = requestKey(request);
      const hit = await this.cache?.get(key);
      if (hit) {
        this.cacheHits++;
        return { ...hit, fromCache: true };
      }
      try {
        const sent = await this.send(request, signal);
        // what is kept and handed on is masked: the cache, and every record made of the answer, hold no personal data
        const done = { ...sent, ...this.masked(sent.content) };
        await this.cache?.put(key, done);
        return { ...done, fromCache: false };
      } catch (e) {
        if (!(e instanceof EndpointRefused)) throw e;
        // a chat template without a system role: the system text goes first in the user's message from now on
        if (caps.systemRole && /system/i.test(e.body) && /role|template/i.test(e.body)) {
          caps.systemRole = false;
          continue;
        }
        // a deterministic rejection of a request with a response format: the next simpler way, remembered
        if (
          format !== 'none' &&
          (e.status === undefined ||
            UNSUPPORTED.has(e.status) ||
            /response_format|json_schema|json_object|validation/i.test(e.body))
        ) {
          caps.responseFormat = FORMAT_ORDER[FORMAT_ORDER.indexOf(format) + 1];
          continue;
        }
        throw e;
      }
    }
  }

  private async send(
    request: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming,
    signal?: AbortSignal,
  ): Promise<CachedCompletion> {
    let lastError = '';
    for (let attempt = 1; attempt <= this.settings.maxAttempts; attempt++) {
      await this.limiter.acquire();
      let outcome: 'ok' | 'overload' | 'other' = 'other';
      let backoff = 0;
      try {
        if (signal?.aborted) throw new Aborted();
        this.requests++;
        const res = await this.client.chat.completions.create(request, { signal });
        outcome = 'ok';
        const content = res.choices?.[0]?.message?.content ?? '';
        const promptText = request.messages.map((m) => (typeof m.content === 'string' ? m.content : '')).join('\n');
        return {
          content,
          finish_reason: res.choices?.[0]?.finish_reason ?? undefined,
          // the endpoint's own counts where it gives them, else the tokenizer's
          prompt_tokens: res.usage?.prompt_tokens || countTokens(promptText),
          completion_tokens: res.usage?.completion_tokens || countTokens(content),
        };
      } catch (e) {
        if (signal?.aborted) throw new Aborted();
        const retry = retryable(e);
        if (!retry) {
          const status = e instanceof OpenAI.APIError ? e.status : undefined;
          throw new EndpointRefused(
            `the endpoint ${this.settings.baseURL} refused the ` +
              `request${status ? ` (HTTP ${status})` : ''}: ${(e as Error).message}`,
            status,
            bodyOf(e),
          );
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
    throw new Unanswered(
      `the endpoint ${this.settings.baseURL} did not answer after ${this.settings.maxAttempts} tries: ${lastError}`,
      lastError,
    );
  }
}

/**
 * The text of an answer: a JSON object {"text"} - alone, fenced in ```json, or with words around it - or
 * null. With `plain` (an endpoint asked only by the prompt), an answer with no such object is the text itself.
 */
export function parseAnswer(content: string, plain = false): string | null {
  const unfenced = content
    .trim()
    .replace(/```(?:json)?\s*([\s\S]*?)\s*```/, '$1')
    .trim();
  for (const candidate of [unfenced, unfenced.slice(unfenced.indexOf('{'), unfenced.lastIndexOf('}') + 1)]) {
    if (!candidate.startsWith('{')) continue;
    try {
      const parsed = LlmAnswer.safeParse(JSON.parse(candidate));
      if (parsed.success) return parsed.data.text;
    } catch {
      /* not this one */
    }
  }
  return plain && unfenced && !unfenced.startsWith('{') ? unfenced : null;
}

/** HTTP statuses that say "not this request", never "try again": bad request, not found, media type, unprocessable. */
const UNSUPPORTED = new Set([400, 404, 415, 422]);

/**
 * A 500 whose body is a validation error is the server refusing the request (llama.cpp's server does so), not failing.
 */
const VALIDATION =
  /validation error|literal_error|response_format|json_schema|not supported|unsupported|Input should be/i;

function bodyOf(e: unknown): string {
  if (e instanceof OpenAI.APIError) return `${e.message} ${JSON.stringify(e.error ?? '')}`;
  return (e as Error)?.message ?? String(e);
}

/** Messages for a chat template without a system role: the system text leads the first user message. */
function withoutSystemRole(
  messages: OpenAI.Chat.ChatCompletionMessageParam[],
): OpenAI.Chat.ChatCompletionMessageParam[] {
  const system = messages
    .filter((m) => m.role === 'system')
    .map((m) => m.content)
    .join('\n');
  const rest = messages.filter((m) => m.role !== 'system');
  const first = rest.findIndex((m) => m.role === 'user');
  return rest.map((m, i) => (i === first ? { role: 'user', content: `${system}\n\n${m.content as string}` } : m));
}

/** Whether a failed request is worth another try, why, and how long the endpoint asked us to wait. */
function retryable(e: unknown): { reason: string; retryAfterMs?: number } | null {
  if (e instanceof OpenAI.APIConnectionTimeoutError) return { reason: 'timed out' };
  if (e instanceof OpenAI.APIConnectionError) return { reason: `connection failed (${(e as Error).message})` };
  if (e instanceof OpenAI.APIError && e.status !== undefined) {
    // a deterministic rejection: the same request fails again
    if (e.status >= 500 && VALIDATION.test(bodyOf(e))) return null;
    return e.status === 429 || e.status === 408 || e.status >= 500
      ? { reason: `HTTP ${e.status}`, retryAfterMs: retryAfter(e.headers) }
      : null;
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
