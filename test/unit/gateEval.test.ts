import { checkLabelled, loadGateEval } from '../../bench/gateEval';

/**
 * The labelled gate set (test/fixtures/gate-eval, bench/gateEval.ts prints the full figures): every good answer,
 * written as a careful model writes, passes the product's checks; every defective one is rejected, each for its
 * own reason.
 */
const g = loadGateEval();

test.each(['tune', 'heldout', 'fresh'] as const)('%s: every good answer passes, every defect is rejected', (split) => {
  const set = g.answers.filter((a) => a.split === split);
  const rejectedGood = set.filter((a) => a.label === 'good' && !checkLabelled(a, g).ok).map((a) => a.id);
  const missed = set.filter((a) => a.label !== 'good' && checkLabelled(a, g).ok).map((a) => a.id);
  expect(rejectedGood).toEqual([]);
  expect(set.length).toBeGreaterThan(15);
  expect(missed).toEqual([]);
});

test('a defect is rejected for its own reason, not by chance', () => {
  const reasonOf: Record<string, string[]> = {
    swapped_figure: ['unfaithful_number'],
    unit_changed: ['unfaithful_unit'],
    limit_as_setpoint: ['limit_as_setpoint'],
    invented_cause: ['ungrounded'],
    foreign_part: ['ungrounded'],
    truncated: ['truncated'],
    echoed_prompt: ['prompt_echo'],
    meta_note: ['meta_talk'],
    safety_bypass: ['unsafe_instruction'],
    no_figure: ['no_coverage'],
    pii: ['pii'],
    repetition: ['repetitive'],
    invented_number: ['unfaithful_number'],
    wrong_language: ['wrong_language'],
  };
  expect(new Set(g.answers.filter((x) => x.label !== 'good').map((x) => x.label))).toEqual(
    new Set(Object.keys(reasonOf)),
  );
  for (const a of g.answers.filter((x) => x.label in reasonOf)) {
    const reasons = checkLabelled(a, g).reasons.map((r) => r.reason);
    expect({ id: a.id, has: reasonOf[a.label].some((r) => reasons.includes(r as never)) }).toEqual({
      id: a.id,
      has: true,
    });
  }
});
