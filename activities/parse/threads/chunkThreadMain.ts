import { parentPort } from 'node:worker_threads';
import { NonRetryableError } from '../../common/failures';
import { prepareChunk, runChunk } from '../preparedChunk';
import type { ThreadJob, ThreadReply } from './chunkThreads';

/** The thread's side: run each job it is sent (a chunk's pass, reporting progress; or a chunk's first half). */
parentPort!.on('message', (job: ThreadJob | 'close') => {
  if (job === 'close') return parentPort!.close(); // the thread ends once its loop is empty
  const reply = (r: ThreadReply) => parentPort!.postMessage(r);
  const work =
    'prepare' in job
      ? prepareChunk(job.prepare)
      : runChunk({ ...job.parse, onProgress: (progress) => reply({ progress }) });
  work.then(
    (done) => reply({ done }),
    (e: Error) => reply({ error: { message: e.message, type: e instanceof NonRetryableError ? e.type : null } }),
  );
});
