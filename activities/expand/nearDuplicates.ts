/**
 * Near-duplicate detection: MinHash signatures over character 5-gram shingles of the normalised text
 * (works for Chinese, which has no spaces, and English alike) and LSH banding to find candidate pairs,
 * confirmed by the signatures' estimated Jaccard similarity.
 */
export const SIGNATURE_SIZE = 128;
const BANDS = 16; // 16 bands x 8 rows: pairs above ~0.7 Jaccard become candidates
const ROWS = SIGNATURE_SIZE / BANDS;
const SHINGLE = 5;
const PRIME = 4294967311; // > 2^32

// fixed hash family (a*x + b mod p), from a seeded generator: signatures are comparable across runs
const COEFFS = (() => {
  let s = 0x9e3779b9;
  const next = () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x297a2d39) >>> 0;
    return s;
  };
  return Array.from({ length: SIGNATURE_SIZE }, () => [(next() % (PRIME - 1)) + 1, next() % PRIME] as const);
})();

export function normaliseForDedup(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

/** FNV-1a of a string, 32 bits. */
function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** (a * x + b) mod p for 32-bit x without losing precision: split a into 16-bit halves. */
function mulAddMod(a: number, x: number, b: number): number {
  const hi = Math.floor(a / 65536),
    lo = a % 65536;
  const t = (((hi * x) % PRIME) * 65536) % PRIME;
  return (t + lo * x + b) % PRIME;
}

export function minhash(text: string): Uint32Array {
  const t = normaliseForDedup(text);
  const shingles = new Set<number>();
  for (let i = 0; i + SHINGLE <= Math.max(t.length, SHINGLE); i++) shingles.add(fnv(t.slice(i, i + SHINGLE)));
  const sig = new Uint32Array(SIGNATURE_SIZE).fill(0xffffffff);
  for (const x of shingles) {
    for (let k = 0; k < SIGNATURE_SIZE; k++) {
      const v = mulAddMod(COEFFS[k][0], x, COEFFS[k][1]) >>> 0;
      if (v < sig[k]) sig[k] = v;
    }
  }
  return sig;
}

export function similarity(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let k = 0; k < SIGNATURE_SIZE; k++) if (a[k] === b[k]) same++;
  return same / SIGNATURE_SIZE;
}

/** An LSH index of signatures: `near` answers the first indexed item at least `threshold` similar. */
export class NearDuplicateIndex {
  private readonly buckets = new Map<string, string[]>();
  private readonly sigs = new Map<string, Uint32Array>();

  constructor(private readonly threshold: number) {}

  get size(): number {
    return this.sigs.size;
  }
  has(id: string): boolean {
    return this.sigs.has(id);
  }

  near(sig: Uint32Array): { id: string; similarity: number } | null {
    let best: { id: string; similarity: number } | null = null;
    const seen = new Set<string>();
    for (let b = 0; b < BANDS; b++) {
      for (const id of this.buckets.get(bandKey(sig, b)) ?? []) {
        if (seen.has(id)) continue;
        seen.add(id);
        const s = similarity(sig, this.sigs.get(id)!);
        if (s >= this.threshold && (!best || s > best.similarity)) best = { id, similarity: s };
      }
    }
    return best;
  }

  add(id: string, sig: Uint32Array): void {
    if (this.sigs.has(id)) return;
    this.sigs.set(id, sig);
    for (let b = 0; b < BANDS; b++) {
      const key = bandKey(sig, b);
      const list = this.buckets.get(key);
      if (list) list.push(id);
      else this.buckets.set(key, [id]);
    }
  }

  /** The index as lines `{id, sig}` (signature in base64), to keep beside a run's output. */
  entries(): { id: string; sig: string }[] {
    return [...this.sigs.entries()].map(([id, s]) => ({
      id,
      sig: Buffer.from(s.buffer, s.byteOffset, s.byteLength).toString('base64'),
    }));
  }
  static decode(sig: string): Uint32Array {
    const buf = Buffer.from(sig, 'base64');
    if (buf.length !== SIGNATURE_SIZE * 4)
      throw new Error(`a MinHash signature has ${SIGNATURE_SIZE * 4} bytes, not ${buf.length}`);
    return new Uint32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
  }
}

function bandKey(sig: Uint32Array, b: number): string {
  let key = `${b}`;
  for (let r = b * ROWS; r < (b + 1) * ROWS; r++) key += `:${sig[r].toString(36)}`;
  return key;
}
