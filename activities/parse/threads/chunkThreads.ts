import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ChunkOutput, ChunkProgress, parseChunkToFiles } from '../parseChunk';
import type { PrepareJob, PreparedChunk } from '../preparedChunk';
import { NonRetryableError } from '../../common/failures';

/**
 * A thread's heap: with V8's defaults two threads beside the main one took forge parse to ~465 MB on
 * 400,000 OpenStack lines; with these limits ~355 MB (bench/parseVsDrain3.ts). A young generation of 48 MB, not
 * 16: prepared chunks ran ~25 % slower in 16 (more of their strings outlived a scavenge); 96 was no faster.
 */
const THREAD_HEAP = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 48 };

/** What a thread is sent: everything `parseChunkToFiles` takes but the progress callback (plain data). */
export type ChunkJob = Omit<Parameters<typeof parseChunkToFiles>[0], 'onProgress'>;
/** A chunk to parse (its prepared half finished, or its raw lines parsed: runChunk), or to prepare. */
export type ThreadJob = { parse: ChunkJob } | { prepare: PrepareJob };
export type ThreadReply =
  | { progress: ChunkProgress }
  | { done: ChunkOutput | PreparedChunk }
  | { error: { message: string; type: NonRetryableError['type'] | null } };

/**
 * Chunks parsed on worker threads, at most `size` at once (default: the machine's cores), so that one
 * `forge parse`, or one worker process running several parseChunk activities, uses every core: the
 * parse is CPU-bound and one Node thread runs one chunk at a time. Threads start when first needed and
 * are kept for the next chunk; `close()` ends them. A thread that dies fails its chunk, and is replaced.
 */
export class ChunkThreads {
  private readonly idle: Worker[] = [];
  private readonly all = new Set<Worker>();
  private readonly waiting: ((w: Worker) => void)[] = [];

  constructor(readonly size = availableParallelism()) {}

  parse(job: ChunkJob, onProgress?: (p: ChunkProgress) => void): Promise<ChunkOutput> {
    return this.run({ parse: job }, onProgress) as Promise<ChunkOutput>;
  }

  /** The first half of a text chunk, during its source's scan (preparedChunk.ts). */
  prepare = (job: PrepareJob): Promise<PreparedChunk> => this.run({ prepare: job }) as Promise<PreparedChunk>;

  private async run(job: ThreadJob, onProgress?: (p: ChunkProgress) => void): Promise<ChunkOutput | PreparedChunk> {
    const worker = await this.acquire();
    let healthy = true;
    try {
      return await new Promise<ChunkOutput | PreparedChunk>((resolve, reject) => {
        const onMessage = (r: ThreadReply) => {
          if ('progress' in r) return onProgress?.(r.progress);
          cleanup();
          if ('done' in r) resolve(r.done);
          else reject(r.error.type ? new NonRetryableError(r.error.type, r.error.message) : new Error(r.error.message));
        };
        const onError = (e: Error) => {
          healthy = false;
          cleanup();
          reject(e);
        };
        const onExit = (code: number) => onError(new Error(`the parsing thread exited (code ${code})`));
        const cleanup = () => {
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
        };
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.on('exit', onExit);
        worker.postMessage(job);
      });
    } finally {
      if (healthy) this.release(worker);
      else {
        this.all.delete(worker);
        void worker.terminate();
        this.waiting.shift()?.(this.spawn());
      }
    }
  }

  /** End the threads (they hold no state between chunks). */
  async close(): Promise<void> {
    const all = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    // asked to end, not terminated: a thread torn down while native code (SWC's transpiler) is loaded may crash
    await Promise.all(
      all.map(
        (w) =>
          new Promise<void>((resolve) => {
            w.once('exit', () => resolve());
            w.ref(); // an idle thread is unreferenced: waiting for it must keep the process alive
            w.postMessage('close');
          }),
      ),
    );
  }

  private acquire(): Promise<Worker> {
    const w = this.idle.pop();
    if (w) {
      w.ref();
      return Promise.resolve(w);
    }
    if (this.all.size < this.size) return Promise.resolve(this.spawn());
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(w: Worker): void {
    const next = this.waiting.shift();
    if (next)
      next(w); // still referenced: it goes on working
    else {
      this.idle.push(w);
      w.unref(); // an idle thread keeps no process alive
    }
  }

  private spawn(): Worker {
    const w = new Worker(join(__dirname, 'chunkThread.js'), { resourceLimits: THREAD_HEAP });
    this.all.add(w);
    return w;
  }
}
