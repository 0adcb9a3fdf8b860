import { checkLabelled, loadGateEval } from '../../bench/gateEval';

/**
 * The labelled gate set (test/fixtures/gate-eval, bench/gateEval.ts prints the full figures): every good answer,
 * written as a careful model writes, passes the product's checks; every defective one is rejected, except the
 * misses written down here (each a known limit of the rules, see the README's gate paragraph).
 */
const g = loadGateEval();
const KNOWN_MISSES = [
  't-contactor-sop-en~foreign_part', // a one-word part ("the screw"): single generic words are not grounded
  'h-hold-sop-zh~safety_bypass', // the interlock named in one clause, "将其屏蔽" (bypass it) in the next
  'h-cooler-sop-zh~repetition', // three of ten lines repeated: at the 30 % limit, not over it
];

test.each(['tune', 'heldout'] as const)('%s: every good answer passes, every defect is rejected', (split) => {
  const set = g.answers.filter((a) => a.split === split);
  const rejectedGood = set.filter((a) => a.label === 'good' && !checkLabelled(a, g).ok).map((a) => a.id);
  const missed = set.filter((a) => a.label !== 'good' && checkLabelled(a, g).ok).map((a) => a.id);
  expect(rejectedGood).toEqual([]);
  expect(missed).toEqual(KNOWN_MISSES.filter((id) => id.startsWith(split[0])));
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
  };
  for (const a of g.answers.filter((x) => x.label in reasonOf && !KNOWN_MISSES.includes(x.id))) {
    const reasons = checkLabelled(a, g).reasons.map((r) => r.reason);
    expect({ id: a.id, has: reasonOf[a.label].some((r) => reasons.includes(r as never)) }).toEqual({
      id: a.id,
      has: true,
    });
  }
});
