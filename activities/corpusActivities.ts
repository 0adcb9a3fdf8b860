import { join } from 'node:path';
import { readJsonl, writeFileAtomic } from './common/files';
import { writeSplits } from './corpus/splits';
import { Fact } from './kinds';
import { curriculumOrder, mixReal, planCorpus, replaceShards, reviewSample } from './expand/assemble';
import {
  readBackup,
  readDocuments,
  readPlan,
  realPath,
  samplePath,
  writeDocuments,
  writePlan,
} from './expand/corpusFiles';
import { type RealDocument, type ShardDocument } from './expand/documents';
import { writeShards } from './expand/shards';
import { buildManifest, datasetCard } from './run/buildManifest';
import type { RunConfig } from './run/config';
import type { FailedShard } from './run/failedShards';
import type { CorpusPlanSummary, CorpusSummary, RunResult } from './run/contracts';
import { fail, piiOptionsFor, type ActivityDeps } from './deps';

/** The corpus: shards planned and written (real data mixed in and in place of failed shards), the manifest and card. */
export function createCorpusActivities(deps: ActivityDeps) {
  const piiOptions = piiOptionsFor(deps);
  return {
    /**
     * Plan the corpus: the accepted documents with real ones mixed in (backup.mixRatio), in curriculum order,
     * cut into shards; a sample of each shard for review; the shards under the quality floor.
     */
    async planCorpus(input: { outDir: string; documentsPath: string; config: RunConfig }): Promise<CorpusPlanSummary> {
      const { config, outDir } = input;
      const synthetic = await readDocuments(input.documentsPath);
      const backup = config.backup.path
        ? await readBackup(config.backup.path, piiOptions(config)).catch((e: Error) => {
            throw fail('InvalidConfig', e.message);
          })
        : { docs: [], rejected: {} };
      const { mixed, spare } = mixReal(synthetic.length, backup.docs, config.backup.mixRatio);
      const all = [...synthetic, ...mixed];
      const ordered =
        config.shards.order === 'curriculum' ? curriculumOrder(all) : [...all].sort((a, b) => a.id.localeCompare(b.id));
      const plan = planCorpus(ordered, config.shards.maxDocs, config.shards.maxBytes, config.shards.format);
      await writePlan(outDir, { shards: plan, mixed: mixed.map((d) => d.id), spare: spare.map((d) => d.id) });
      // the screened real documents, so that writing the shards reads them as planned (not the backup again)
      await writeDocuments(realPath(outDir), [...mixed, ...spare]);
      const sample = reviewSample(plan, new Map(ordered.map((d) => [d.id, d])), config.review.perShard);
      await writeDocuments(samplePath(outDir), sample);
      return {
        shards: plan.map((p) => p.name),
        samplePath: samplePath(outDir),
        sampled: sample.length,
        lowQuality: plan
          .filter((p) => p.quality !== null && p.quality < config.review.minQuality)
          .map((p) => ({ shard: p.name, quality: p.quality! })),
        real: { available: backup.docs.length, mixed: mixed.length, rejected: backup.rejected },
        order: config.shards.order,
      };
    },

    /**
     * Write the shards of the plan (the pretraining split), the synthetic documents of failed shards replaced from
     * the backup corpus; then the chat and probe splits from what the shards hold.
     */
    async writeCorpus(input: {
      outDir: string;
      documentsPath: string;
      config: RunConfig;
      failed: FailedShard[];
    }): Promise<CorpusSummary> {
      const { config, outDir } = input;
      const plan = await readPlan(outDir);
      const byId = new Map<string, ShardDocument>(
        [...(await readDocuments(input.documentsPath)), ...(await readDocuments(realPath(outDir)))].map((d) => [
          d.id,
          d,
        ]),
      );
      const spare = plan.spare.map((id) => byId.get(id)).filter((d): d is RealDocument => d?.origin === 'real');
      const { shards, replacements } = replaceShards(
        plan.shards,
        byId,
        new Map(input.failed.map((f) => [f.shard, { gate: f.gate, reason: f.reason }])),
        spare,
      );
      const infos = await writeShards(
        outDir,
        plan.shards.map((p, i) => ({ name: p.name, docs: shards[i] })).filter((s) => s.docs.length),
        config.shards.format,
      );
      const facts = await readJsonl(join(outDir, 'facts.jsonl'), Fact);
      const splits = await writeSplits(outDir, shards.flat(), facts, config.expand.languages);
      return { shards: infos, replacements, splits };
    },

    /** Write manifest.json and the dataset card. */
    async writeManifest(
      input: Omit<Parameters<typeof buildManifest>[0], 'createdAt'> & { outDir: string },
    ): Promise<RunResult> {
      const { outDir, ...parts } = input;
      const manifest = buildManifest({ ...parts, createdAt: new Date().toISOString() });
      const manifestPath = join(outDir, 'manifest.json');
      await writeFileAtomic(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
      await writeFileAtomic(join(outDir, 'README.md'), datasetCard(manifest));
      return { runId: manifest.run_id, outDir, manifestPath, counts: manifest.counts };
    },
  };
}
