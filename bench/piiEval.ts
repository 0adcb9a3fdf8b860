/**
 * Personal-data detection on the labelled evaluation set (test/fixtures/pii-eval/pii-eval.jsonl):
 * precision, recall and F2 per type and overall. A finding counts when type and text equal a label.
 *   npx ts-node --transpile-only bench/piiEval.ts
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PII_TYPES, PiiMasker, DEFAULT_PII_OPTIONS, type PiiType } from '../activities/parse/pii';

export interface TypeScore { type: string; tp: number; fp: number; fn: number; precision: number; recall: number; f2: number }
interface Line { id: number; lang: string; text: string; gold: { type: PiiType; value: string }[] }

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
    const found = new PiiMasker(DEFAULT_PII_OPTIONS).detect(line.text).map((f) => ({ type: f.type, value: f.value.trim() }));
    const gold = [...line.gold];
    for (const f of found) {
      const i = gold.findIndex((g) => g.type === f.type && g.value === f.value);
      if (i >= 0) { bump(f.type, 'tp'); gold.splice(i, 1); } else { bump(f.type, 'fp'); errors.push(`FP ${f.type} "${f.value}" in #${line.id}: ${line.text}`); }
    }
    for (const g of gold) { bump(g.type, 'fn'); errors.push(`FN ${g.type} "${g.value}" in #${line.id}: ${line.text}`); }
  }
  const score = (type: string, t: { tp: number; fp: number; fn: number }): TypeScore => {
    const precision = t.tp + t.fp ? t.tp / (t.tp + t.fp) : 1;
    const recall = t.tp + t.fn ? t.tp / (t.tp + t.fn) : 1;
    const f2 = precision + recall ? (5 * precision * recall) / (4 * precision + recall) : 0;
    return { type, ...t, precision, recall, f2 };
  };
  const scores = PII_TYPES.map((t) => score(t, tally.get(t) ?? { tp: 0, fp: 0, fn: 0 }));
  const all = [...tally.values()].reduce((a, b) => ({ tp: a.tp + b.tp, fp: a.fp + b.fp, fn: a.fn + b.fn }), { tp: 0, fp: 0, fn: 0 });
  return { scores: [...scores, score('all', all)], errors };
}

export function loadEvalSet(): Line[] {
  return readFileSync(join(__dirname, '..', 'test', 'fixtures', 'pii-eval', 'pii-eval.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

if (require.main === module) {
  const lines = loadEvalSet();
  const t0 = process.hrtime.bigint();
  const { scores, errors } = evaluatePii(lines);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`${lines.length} lines (${lines.filter((l) => l.lang === 'zh').length} zh, ${lines.filter((l) => l.gold.length === 0).length} decoy-only)`);
  console.log('type          labels   tp   fp   fn  precision  recall     F2');
  for (const s of scores) console.log(`${s.type.padEnd(12)} ${String(s.tp + s.fn).padStart(7)} ${String(s.tp).padStart(4)} ${String(s.fp).padStart(4)} ${String(s.fn).padStart(4)}     ${s.precision.toFixed(3)}   ${s.recall.toFixed(3)}  ${s.f2.toFixed(3)}`);
  console.log(`${Math.round(lines.length / secs)} lines/s`);
  if (process.argv.includes('--errors')) for (const e of errors) console.log(e);
}
