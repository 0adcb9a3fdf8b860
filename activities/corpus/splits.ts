import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { sha256, toJsonl, writeFileAtomic } from '../common/files';
import type { Lang, ShardDocument } from '../expand/documents';
import type { Fact } from '../kinds';
import { buildProbes, withheldByOverlap } from './probes';
import { conversationOf } from './sft';
import { countBy } from '../common/counts';

/** What the chat and probe splits hold (manifest `splits`). */
export const SplitsSummary = z.object({
  sft: z.object({ path: z.string(), conversations: z.number().int(), turns: z.number().int(), sha256: z.string() }),
  probes: z.object({
    path: z.string(),
    probes: z.number().int(),
    /** probes not written because their question shares an 8-gram with a training text */
    withheld_overlap: z.number().int(),
    by_kind: z.record(z.string(), z.number().int()),
    task: z.string(),
    sha256: z.string(),
  }),
});
export type SplitsSummary = z.infer<typeof SplitsSummary>;

export const SFT_PATH = 'sft/part-00000.jsonl';
export const PROBES_PATH = 'probes/probes.jsonl';
export const PROBE_TASK = 'probes/forge_probes.yaml';

/**
 * The lm-evaluation-harness task (multiple choice by log-likelihood) over probes.jsonl; paths relative to the run
 * directory, so `lm_eval` runs from there with `--include_path probes --tasks forge_probes`.
 */
export const probeTaskYaml = () => `task: forge_probes
dataset_path: json
dataset_kwargs:
  data_files:
    test: ${PROBES_PATH}
test_split: test
output_type: multiple_choice
doc_to_text: "{{question}}\\nAnswer:"
doc_to_choice: choices
doc_to_target: answer
metric_list:
  - metric: acc
    aggregation: mean
    higher_is_better: true
  - metric: acc_norm
    aggregation: mean
    higher_is_better: true
metadata:
  version: 1.0
`;

/**
 * Write the chat split (every synthetic document of the shards as a conversation) and the probe split (the facts'
 * closed-book questions, none sharing an 8-gram with the pretraining or chat texts) with its lm-eval task.
 */
export async function writeSplits(
  outDir: string,
  shardDocs: readonly ShardDocument[],
  facts: readonly Fact[],
  languages: readonly Lang[],
): Promise<SplitsSummary> {
  const byId = new Map(facts.map((f) => [f.id, f]));
  const conversations = shardDocs.flatMap((d) => (d.origin === 'synthetic' ? [conversationOf(d, byId)] : []));
  const training = [...shardDocs.map((d) => d.text), ...conversations.flatMap((c) => c.messages.map((m) => m.content))];
  const { kept, withheld } = withheldByOverlap(buildProbes(facts, languages), training);
  for (const dir of ['sft', 'probes']) {
    await rm(join(outDir, dir), { recursive: true, force: true });
    await mkdir(join(outDir, dir), { recursive: true });
  }
  const sft = toJsonl(conversations);
  const probes = toJsonl(kept);
  await writeFileAtomic(join(outDir, SFT_PATH), sft);
  await writeFileAtomic(join(outDir, PROBES_PATH), probes);
  await writeFileAtomic(join(outDir, PROBE_TASK), probeTaskYaml());
  const byKind = countBy(kept, (p) => p.kind);
  return {
    sft: {
      path: SFT_PATH,
      conversations: conversations.length,
      turns: conversations.reduce((s, c) => s + c.turns, 0),
      sha256: sha256(sft),
    },
    probes: {
      path: PROBES_PATH,
      probes: kept.length,
      withheld_overlap: withheld.length,
      by_kind: byKind,
      task: PROBE_TASK,
      sha256: sha256(probes),
    },
  };
}
