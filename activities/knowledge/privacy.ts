import { randomInt } from 'node:crypto';
import { z } from 'zod';

/**
 * Differential privacy: the two mechanisms facts are released through when `privacy.epsilon` is set, and
 * how a run's budget is split. Neighbouring data sets differ by one row (one record added or removed), so
 * a count has sensitivity 1, and so has a histogram of disjoint cells (a rule's covered rows with and
 * without the outcome) taken as a whole.
 * - Laplace mechanism (Dwork et al. 2006): a count plus noise of scale 1 / epsilon.
 * - Exponential mechanism (McSherry and Talwar 2007): a candidate drawn with probability proportional to
 *   exp(epsilon x utility / (2 x sensitivity)), here a rule condition scored by how many more outcome rows
 *   than expected it covers.
 * Written here rather than taken from a library: no maintained JavaScript DP library exists (OpenDP and
 * diffprivlib are Rust and Python); these are a few lines each and tested against their distributions.
 * Noise is drawn from the operating system's generator (node:crypto), never from a seed: a known seed
 * would let anyone subtract it.
 */

/** Uniform in [0, 1). */
export type Rand = () => number;

/** Uniform in [0, 1) from node:crypto, 48 bits. */
export const secureRandom: Rand = () => randomInt(0, 2 ** 48 - 1) / (2 ** 48 - 1);

/** How a run's epsilon is spent within one outcome (documented in README and recorded in the manifest). */
export const PRIVACY_SPLIT = {
  /** the outcome's row counts (with and without it): one histogram */
  totals: 0.1,
  /** choosing each rule's conditions and thresholds (exponential mechanism), shared by the rules */
  selection: 0.45,
  /** each rule's covered rows with and without the outcome (Laplace), shared by the rules */
  counts: 0.45,
} as const;

/** A draw from the Laplace distribution with mean 0 and this scale (inverse CDF). */
export function laplace(scale: number, rand: Rand = secureRandom): number {
  let u = rand() - 0.5;
  while (u === -0.5) u = rand() - 0.5;
  return -scale * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
}

/** A count released with epsilon-DP (sensitivity 1): Laplace noise, rounded, never below 0 (post-processing). */
export function noisyCount(count: number, epsilon: number, rand: Rand = secureRandom): number {
  return Math.max(0, Math.round(count + laplace(1 / epsilon, rand)));
}

/** The probability the exponential mechanism gives each candidate. */
export function exponentialProbabilities(utilities: ArrayLike<number>, epsilon: number, sensitivity = 1): Float64Array {
  const scale = epsilon / (2 * sensitivity);
  let max = -Infinity;
  for (let i = 0; i < utilities.length; i++) max = Math.max(max, utilities[i]);
  const w = Float64Array.from(utilities, (u) => Math.exp(scale * (u - max)));
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / total);
}

/** The index the exponential mechanism draws. */
export function exponentialMechanism(
  utilities: ArrayLike<number>,
  epsilon: number,
  sensitivity = 1,
  rand: Rand = secureRandom,
): number {
  const p = exponentialProbabilities(utilities, epsilon, sensitivity);
  let u = rand();
  for (let i = 0; i < p.length; i++) {
    u -= p[i];
    if (u < 0) return i;
  }
  return p.length - 1;
}

/** The half-width a Laplace draw of this scale stays within with probability `1 - tail`. */
export function laplaceMargin(scale: number, tail = 0.05): number {
  return scale * Math.log(1 / tail);
}

/**
 * `privacy` in the run configuration: epsilon for the run (null: off), rules per outcome, the threshold grid and public
 * bounds.
 */
export const PrivacySettings = z
  .object({
    epsilon: z.number().positive(),
    maxRules: z.number().int().min(1).max(20).default(3),
    grid: z.number().int().min(2).max(10_000).default(100),
    /**
     * parameter id -> [low, high]: where thresholds may lie, known without the data (else the data's range, not
     * private)
     */
    bounds: z
      .record(
        z.string(),
        z.tuple([z.number(), z.number()]).refine(([a, b]) => b > a, 'low below high'),
      )
      .default({}),
  })
  .strict();
export type PrivacySettings = z.infer<typeof PrivacySettings>;

/** What a private run released and how its budget was spent (`privacy` in the manifest; a line of the card). */
export const PrivacyReport = z.object({
  epsilon: z.number(),
  /** neighbouring data sets differ by one row (one record) */
  unit: z.literal('row'),
  /**
   * the run's epsilon split evenly among the outcomes (their rows overlap); assets' rows are disjoint and each gets it
   * whole
   */
  per_outcome_epsilon: z.number(),
  /** shares of an outcome's epsilon: its totals, rule selection, rule counts */
  split: z.object({ totals: z.number(), selection: z.number(), counts: z.number() }),
  max_rules: z.number().int(),
  grid: z.number().int(),
  mechanisms: z.string(),
  /** Laplace scale of a released rule count */
  noise_scale: z.number(),
  /** parameters whose threshold grid came from the data's own range: not private (set `privacy.bounds`) */
  bounds_from_data: z.array(z.string()),
  /** fact kinds with no private release, withheld */
  withheld_kinds: z.array(z.string()),
});
export type PrivacyReport = z.infer<typeof PrivacyReport>;
