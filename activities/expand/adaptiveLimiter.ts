/**
 * Concurrency that adapts to the endpoint, as TCP does: slow start (the limit doubles per window of
 * successes until the first overload), then additive increase (one more slot per window), multiplicative decrease
 * (half) on overload (429, 5xx, timeouts), at most once per window so
 * a burst of failures from one overload halves the limit once; and a pause for everyone when the endpoint
 * says `Retry-After`.
 */
export class AdaptiveLimiter {
  private limitValue: number;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  private pausedUntil = 0;
  /** releases up to this count belong to requests started before the last cut */
  private shieldUntil = -1;
  private released = 0;
  /** the largest limit reached, and how many times the limit was cut */
  peak: number;
  decreases = 0;

  constructor(private readonly opts: { initial: number; min: number; max: number; now?: () => number }) {
    this.limitValue = Math.max(opts.min, Math.min(opts.max, opts.initial));
    this.peak = this.limitValue;
  }

  get limit(): number {
    return Math.floor(this.limitValue);
  }

  private now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }

  /** Wait for a slot (and for any pause to pass). */
  async acquire(): Promise<void> {
    for (;;) {
      const wait = this.pausedUntil - this.now();
      if (wait > 0) {
        await new Promise((r) => setTimeout(r, wait));
        continue;
      }
      if (this.inFlight < this.limit) {
        this.inFlight++;
        return;
      }
      await new Promise<void>((r) => this.waiting.push(r));
    }
  }

  /** Give the slot back, saying how the request went. */
  release(outcome: 'ok' | 'overload' | 'other'): void {
    this.inFlight--;
    this.released++;
    if (outcome === 'ok') {
      // slow start until the first overload (one more slot per success: doubling per window), then additive
      this.limitValue = Math.min(
        this.opts.max,
        this.limitValue + (this.decreases ? 1 / Math.max(1, this.limitValue) : 1),
      );
      this.peak = Math.max(this.peak, this.limitValue);
    } else if (outcome === 'overload') {
      // one cut per overload: requests already in flight when the limit was cut do not cut it again
      if (this.released > this.shieldUntil) {
        this.limitValue = Math.max(this.opts.min, this.limitValue / 2);
        this.shieldUntil = this.released + this.inFlight;
        this.decreases++;
      }
    }
    this.wake();
  }

  /** Nobody starts a request before `ms` from now (the endpoint's Retry-After). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }

  private wake(): void {
    // every waiter checks again; those that find no slot wait for the next release
    for (const w of this.waiting.splice(0)) w();
  }
}
