import { heartbeat, ApplicationFailure } from '@temporalio/activity';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readJsonl, toJsonl, writeFileAtomic } from './common/files';
import { plantVocabulary, plantVocabularyPath } from './expand/plantVocabulary';
import { sourceRecordFiles } from './parse/parseChunk';
import { OperationRecord } from './parse/records';
import type { DeriveResult } from './kinds/deriveFacts';
import { DEFAULT_DERIVE_OPTIONS } from './knowledge/deriveOptions';
import { buildsOn, Fact } from './kinds';
import { PrivacyReport } from './knowledge/privacy';
import { SetAsideRule } from './knowledge/ruleFacts';
import { z } from 'zod';
import { checkGraphFormulas } from './knowledge/graphSnapshot';
import type { RunConfig } from './run/config';
import type { FactsSummary } from './run/contracts';
import { mergeFacts, readGraphSnapshot, loadGraphFiles } from '../graphs/store';
import { fail, withNeo4j, type ActivityDeps } from './deps';
import { countBy } from './common/counts';
import { factInputsSoFar, type History, keepKnowledge, keptForLater } from './kinds/knowledgeSoFar';

/** Stage 2: the knowledge graph loaded, facts derived from the records and written back. */
export function createKnowledgeActivities(deps: ActivityDeps) {
  return {
    /** Load the graph schema and the domain graphs, idempotently. */
    async loadGraph(input: { files: string[] }): Promise<number> {
      const files = await Promise.all(input.files.map(async (f) => ({ name: f, text: await readFile(f, 'utf8') })));
      try {
        return await withNeo4j(deps.neo4jUri, () => loadGraphFiles(deps.driver, files));
      } catch (e) {
        if (e instanceof ApplicationFailure) throw e;
        throw fail('InvalidGraph', (e as Error).message);
      }
    },

    /** Stage 2: join records with the graph, derive facts, MERGE them into Neo4j and write facts.jsonl. */
    async deriveRunFacts(input: {
      outDir: string;
      sources: { source: string; chunks: number; series?: unknown }[];
      runId: string;
      config: RunConfig;
      /** a schedule's version: facts derive from the data so far (kinds/knowledgeSoFar.ts) */
      history?: History;
    }): Promise<FactsSummary> {
      const graph = await withNeo4j(deps.neo4jUri, () => readGraphSnapshot(deps.driver));
      try {
        checkGraphFormulas(graph);
      } catch (e) {
        throw fail('InvalidGraph', `the knowledge graph's derived quantities: ${(e as Error).message}`);
      }
      const { history } = input;
      // a schedule's version: the earlier versions' kept rows and ledger first
      const inputs = await factInputsSoFar(graph, history, heartbeat);
      // record files one at a time: samples go into per-asset tables, their records are not kept
      const kept: OperationRecord[] = [];
      for (const file of input.sources.flatMap((p) => sourceRecordFiles(input.outDir, p))) {
        for (const r of await readJsonl(file, OperationRecord)) {
          inputs.add(r);
          if (history && keptForLater(r)) kept.push(r);
        }
        heartbeat();
      }
      const opts = { ...DEFAULT_DERIVE_OPTIONS, ...input.config.facts, privacy: input.config.privacy };
      const { facts, unlinked, rulesSetAside, privacy } = await drawnOnce(input, () => inputs.derive(opts));
      if (history) await keepKnowledge(input.outDir, kept, inputs.chains(opts.maxSources));
      await writeFileAtomic(join(input.outDir, 'rules_set_aside.jsonl'), toJsonl(rulesSetAside));
      heartbeat();
      const links = await withNeo4j(deps.neo4jUri, () =>
        mergeFacts(
          deps.driver,
          facts.map((f) => ({ ...f, builds_on: buildsOn(f) })),
          input.runId,
        ),
      );
      const factsPath = join(input.outDir, 'facts.jsonl');
      await writeFileAtomic(factsPath, toJsonl(facts));
      // the plant's names beside the facts: the expansion's grounding filter reads them
      await writeFileAtomic(plantVocabularyPath(input.outDir), JSON.stringify(plantVocabulary(graph)));
      const byKind = countBy(facts, (f) => f.kind);
      return { facts: facts.length, byKind, unlinked, links, factsPath, rulesSetAside: rulesSetAside.length, privacy };
    },
  };
}

/**
 * A private release is drawn once per run: a retried attempt reuses the first attempt's noisy facts
 * (kept in the run directory, keyed by run id) - two draws both reaching Neo4j would spend epsilon twice.
 * Exact releases are deterministic and simply derived again.
 */
export async function drawnOnce(
  input: { outDir: string; runId: string; config: RunConfig },
  derive: () => DeriveResult,
): Promise<DeriveResult> {
  if (!input.config.privacy) return derive();
  const path = join(input.outDir, 'private_release.json');
  const earlier = await readFile(path, 'utf8').then(
    (t) => PrivateRelease.safeParse(JSON.parse(t)),
    () => null,
  );
  if (earlier?.success && earlier.data.runId === input.runId) return earlier.data.result;
  const result = derive();
  await writeFileAtomic(path, JSON.stringify({ runId: input.runId, result }));
  return result;
}

const PrivateRelease = z.object({
  runId: z.string(),
  result: z.object({
    facts: z.array(Fact),
    unlinked: z.record(z.string(), z.number()),
    privacy: PrivacyReport,
    rulesSetAside: z.array(SetAsideRule),
  }),
});
