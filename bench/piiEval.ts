/**
 * Personal-data detection on the labelled evaluation set (test/fixtures/pii-eval/pii-eval.jsonl):
 * precision, recall and F2 per type and overall (a finding counts when type and text equal a label), for the
 * whole set and for the forms added for real logs (lines 801-1200: key=value ids, name lists, recording
 * verbs, capital and lower-case pinyin surnames, apostrophes and hyphens); the share of decoy-only lines kept
 * unmasked. With ../shared: findings other than network addresses in Loghub-2k's 32,000 machine-log lines
 * (which hold no personal names or ids, so each one is a false positive).
 * The set is ours, labelled by construction: read its figures as a regression check, not as field recall.
 *   npx ts-node --transpile-only bench/piiEval.ts [--errors]
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { sharedDataset } from './lib/shared';
import { join } from 'node:path';
import { PII_TYPES, PiiMasker, DEFAULT_PII_OPTIONS, type PiiType } from '../activities/parse/pii';

export interface TypeScore {
  type: string;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f2: number;
}
interface Line {
  id: number;
  lang: string;
  forms?: boolean;
  ids?: boolean;
  text: string;
  gold: { type: PiiType; value: string }[];
}

/** The share of decoy-only lines (no personal datum) where nothing is found. */
export function decoysKept(lines: Line[]): number {
  const decoys = lines.filter((l) => l.gold.length === 0);
  return decoys.filter((l) => new PiiMasker(DEFAULT_PII_OPTIONS).detect(l.text).length === 0).length / decoys.length;
}

/** Findings other than network addresses in Loghub-2k (machine logs): false positives. Null without ../shared. */
function loghubFalsePositives(): { lines: number; found: number; examples: string[] } | null {
  let root: string;
  try {
    root = sharedDataset('loghub-2k');
  } catch {
    return null;
  }
  let lines = 0,
    found = 0;
  const examples: string[] = [];
  for (const d of readdirSync(root).filter((n) => existsSync(join(root, n, `${n}_2k.log`)))) {
    const m = new PiiMasker(DEFAULT_PII_OPTIONS);
    for (const l of readFileSync(join(root, d, `${d}_2k.log`), 'utf8').split('\n')) {
      lines++;
      for (const f of m.detect(l))
        if (!['ip', 'mac', 'email'].includes(f.type)) {
          found++;
          if (examples.length < 5) examples.push(`${d} ${f.type} "${f.value}"`);
        }
    }
  }
  return { lines, found, examples };
}

export function evaluatePii(lines: Line[]): { scores: TypeScore[]; errors: string[] } {
  const tally = new Map<string, { tp: number; fp: number; fn: number }>();
  const errors: string[] = [];
  const bump = (t: string, k: 'tp' | 'fp' | 'fn') => {
    const v = tally.get(t) ?? { tp: 0, fp: 0, fn: 0 };
    v[k]++;
    tally.set(t, v);
  };
  for (const line of lines) {
    // each line on its own: nothing learned on one line helps another
    const found = new PiiMasker(DEFAULT_PII_OPTIONS)
      .detect(line.text)
      .map((f) => ({ type: f.type, value: f.value.trim() }));
    const gold = [...line.gold];
    for (const f of found) {
      const i = gold.findIndex((g) => g.type === f.type && g.value === f.value);
      if (i >= 0) {
        bump(f.type, 'tp');
        gold.splice(i, 1);
      } else {
        bump(f.type, 'fp');
        errors.push(`FP ${f.type} "${f.value}" in #${line.id}: ${line.text}`);
      }
    }
    for (const g of gold) {
      bump(g.type, 'fn');
      errors.push(`FN ${g.type} "${g.value}" in #${line.id}: ${line.text}`);
    }
  }
  const score = (type: string, t: { tp: number; fp: number; fn: number }): TypeScore => {
    const precision = t.tp + t.fp ? t.tp / (t.tp + t.fp) : 1;
    const recall = t.tp + t.fn ? t.tp / (t.tp + t.fn) : 1;
    const f2 = precision + recall ? (5 * precision * recall) / (4 * precision + recall) : 0;
    return { type, ...t, precision, recall, f2 };
  };
  const scores = PII_TYPES.map((t) => score(t, tally.get(t) ?? { tp: 0, fp: 0, fn: 0 }));
  const all = [...tally.values()].reduce((a, b) => ({ tp: a.tp + b.tp, fp: a.fp + b.fp, fn: a.fn + b.fn }), {
    tp: 0,
    fp: 0,
    fn: 0,
  });
  return { scores: [...scores, score('all', all)], errors };
}

export function loadEvalSet(): Line[] {
  return readFileSync(join(__dirname, '..', 'test', 'fixtures', 'pii-eval', 'pii-eval.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

if (require.main === module) {
  const all = loadEvalSet();
  for (const [label, lines] of [
    ['whole set', all],
    ['forms added for real logs (801-1200)', all.filter((l) => l.forms)],
    ['staff ids of every shape after their triggers, and decoys (1201-1500)', all.filter((l) => l.ids)],
  ] as const) {
    const t0 = process.hrtime.bigint();
    const { scores, errors } = evaluatePii(lines);
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(
      `${label}: ${lines.length} lines (${lines.filter((l) => l.lang === 'zh').length} zh, ` +
        `${lines.filter((l) => l.gold.length === 0).length} decoy-only), decoys kept ${decoysKept(lines).toFixed(3)}`,
    );
    console.log('type          labels   tp   fp   fn  precision  recall     F2');
    for (const s of scores)
      console.log(
        `${s.type.padEnd(12)} ${String(s.tp + s.fn).padStart(7)} ${String(s.tp).padStart(4)} ` +
          `${String(s.fp).padStart(4)} ${String(s.fn).padStart(4)}     ${s.precision.toFixed(3)}   ` +
          `${s.recall.toFixed(3)}  ${s.f2.toFixed(3)}`,
      );
    console.log(`${Math.round(lines.length / secs)} lines/s\n`);
    if (process.argv.includes('--errors')) for (const e of errors) console.log(e);
  }
  const fp = loghubFalsePositives();
  console.log(
    fp
      ? `Loghub-2k (${fp.lines} machine-log lines): ${fp.found} findings other than network ` +
          `addresses${fp.examples.length ? `: ${fp.examples.join('; ')}` : ''}`
      : 'Loghub-2k: ../shared/datasets/loghub-2k not found (set FORGE_SHARED_DIR); false-positive check skipped',
  );
}
