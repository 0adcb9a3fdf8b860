/**
 * The document gates measured like data: every text of the labelled set (test/fixtures/gate-eval/answers.jsonl -
 * good answers written as a careful model writes them, and the same answers with one subtle defect each, see
 * build.py there) goes through the product's own checks (checkText with the default filters and the plant's
 * vocabulary). Printed per split ("tune": developed on; "heldout": never tuned on), per language:
 *   - good answers accepted (the bar: at least 95 % in each language on heldout),
 *   - each defect kind caught (rejected for any reason) and by which filter,
 *   - per filter: precision (its rejections that hit a defect) and the defects it alone catches.
 *   npx ts-node --transpile-only bench/gateEval.ts [--errors]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { Fact } from '../activities/kinds';
import { checkText, type CheckOutcome } from '../activities/expand/filters';
import { Lang, Style } from '../activities/expand/documents';
import { PlantVocabulary } from '../activities/expand/plantVocabulary';
import { DEFAULT_PII_OPTIONS } from '../activities/parse/pii';

const DIR = join(__dirname, '..', 'test', 'fixtures', 'gate-eval');
export const LabelledAnswer = z.object({
  id: z.string(),
  split: z.enum(['tune', 'heldout', 'fresh']),
  fact_ids: z.array(z.string()).min(1),
  style: Style,
  audience: z.string(),
  lang: Lang,
  label: z.string(),
  text: z.string(),
});
export type LabelledAnswer = z.infer<typeof LabelledAnswer>;

const lines = (file: string) =>
  readFileSync(join(DIR, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim());

export function loadGateEval() {
  const facts = new Map(
    lines('facts.jsonl')
      .map((l) => Fact.parse(JSON.parse(l)))
      .map((f) => [f.id, f]),
  );
  const answers = lines('answers.jsonl').map((l) => LabelledAnswer.parse(JSON.parse(l)));
  const plant = PlantVocabulary.parse(JSON.parse(readFileSync(join(DIR, 'plant.json'), 'utf8')));
  return { facts, answers, plant };
}

/** One labelled answer through the product's checks. */
export function checkLabelled(a: LabelledAnswer, g: ReturnType<typeof loadGateEval>): CheckOutcome {
  const facts = a.fact_ids.map((id) => g.facts.get(id)!);
  return checkText(a.text, a.lang, facts, DEFAULT_PII_OPTIONS, a.style, { plant: g.plant });
}

function main(): void {
  const g = loadGateEval();
  const errors = process.argv.includes('--errors');
  const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)} %` : '-');
  for (const split of ['tune', 'heldout', 'fresh'] as const) {
    const set = g.answers.filter((a) => a.split === split);
    const results = set.map((a) => ({ a, r: checkLabelled(a, g) }));
    console.log(`\n== ${split}: ${set.length} answers ==`);
    for (const lang of ['en', 'zh'] as const) {
      const good = results.filter((x) => x.a.label === 'good' && x.a.lang === lang);
      const ok = good.filter((x) => x.r.ok);
      const bad = results.filter((x) => x.a.label !== 'good' && x.a.lang === lang);
      const caught = bad.filter((x) => !x.r.ok);
      console.log(
        `${lang}: good accepted ${ok.length}/${good.length} (${pct(ok.length, good.length)}); ` +
          `defects rejected ${caught.length}/${bad.length} (${pct(caught.length, bad.length)})`,
      );
      if (errors)
        for (const x of good.filter((y) => !y.r.ok))
          console.log(`   good rejected: ${x.a.id}: ${x.r.reasons.map((r) => `${r.reason} (${r.detail})`).join('; ')}`);
    }
    const kinds = [...new Set(results.filter((x) => x.a.label !== 'good').map((x) => x.a.label))].sort();
    console.log('defect kind: caught / total (filters that caught it)');
    for (const k of kinds) {
      const of = results.filter((x) => x.a.label === k);
      const by = new Set(of.flatMap((x) => x.r.reasons.map((r) => r.reason)));
      const caught = of.filter((x) => !x.r.ok);
      console.log(`  ${k.padEnd(18)} ${caught.length}/${of.length}  (${[...by].join(', ') || '-'})`);
      if (errors) for (const x of of.filter((y) => y.r.ok)) console.log(`     missed: ${x.a.id} (${x.a.lang})`);
    }
    const reasons = [...new Set(results.flatMap((x) => x.r.reasons.map((r) => r.reason)))].sort();
    console.log('rejection reason: on defects / on good answers (precision)');
    for (const reason of reasons) {
      const hit = results.filter((x) => x.r.reasons.some((r) => r.reason === reason));
      const tp = hit.filter((x) => x.a.label !== 'good').length;
      console.log(`  ${reason.padEnd(18)} ${tp} / ${hit.length - tp}  (${pct(tp, hit.length)})`);
    }
  }
}

if (require.main === module) main();
