import { addCounts, totalCount, type PiiCounts } from '../parse/pii';
import { costOf } from '../expand/expandFacts';
import type { FilterStats } from '../expand/filterTypes';
import type { RunConfig } from './config';
import type { PrivacyReport } from '../knowledge/privacy';
import type {
  CorpusPlanSummary,
  CorpusSummary,
  ExpandSummary,
  FactsSummary,
  Manifest,
  ParseSummary,
  ReviewOutcome,
  ScanSummary,
} from './contracts';

export interface ManifestParts {
  runId: string;
  workflowId: string;
  configHash: string;
  createdAt: string;
  config: RunConfig;
  inputs: (ScanSummary & { path: string })[];
  parsed: ParseSummary[];
  facts: FactsSummary;
  expanded: ExpandSummary;
  plan: CorpusPlanSummary;
  review: ReviewOutcome;
  corpus: CorpusSummary;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
export const roundUsd = (x: number) => Math.round(x * 1e6) / 1e6;

/** The run's manifest from the stages' summaries. */
export function buildManifest(p: ManifestParts): Manifest {
  const pii: PiiCounts = {};
  for (const s of p.parsed) addCounts(pii, s.pii);
  return {
    run_id: p.runId,
    workflow_id: p.workflowId,
    config_hash: p.configHash,
    created_at: p.createdAt,
    inputs: p.inputs.map((i) => ({ path: i.path, sha256: i.sha256, lines: i.lines, format: i.format })),
    references: p.parsed.flatMap((s) => (s.series?.reference ? [{ source: s.source, ...s.series.reference }] : [])),
    counts: {
      lines: sum(p.parsed.map((s) => s.lines)),
      records: sum(p.parsed.map((s) => s.records)),
      quarantined: sum(p.parsed.map((s) => s.quarantined)),
      untimed: sum(p.parsed.map((s) => s.untimed ?? 0)),
      pii_masked: totalCount(pii),
      pii_by_type: pii as Record<string, number>,
      facts: p.facts.facts,
      facts_by_kind: p.facts.byKind,
      unlinked: p.facts.unlinked,
      rules_set_aside: p.facts.rulesSetAside ?? 0,
      docs_generated: p.expanded.generated,
      docs_rejected: p.expanded.rejected,
      docs_written: p.expanded.written,
      series: {
        windows: sum(p.parsed.map((s) => s.series?.windows ?? 0)),
        changes: sum(p.parsed.map((s) => s.series?.changes ?? 0)),
        states: sum(p.parsed.map((s) => s.series?.states ?? 0)),
        anomalies: sum(p.parsed.map((s) => s.series?.anomalies ?? 0)),
      },
    },
    tokens: p.expanded.tokens,
    by_lang: p.expanded.byLang,
    by_style: p.expanded.byStyle,
    by_audience: p.expanded.byAudience,
    by_input: p.expanded.byInput,
    generation: {
      prompt_tokens: p.expanded.usage.prompt_tokens,
      completion_tokens: p.expanded.usage.completion_tokens,
      cost_usd: p.expanded.usage.cost_usd,
      cached: p.expanded.usage.cached,
      requests: p.expanded.usage.requests,
      stopped: p.expanded.stopped,
      skipped: p.expanded.skipped,
      unanswered: p.expanded.unanswered,
      model_texts: p.expanded.modelTexts,
      filters: p.expanded.filters,
    },
    shards: p.corpus.shards.map((s) => ({ ...s, cost_usd: roundUsd(costOf(s, p.config.expand.prices)) })),
    splits: p.corpus.splits,
    review: { sample: 'review/sample.jsonl', sampled: p.plan.sampled, ...p.review },
    mix: {
      synthetic: sum(p.corpus.shards.map((s) => s.docs - s.real)),
      real: sum(p.corpus.shards.map((s) => s.real)),
      real_ratio: p.config.backup.mixRatio,
      backup: p.config.backup.path,
      backup_rejected: p.plan.real.rejected,
      order: p.plan.order,
    },
    fallback: p.corpus.replacements,
    privacy: p.facts.privacy ?? null,
    quality_floor: p.expanded.quality,
    generator: p.expanded.generator,
    config: p.config,
  };
}

/** The card's filter line: each filter's rejections of the texts it checked, and its time. */
function filterLine(stats: FilterStats): string {
  const parts = Object.entries(stats).map(
    ([name, s]) => `${name} ${s.rejected}/${s.passed + s.rejected} (${Math.round(s.ms)} ms)`,
  );
  return parts.join(', ') || 'none ran';
}

/** The card's privacy line: the guarantee, the budget split, what is not covered. */
function privacyLine(p: PrivacyReport): string {
  const pct = (x: number) => `${Math.round(100 * x)} %`;
  const fromData = p.bounds_from_data.join(', ');
  const notPrivate = fromData
    ? `; NOT private: threshold ranges taken from the data for ${fromData} (set privacy.bounds)`
    : '';
  return (
    `${p.epsilon}-differentially private per row for the threshold-rule ` +
    `facts (${p.mechanisms}); epsilon ${p.per_outcome_epsilon} per outcome, ` +
    `split ${pct(p.split.totals)} outcome totals, ${pct(p.split.selection)} rule ` +
    `selection, ${pct(p.split.counts)} rule counts among at most ${p.max_rules} rules (count noise ` +
    `scale ${p.noise_scale}); withheld: ${p.withheld_kinds.join(', ')}; sources name files, not ` +
    `lines${notPrivate}`
  );
}

/** A dataset card (Hugging Face format: YAML header with configs and data files, then prose) for the run directory. */
export function datasetCard(m: Manifest): string {
  const config = m.config as RunConfig;
  const format = config.shards.format;
  const gen =
    m.generator.kind === 'offline'
      ? `the deterministic offline expander \`${m.generator.name}\` (no language model was used: every document ` +
        `says \`generator.kind = "offline"\`)`
      : `the language model \`${m.generator.model}\` through an OpenAI-compatible endpoint`;
  const g = m.generation;
  const usd = g.cost_usd ? `, about ${g.cost_usd} USD at the configured prices` : '';
  const stopped =
    g.stopped === 'budget'
      ? ` Generation stopped early (budget): ${g.skipped} planned texts were not written.`
      : g.stopped === 'quality'
        ? ` The LLM stopped early (quality surely under the floor): ${g.skipped} planned texts were not asked of it; ` +
          'the quality floor below says what was written instead.'
        : '';
  const r = m.review;
  const decided = `decision: ${r.decision}${r.reason ? ` (${r.reason})` : ''}${r.reviewer ? ` by ${r.reviewer}` : ''}`;
  const review = !r.requested
    ? 'the run did not wait for a review'
    : r.timed_out
      ? `no review came in time: ${r.reason}`
      : decided;
  const backup = m.mix.backup ? ` from \`${m.mix.backup}\` (configured share ${m.mix.real_ratio})` : '';
  const replacedFrom = m.fallback.map((f) => `${f.shard} (${f.reason}; ${f.from_backup} of ${f.replaced})`).join('; ');
  const replaced = m.fallback.length ? ` Replaced from the backup: ${replacedFrom}.` : '';
  const order =
    m.mix.order === 'curriculum'
      ? 'a curriculum, from basic to complex (knowledge lists and definitions first, bundles of related facts, ' +
        'case studies and troubleshooting last)'
      : 'by document id';
  const licence =
    config.dataset.license === 'other'
      ? 'Not set: the licence of the source data applies. Set `dataset.license` in the run configuration.'
      : `\`${config.dataset.license}\`, as set in the run configuration.`;
  const list = (r: Record<string, number>) =>
    Object.entries(r)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none';
  const n = m.counts.docs_written;
  const size =
    n < 1000 ? 'n<1K' : n < 10_000 ? '1K<n<10K' : n < 100_000 ? '10K<n<100K' : n < 1_000_000 ? '100K<n<1M' : 'n>1M';
  return `---
license: ${config.dataset.license}
pretty_name: ${JSON.stringify(config.dataset.prettyName ?? `Forge corpus ${m.run_id}`)}
language:
${
  Object.keys(m.by_lang)
    .sort()
    .map((l) => `- ${l}`)
    .join('\n') || '- en'
}
task_categories:
- text-generation
size_categories:
- ${size}
tags:
- industrial
- manufacturing
- synthetic
configs:
- config_name: pretrain
  default: true
  data_files:
  - split: train
    path: shards/part-*.${format}
- config_name: sft
  data_files:
  - split: train
    path: ${m.splits.sft.path}
- config_name: probes
  data_files:
  - split: test
    path: ${m.splits.probes.path}
---

# ${config.dataset.prettyName ?? `Forge corpus ${m.run_id}`}

Synthetic domain text generated by Forge from industrial operations data (run \`${m.run_id}\`, workflow
\`${m.workflow_id}\`).
Three configs: \`pretrain\` (the default: documents for continued pretraining), \`sft\` (the same documents as chat
\`messages\`, system / user / assistant, for TRL's \`SFTTrainer\` or LLaMA-Factory's sharegpt format) and \`probes\`
(closed-book multiple-choice questions on the run's facts, none sharing an 8-gram with the training text):
\`datasets.load_dataset("path/to/this/directory", "sft")\`. From this directory, \`lm_eval --model hf --model_args
pretrained=<model> --include_path probes --tasks forge_probes\` scores a model on the probes.

## Contents
- Chat: ${m.splits.sft.conversations} conversations, ${m.splits.sft.turns} assistant turns (\`${m.splits.sft.path}\`).
- Probes: ${m.splits.probes.probes} questions (${list(m.splits.probes.by_kind)}; ${m.splits.probes.withheld_overlap}
  withheld for sharing an 8-gram with the training text), task \`${m.splits.probes.task}\`.
- Documents: ${n} written of ${m.counts.docs_generated} generated, in ${m.shards.length} shard(s) of
  \`shards/part-*.${format}\`; ${m.tokens} tokens (cl100k_base).
- Mix: languages ${list(m.by_lang)}; styles ${list(m.by_style)}; audiences ${list(m.by_audience)}; written from
  ${list(m.by_input)} (pairs and triples are related facts written together).
- Facts: ${m.counts.facts} (${list(m.counts.facts_by_kind)}), from ${m.inputs.length} input files,
  ${m.counts.lines} data lines -> ${m.counts.records} records (${m.counts.quarantined} lines quarantined,
  ${m.counts.pii_masked} personal data masked).
- Privacy: ${m.privacy ? privacyLine(m.privacy) : 'exact figures (no differential privacy configured)'}.

## Generation
- Generator: ${gen}.
- Cost: ${g.prompt_tokens} prompt and ${g.completion_tokens} completion tokens${usd}; ${g.cached} texts from the
  request cache.${stopped}

## Review and real data
- Human spot-check: ${m.review.sampled} documents sampled (\`${m.review.sample}\`); ${review}.
- Real documents: ${m.mix.real} of ${m.mix.real + m.mix.synthetic}${backup}.${replaced}
- Shard order: ${order}.

## Checks
Every document passed: numbers (grouped or in words too), units and plant codes faithful to its facts, each
figure in the role and unit its fact gives it (a spec limit or reject threshold is never the value to set); every
asset, part, cause and failure mode it names belongs to its facts; no talk about the request or echo of it, no
refusals; no links, commands or safety overrides steered by the data; no personal data; the right language;
length bounds; not cut off; it names its facts' subjects and states their figures; its style's form; no looping
repetition; exact and near-duplicate removal (MinHash). Rejected: ${list(m.counts.docs_rejected)}
(\`rejected.jsonl\` has each with its reason, and every reason when more than one filter rejected it).
- Filters (texts rejected / checked; every reason counts): ${filterLine(m.generation.filters)}.
- ${m.quality_floor ? m.quality_floor.summary : 'quality floor: not measured'}.

## Fields
\`id\`, \`text\`, \`lang\`, \`style\`, \`audience\`, \`input\` (fact, pair, triple), \`fact_ids\`, \`sources\`
(\`file:line\` of the raw lines behind the facts), \`generator\`, \`quality\` (score and checks), \`tokens\`,
\`usage\`${format === 'parquet' ? ' (in Parquet, the nested fields are JSON text)' : ''}. \`manifest.json\` has
the counts, shard hashes and the configuration (hash \`${m.config_hash}\`); \`facts.jsonl\` the facts.

## Licence
${licence}
`;
}
