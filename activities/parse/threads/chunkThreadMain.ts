import { parentPort } from 'node:worker_threads';
import { parseChunkToFiles } from '../parseChunk';
import { InputError } from '../parseFile';
import type { ChunkJob, ThreadReply } from './chunkThreads';

/** The thread's side: parse each chunk it is sent, reporting progress, then the output or the error. */
parentPort!.on('message', (job: ChunkJob | 'close') => {
  if (job === 'close') return parentPort!.close(); // the thread ends once its loop is empty
  const reply = (r: ThreadReply) => parentPort!.postMessage(r);
  parseChunkToFiles({ ...job, onProgress: (progress) => reply({ progress }) }).then(
    (done) => reply({ done }),
    (e: Error) => reply({ error: { message: e.message, type: e instanceof InputError ? e.type : null } }),
  );
});
