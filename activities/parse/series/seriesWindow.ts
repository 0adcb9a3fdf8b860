export interface WindowStats {
  n: number;
  min: number;
  max: number;
  mean: number;
  std: number;
  slope_per_s: number;
  duration_s: number;
}

export interface Point {
  line: number;
  t: number;
  value: number;
}

/** A window of a series: running min, max, mean, spread and least-squares slope; and the median. */
export class Window {
  n = 0;
  min = Infinity;
  max = -Infinity;
  sum = 0;
  sumsq = 0;
  st = 0;
  stt = 0;
  sx = 0;
  stx = 0; // least-squares slope over seconds since the window start
  firstLine = 0;
  lastLine = 0;
  start = 0;
  end = 0;
  t0 = 0;
  constructor(readonly state: 'steady' | 'transition') {}
  add(line: number, ms: number, value: number): void {
    const t = ms / 1000;
    if (this.n === 0) {
      this.firstLine = line;
      this.start = ms;
      this.t0 = t;
    }
    const dt = t - this.t0;
    this.n++;
    this.min = Math.min(this.min, value);
    this.max = Math.max(this.max, value);
    this.sum += value;
    this.sumsq += value * value;
    this.st += dt;
    this.stt += dt * dt;
    this.sx += value;
    this.stx += dt * value;
    this.lastLine = line;
    this.end = ms;
  }
  addPoint(p: Point): void {
    this.add(p.line, p.t, p.value);
  }
  stats(): WindowStats {
    const mean = this.sum / this.n;
    const variance = Math.max(0, this.sumsq / this.n - mean * mean);
    const denom = this.n * this.stt - this.st * this.st;
    const r = (x: number) => Number(x.toPrecision(6));
    return {
      n: this.n,
      min: this.min,
      max: this.max,
      mean: r(mean),
      std: r(Math.sqrt(variance)),
      slope_per_s: denom > 0 ? r((this.n * this.stx - this.st * this.sx) / denom) : 0,
      duration_s: r(this.end / 1000 - this.t0),
    };
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
