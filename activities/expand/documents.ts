import { z } from 'zod';

export const STYLES = ['textbook', 'qa', 'sop', 'troubleshooting'] as const;
export const Style = z.enum(STYLES);
export type Style = z.infer<typeof Style>;
export const Lang = z.enum(['en', 'zh']);
export type Lang = z.infer<typeof Lang>;
export const Audience = z.enum(['student', 'operator', 'process_engineer', 'maintenance_technician']);
export type Audience = z.infer<typeof Audience>;

/** Who each style is written for. */
export const AUDIENCE_OF: Record<Style, Audience> = {
  textbook: 'student',
  qa: 'operator',
  sop: 'operator',
  troubleshooting: 'maintenance_technician',
};

export const Generator = z.object({
  kind: z.enum(['llm', 'offline']),
  /** the model asked, for kind llm */
  model: z.string().optional(),
  /** the generator's name and version, for kind offline */
  name: z.string().optional(),
  note: z.string().optional(),
});
export type Generator = z.infer<typeof Generator>;

/** One line of a corpus shard (**contract**, see DESIGN.md). */
export const CorpusDocument = z.object({
  id: z.string(),
  text: z.string().min(1),
  lang: Lang,
  style: Style,
  audience: Audience,
  fact_ids: z.array(z.string()).min(1),
  sources: z.array(z.string()),
  generator: Generator,
  quality: z.object({ score: z.number().min(0).max(1), checks: z.array(z.string()) }),
  tokens: z.number().int().nonnegative(),
});
export type CorpusDocument = z.infer<typeof CorpusDocument>;
