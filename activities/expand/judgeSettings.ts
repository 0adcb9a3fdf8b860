import { z } from 'zod';

/**
 * The optional LLM judge (expand/llmJudge.ts): its own OpenAI-compatible endpoint and model; its key from
 * FORGE_JUDGE_API_KEY.
 */
export const JudgeSettings = z
  .object({
    baseURL: z.string().url(),
    model: z.string().min(1),
    /** the lowest score (1-5) on faithfulness and on usefulness a text may get */
    floor: z.number().int().min(1).max(5).default(3),
    timeoutMs: z.number().int().positive().default(60_000),
  })
  .strict();
export type JudgeSettings = z.infer<typeof JudgeSettings>;
