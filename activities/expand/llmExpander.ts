import OpenAI from 'openai';
import { z } from 'zod';
import type { Generator } from './documents';
import type { ExpansionJob } from './jobs';
import { buildPrompt } from './prompts';

export interface LlmSettings {
  baseURL: string;
  apiKey: string | null;
  model: string;
  temperature: number;
  maxTokens: number;
  timeoutMs: number;
}

/** What a completion must hold to be used: one non-empty text. */
const CompletionText = z.string().trim().min(1, 'empty completion');

/** Expands facts through any OpenAI-compatible chat-completions endpoint, via the `openai` package. */
export class LlmExpander {
  private readonly client: OpenAI;
  readonly generator: Generator;

  constructor(private readonly settings: LlmSettings) {
    this.client = new OpenAI({ baseURL: settings.baseURL, apiKey: settings.apiKey ?? 'not-needed', timeout: settings.timeoutMs, maxRetries: 2 });
    this.generator = { kind: 'llm', model: settings.model };
  }

  async expand(job: ExpansionJob): Promise<string> {
    const prompt = buildPrompt(job);
    const res = await this.client.chat.completions.create({
      model: this.settings.model,
      temperature: this.settings.temperature,
      max_tokens: this.settings.maxTokens,
      messages: [{ role: 'system', content: prompt.system }, { role: 'user', content: prompt.user }],
    });
    const text = CompletionText.safeParse(res.choices?.[0]?.message?.content);
    if (!text.success) throw new InvalidCompletion(`the endpoint's answer has no usable text (${text.error.issues[0]?.message})`);
    return text.data;
  }
}

/** The endpoint answered, but with nothing usable: counted as a reject, not retried forever. */
export class InvalidCompletion extends Error {}
