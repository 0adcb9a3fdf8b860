/**
 * Stopping early for quality. A generator that writes garbage (a 135M-parameter local model, a wrong
 * endpoint) would otherwise be run for every planned text - hours on a CPU - only for the quality floor
 * to throw its work away at the end. Once `after` texts are checked, generation stops when the accepted
 * share is under the floor beyond reasonable doubt: the upper end of its Wilson score interval at 99 %
 * lies below the floor (99 %, not 95 %: the rule is looked at after every text). What is left unwritten
 * is counted as skipped, stopped for `quality`, and the floor's action (backup, offline, fail) follows.
 */

import { wilsonInterval } from '../knowledge/stats';

/** z of the two-sided 99 % interval */
export const STOP_Z = 2.576;

/** The upper end of the Wilson score interval of `ok` successes in `n` trials (the one interval facts use too). */
export const wilsonUpper = (ok: number, n: number, z = STOP_Z): number => wilsonInterval(ok, n, z)[1];

/** The texts checked so far (accepted or rejected) and how many of them were accepted. */
export interface QualityTally {
  accepted: number;
  checked: number;
}

/** Whether generation should stop: at least `after` texts checked (0: never) and the share surely under `floor`. */
export function surelyBelowFloor(t: QualityTally, floor: number, after: number): boolean {
  return after > 0 && floor > 0 && t.checked >= after && wilsonUpper(t.accepted, t.checked) < floor;
}

/**
 * The quality of one run's batches now running in this process, counted as their texts are checked, and
 * one switch that cuts all their requests: two batches of a run on one worker stop together after 20 texts
 * between them, not 20 each. A batch's counts leave the tally when it ends (the workflow then passes them
 * on as `prior` to batches started later): nothing is counted twice.
 */
export class LiveQuality {
  private readonly shared: SharedQuality;

  /** A batch's view: `key` names its run (null: not shared), `prior` holds the run's texts of batches already done. */
  constructor(
    private readonly key: string | null,
    private readonly prior: QualityTally,
  ) {
    const found = key === null ? undefined : RUNNING.get(key);
    this.shared = found ?? { tally: { accepted: 0, checked: 0 }, cut: new AbortController(), batches: 0 };
    if (key !== null && !found) RUNNING.set(key, this.shared);
    this.shared.batches++;
  }

  /** this batch's own counts */
  readonly own: QualityTally = { accepted: 0, checked: 0 };

  count(accepted: boolean): void {
    for (const t of [this.own, this.shared.tally]) {
      t.checked++;
      if (accepted) t.accepted++;
    }
  }

  /** the run's texts known here: those of finished batches and of every batch of the run running in this process */
  get tally(): QualityTally {
    return {
      accepted: this.prior.accepted + this.shared.tally.accepted,
      checked: this.prior.checked + this.shared.tally.checked,
    };
  }

  get signal(): AbortSignal {
    return this.shared.cut.signal;
  }

  /** Stop every batch of the run here: no text starts, requests in flight are cut. */
  stop(): void {
    this.shared.cut.abort();
  }

  /** The batch is done: its counts leave the shared tally (the workflow's totals carry them on). */
  leave(): void {
    this.shared.tally.checked -= this.own.checked;
    this.shared.tally.accepted -= this.own.accepted;
    if (--this.shared.batches === 0 && this.key !== null) RUNNING.delete(this.key);
  }
}

/** What the running batches of one run in this process share: their counts, the switch, how many there are. */
interface SharedQuality {
  tally: QualityTally;
  cut: AbortController;
  batches: number;
}
const RUNNING = new Map<string, SharedQuality>();
