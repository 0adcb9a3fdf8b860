/**
 * The OpenAI-compatible test server in a process of its own (as an endpoint is), answering each benchmark
 * prompt with the offline text of its job after `--latency` ms. Sends `{baseURL}` to its parent over IPC.
 */
import { renderOffline } from '../../activities/expand/offlineExpander';
import { buildPrompt } from '../../activities/expand/prompts';
import { startOpenAiTestServer } from '../../test/fixtures/openaiServer';
import { BENCH_JOBS } from './benchJobs';

const latency = Number(process.argv[process.argv.indexOf('--latency') + 1]);
// --echo: answer any prompt (not only the benchmark's jobs) with a short faithful paragraph naming no figure
const echo = process.argv.includes('--echo');
const ECHO =
  'The plant records behind this fact show how the process behaves on the line, and the knowledge graph links ' +
  'it to what the team checks and does about it.';
const answers = new Map(BENCH_JOBS.map((j) => [buildPrompt(j).user, renderOffline(j)]));
void startOpenAiTestServer(
  (req) => ({ text: answers.get(req.messages[1].content) ?? (echo ? ECHO : 'unknown prompt') }),
  { latencyMs: latency },
).then((server) => {
  process.send!({ baseURL: server.baseURL });
  process.on('disconnect', () => void server.close().then(() => process.exit(0)));
});
