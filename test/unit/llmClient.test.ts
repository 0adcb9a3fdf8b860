import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdaptiveLimiter } from '../../activities/expand/adaptiveLimiter';
import { expandJobs } from '../../activities/expand/expandFacts';
import { planJobs, type ExpansionJob } from '../../activities/expand/jobs';
import { FileLlmCache } from '../../activities/expand/llmCache';
import {
  EndpointRefused,
  InvalidCompletion,
  LlmExpander,
  parseAnswer,
  type LlmSettings,
} from '../../activities/expand/llmExpander';
import { renderOffline } from '../../activities/expand/offlineExpander';
import { LlmJudge } from '../../activities/expand/llmJudge';
import { LiveQuality } from '../../activities/expand/qualityStop';
import { deriveFacts } from '../../activities/kinds/deriveFacts';
import { DEFAULT_PII_OPTIONS, type PiiOptions } from '../../activities/parse/pii';
import { FilterSettings, type FilterSettings as FilterSettingsType } from '../../activities/expand/filters';
import { buildPrompt, STYLE_INSTRUCTIONS } from '../../activities/expand/prompts';
import { GRAPH, samples } from '../fixtures/graph';
import { startOpenAiTestServer, type OpenAiTestServer, type Responder } from '../fixtures/openaiServer';

jest.setTimeout(30_000);

const facts = deriveFacts(samples(100, new Set([10, 11, 12, 13])), GRAPH).facts;
const MIX = {
  styles: ['textbook', 'qa'] as const,
  audiences: ['operator'] as const,
  languages: ['en'] as const,
  variants: 2,
  pairs: 0,
  triples: 0,
  bundleVariants: 1,
};
const jobs = planJobs(facts, {
  ...MIX,
  styles: [...MIX.styles],
  audiences: [...MIX.audiences],
  languages: [...MIX.languages],
});
/** A faithful answer: the offline text of the job, as the JSON object asked for. */
const faithful = (req: { messages: { content: string }[] }) =>
  jobs.find(
    (j) =>
      req.messages[1].content.includes(JSON.stringify(j.facts[0].evidence)) &&
      req.messages[1].content.includes(STYLE_INSTRUCTIONS[j.style][j.lang]),
  )!;

let server: OpenAiTestServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});
async function expander(
  respond: Responder,
  settings: Partial<LlmSettings> = {},
  cacheDir: string | null = null,
  latencyMs = 0,
  pii: PiiOptions | null = null,
) {
  server = await startOpenAiTestServer(respond, { latencyMs });
  return new LlmExpander(
    {
      baseURL: server.baseURL,
      apiKey: 'k',
      model: 'm',
      temperature: 0.7,
      maxTokens: 500,
      timeoutMs: 2000,
      maxAttempts: 4,
      concurrency: { initial: 4, min: 1, max: 16 },
      responseFormat: 'json_schema',
      ...settings,
    },
    cacheDir ? new FileLlmCache(cacheDir) : null,
    pii,
  );
}
function allFilesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}
const job: ExpansionJob = jobs[0];
const good = (req: Parameters<Responder>[0]) => ({ text: renderOffline(faithful(req)) });

test(
  'parseAnswer takes the JSON object - fenced, or with words around it - and, asked only by the prompt, ' +
    'plain text',
  () => {
    expect(parseAnswer('{"text": "hello"}')).toBe('hello');
    expect(parseAnswer('```json\n{"text": "hello"}\n```')).toBe('hello');
    expect(parseAnswer('Sure! Here it is:\n```json\n{"text": "hello"}\n```\nAnything else?')).toBe('hello');
    expect(parseAnswer('The answer: {"text": "hello"} - done.')).toBe('hello');
    expect(parseAnswer('hello')).toBeNull();
    expect(parseAnswer('hello', true)).toBe('hello');
    expect(parseAnswer('{"text": ""}')).toBeNull();
    expect(parseAnswer('{"body": "x"}')).toBeNull();
    expect(parseAnswer('{"body": "x"}', true)).toBeNull();
  },
);

test(
  'llama.cpp\'s answer to json_schema (HTTP 500, a validation error) means "unsupported": json_object next, ' +
    'never retried, remembered',
  async () => {
    const validation = JSON.stringify({
      error: {
        message:
          "1 validation error: {'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), 'msg': " +
          "\"Input should be 'text' or 'json_object'\"}",
      },
    });
    const x = await expander((req) =>
      req.response_format?.type === 'json_schema' ? { status: 500, body: validation } : good(req),
    );
    expect((await x.expand(job)).text).toBe(renderOffline(job));
    expect(server!.requests.map((r) => r.response_format?.type)).toEqual(['json_schema', 'json_object']);
    await x.expand(jobs[1]);
    expect(server!.requests.map((r) => r.response_format?.type)).toEqual(['json_schema', 'json_object', 'json_object']);
    expect(x.generator).toMatchObject({ kind: 'llm', response_format: 'json_object', system_role: true });
  },
);

test(
  '422 and 400 step down to plain text with the JSON asked for in the prompt; plain text is then taken as ' +
    'the text',
  async () => {
    const x = await expander((req) =>
      req.response_format
        ? { status: req.response_format.type === 'json_schema' ? 422 : 400 }
        : { content: renderOffline(faithful(req)) },
    );
    expect((await x.expand(job)).text).toBe(renderOffline(job));
    expect(server!.requests.map((r) => r.response_format?.type ?? 'none')).toEqual([
      'json_schema',
      'json_object',
      'none',
    ]);
    expect(x.generator.response_format).toBe('none');
  },
);

test('a chat template without a system role: the system text leads the user message, from then on', async () => {
  const x = await expander((req) =>
    req.messages.some((m) => m.role === 'system')
      ? { status: 400, body: JSON.stringify({ error: { message: 'System role not supported by this chat template' } }) }
      : { text: renderOffline(job) },
  );
  expect((await x.expand(job)).text).toBe(renderOffline(job));
  const last = server!.requests.at(-1)!;
  expect(last.messages.map((m) => m.role)).toEqual(['user']);
  expect(last.messages[0].content).toMatch(/^You write training text[\s\S]*<facts>/);
  expect(x.generator.system_role).toBe(false);
});

test('a 500 and a timeout are retried; the JSON schema response format is asked for', async () => {
  const x = await expander((req, n) => (n === 1 ? { status: 500 } : n === 2 ? { hang: true } : good(req)), {
    timeoutMs: 300,
  });
  const out = await x.expand(job);
  expect(out.text).toBe(renderOffline(job));
  expect(server!.requests).toHaveLength(3);
  expect(server!.requests[0].response_format?.type).toBe('json_schema');
  expect(out.usage.prompt_tokens).toBeGreaterThan(0);
  expect(out.cached).toBe(false);
});

test('429 with Retry-After pauses every request that long and halves the concurrency limit', async () => {
  const x = await expander((req, n) => (n === 1 ? { status: 429, headers: { 'retry-after': '1' } } : good(req)));
  const t0 = Date.now();
  await x.expand(job);
  expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
  expect(x.limiter.decreases).toBe(1);
  expect(x.limiter.limit).toBe(2);
});

test(
  'an answer that is not the JSON asked for gets one repair request; a second bad one is an invalid ' + 'completion',
  async () => {
    let x = await expander((req, n) => (n === 1 ? { content: 'Sure! Here is the text.' } : good(req)));
    expect((await x.expand(job)).text).toBe(renderOffline(job));
    expect(server!.requests[1].messages.at(-1)!.content).toMatch(/not the JSON object asked for/);
    await server!.close();
    x = await expander(() => ({ content: '{"text": ' }));
    await expect(x.expand(job)).rejects.toBeInstanceOf(InvalidCompletion);
    expect(server!.requests).toHaveLength(2);
  },
);

test('a malformed response body is retried like a failed request', async () => {
  const x = await expander((req, n) => (n === 1 ? { raw: '{"id": "x", "choices": [' } : good(req)));
  expect((await x.expand(job)).text).toBe(renderOffline(job));
  expect(server!.requests.length).toBeGreaterThanOrEqual(2);
});

test('an endpoint without JSON schema support is asked for a JSON object, then by prompt alone', async () => {
  const x = await expander((req) =>
    req.response_format
      ? {
          status: 400,
          body: JSON.stringify({ error: { message: `response_format ${req.response_format.type} is not supported` } }),
        }
      : good(req),
  );
  expect((await x.expand(job)).text).toBe(renderOffline(job));
  expect(server!.requests.map((r) => r.response_format?.type ?? 'none')).toEqual([
    'json_schema',
    'json_object',
    'none',
  ]);
});

test('a refused request (bad key) is not retried and says so', async () => {
  const x = await expander(() => ({ status: 401, body: JSON.stringify({ error: { message: 'invalid api key' } }) }));
  await expect(x.expand(job)).rejects.toThrow(EndpointRefused);
  await expect(x.expand(job)).rejects.toThrow(/refused the request \(HTTP 401\)/);
  expect(server!.requests).toHaveLength(2);
});

test('a rerun with the same cache sends zero requests; unfaithful answers are rejected with the reason', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'forge-llm-cache-'));
  const respond: Responder = (req) =>
    req.messages[1].content.includes('question-and-answer')
      ? { text: 'Q: What happened?\nA: The melt reached 987 degrees on the machine, far above the window.' }
      : good(req);
  const first = await expandJobs(jobs, await expander(respond, {}, dir), { concurrency: 8, pii: DEFAULT_PII_OPTIONS });
  const sent = server!.requests.length;
  expect(sent).toBe(jobs.length);
  expect(first.rejected.map((r) => r.reason)).toEqual(
    jobs.filter((j) => j.style === 'qa').map(() => 'unfaithful_number'),
  );
  expect(first.usage.prompt_tokens).toBeGreaterThan(0);
  await server!.close();
  const again = await expandJobs(jobs, await expander(respond, {}, dir), { concurrency: 8, pii: DEFAULT_PII_OPTIONS });
  expect(server!.requests).toHaveLength(0);
  expect(again.cached).toBe(jobs.length);
  expect(again.usage).toEqual({ prompt_tokens: 0, completion_tokens: 0 });
  expect(again.docs.map((d) => d.id)).toEqual(first.docs.map((d) => d.id));
});

test('a token budget stops generation cleanly: what is done is kept, the rest is counted as skipped', async () => {
  const x = await expander(good);
  const out = await expandJobs(jobs, x, {
    concurrency: 1,
    pii: DEFAULT_PII_OPTIONS,
    budget: { maxTokens: 1, maxCostUsd: null, prices: { prompt: 1, completion: 2 } },
  });
  expect(out.generated).toBe(1);
  expect(out.docs).toHaveLength(1);
  expect(out.skipped).toBe(jobs.length - 1);
  expect(out.stopped).toBe('budget');
  expect(server!.requests).toHaveLength(1);
});

test(
  'adaptive limiter: slow start doubles per window, overload halves once per window, never below the ' + 'minimum',
  () => {
    const l = new AdaptiveLimiter({ initial: 2, min: 1, max: 64 });
    const round = (outcome: 'ok' | 'overload') => {
      const n = l.limit;
      for (let i = 0; i < n; i++) void l.acquire();
      for (let i = 0; i < n; i++) l.release(outcome);
    };
    round('ok');
    expect(l.limit).toBe(4);
    round('ok');
    expect(l.limit).toBe(8);
    round('overload');
    expect(l.limit).toBe(4); // eight failures of one overload: one cut
    round('ok');
    expect(l.limit).toBe(4); // additive now: +1 per window
    for (let k = 0; k < 10; k++) round('overload');
    expect(l.limit).toBe(1);
  },
);

test(
  'the optional LLM judge: a text under its floor is rejected as judge with both scores; an unreadable ' +
    'verdict passes it on',
  async () => {
    const verdicts = [
      '{"faithfulness": 2, "usefulness": 5}',
      'Scores: {"faithfulness": 5, "usefulness": 4}',
      'no idea',
    ];
    server = await startOpenAiTestServer((_req, n) => ({ content: verdicts[n - 1] }));
    const judge = new LlmJudge({ baseURL: server.baseURL, model: 'judge', floor: 3, timeoutMs: 2000 }, null);
    const text = renderOffline(job);
    expect(await judge.judge(text, job.facts, 'en', job.style)).toEqual({
      reason: 'judge',
      detail: 'faithfulness 2, usefulness 5 (floor 3)',
    });
    expect(await judge.judge(text, job.facts, 'en', job.style)).toBeNull();
    expect(await judge.judge(text, job.facts, 'en', job.style)).toBeNull();
    expect(server.requests[0].messages[1].content).toContain('<facts>');
    // through expandJobs: the judge's rejection is one rejected line like any other
    await server.close();
    server = await startOpenAiTestServer(() => ({ content: '{"faithfulness": 1, "usefulness": 1}' }));
    const strict = new LlmJudge({ baseURL: server.baseURL, model: 'judge', floor: 3, timeoutMs: 2000 }, null);
    const out = await expandJobs(
      jobs,
      {
        generator: { kind: 'offline' },
        expand: async (j) => ({
          text: renderOffline(j),
          usage: { prompt_tokens: 0, completion_tokens: 0 },
          cached: false,
        }),
      },
      { concurrency: 2, pii: DEFAULT_PII_OPTIONS, judge: strict },
    );
    expect({ docs: out.docs.length, generated: out.generated, reasons: out.rejected.map((r) => r.reason) }).toEqual({
      docs: 0,
      generated: jobs.length,
      reasons: jobs.map(() => 'judge'),
    });
  },
);

test('one rejection path: a rejected text is one line with its job, reason, detail and the text, masked', async () => {
  const leaky = `${renderOffline(job)}\nCall operator Zhang Wei or mail zhang.wei@example.com.`;
  const out = await expandJobs(
    [job],
    {
      generator: { kind: 'offline' },
      expand: async () => ({ text: leaky, usage: { prompt_tokens: 0, completion_tokens: 0 }, cached: false }),
    },
    { concurrency: 1, pii: DEFAULT_PII_OPTIONS },
  );
  expect(out.rejected).toEqual([
    {
      fact_ids: job.facts.map((f) => f.id),
      input: job.input,
      style: job.style,
      audience: job.audience,
      lang: job.lang,
      reason: 'pii',
      detail: expect.any(String),
      text: expect.stringContaining('operator [NAME] or mail [EMAIL]'),
    },
  ]);
  expect(JSON.stringify(out.rejected)).not.toMatch(/Zhang Wei|zhang\.wei@/);
});

describe('stopping early for quality', () => {
  /** SmolLM2-135M's answers through llama.cpp's server, as quoted in issue 13: valid JSON, no training text */
  const garbage: Responder = () => ({
    text:
      "What a great question! It's not possible to have a JSON object with a single list item where you can " +
      'only put the text.',
  });
  const stop = (prior = { accepted: 0, checked: 0 }) => ({ floor: 0.3, after: 20, live: new LiveQuality(null, prior) });
  const many = Array.from({ length: 60 }, (_, i) => jobs[i % jobs.length]);

  test(
    'a garbage generator is stopped once its share is surely under the floor; texts in flight are cut, the ' +
      'rest skipped',
    async () => {
      const out = await expandJobs(many, await expander(garbage, {}, null, 30), {
        concurrency: 8,
        pii: DEFAULT_PII_OPTIONS,
        qualityStop: stop(),
      });
      expect(out.stopped).toBe('quality');
      expect(out.accepted).toBe(0);
      expect(out.generated).toBeGreaterThanOrEqual(20);
      expect(out.generated).toBeLessThan(20 + 8);
      expect(out.rejected).toHaveLength(out.generated);
      expect(out.generated + out.skipped).toBe(many.length);
      expect(server!.requests.length).toBeLessThan(many.length);
    },
  );

  test('two batches of one run in one process count together and stop together', async () => {
    const x = await expander(garbage, {}, null, 30);
    const [a, b] = [
      new LiveQuality('run-1/expand', { accepted: 0, checked: 0 }),
      new LiveQuality('run-1/expand', { accepted: 0, checked: 0 }),
    ];
    const outs = await Promise.all(
      [a, b].map((live) =>
        expandJobs(many, x, {
          concurrency: 4,
          pii: DEFAULT_PII_OPTIONS,
          qualityStop: { floor: 0.3, after: 20, live },
        }).finally(() => live.leave()),
      ),
    );
    const generated = outs[0].generated + outs[1].generated;
    expect(outs.map((o) => o.stopped)).toEqual(['quality', 'quality']);
    expect(generated).toBeGreaterThanOrEqual(20);
    expect(generated).toBeLessThan(20 + 8); // not 20 each
    // both left: a fresh start
    expect(new LiveQuality('run-1/expand', { accepted: 0, checked: 0 }).tally).toEqual({ accepted: 0, checked: 0 });
  });

  test(
    'a cancelled call (its activity timed out or cancelled) cuts its requests and throws instead of ' +
      'returning part of a batch',
    async () => {
      const cancel = new AbortController();
      setTimeout(() => cancel.abort(new Error('activity cancelled')), 100);
      const started = Date.now();
      await expect(
        expandJobs(many, await expander(good, {}, null, 400), {
          concurrency: 8,
          pii: DEFAULT_PII_OPTIONS,
          signal: cancel.signal,
          qualityStop: stop(),
        }),
      ).rejects.toThrow('activity cancelled');
      expect(Date.now() - started).toBeLessThan(400); // the requests in flight were cut, not waited for
    },
  );

  test('a good generator is never stopped; a run already surely under the floor starts nothing', async () => {
    const fine = await expandJobs(many, await expander(good), {
      concurrency: 8,
      pii: DEFAULT_PII_OPTIONS,
      qualityStop: stop({ accepted: 1, checked: 10 }),
    });
    expect(fine.stopped).toBeNull();
    expect(fine.accepted).toBe(many.length);
    await server!.close();
    const none = await expandJobs(jobs, await expander(good), {
      concurrency: 8,
      pii: DEFAULT_PII_OPTIONS,
      qualityStop: stop({ accepted: 2, checked: 60 }),
    });
    expect(none).toMatchObject({ stopped: 'quality', generated: 0, skipped: jobs.length });
    expect(server!.requests).toHaveLength(0);
  });
});

describe('what a server will not answer, cuts or leaks', () => {
  test('a prompt never answered is rejected as no_answer with its status; every other text is written', async () => {
    const never = jobs[1];
    const x = await expander(
      (req) => (req.messages[1].content === buildPrompt(never).user ? { status: 503 } : good(req)),
      { maxAttempts: 2 },
    );
    const out = await expandJobs(jobs, x, { concurrency: 4, pii: DEFAULT_PII_OPTIONS });
    expect(out.unanswered).toBe(1);
    expect(out.rejected).toEqual([
      expect.objectContaining({
        fact_ids: never.facts.map((f) => f.id),
        reason: 'no_answer',
        detail: expect.stringMatching(/did not answer after 2 tries: HTTP 503/),
      }),
    ]);
    expect(out.docs).toHaveLength(jobs.length - 1);
    expect(out.generated).toBe(jobs.length);
  });

  test(
    'a cut answer (finish_reason length) is asked again once with twice the token limit; cut again, it is ' +
      'truncated and its tokens counted',
    async () => {
      const x = await expander((req) =>
        req.max_tokens === 500 ? { content: '{"text": "The melt temper', finish_reason: 'length' } : good(req),
      );
      const repaired = await x.expand(job);
      expect(server!.requests.map((r) => r.max_tokens)).toEqual([500, 1000]);
      expect(repaired.text).toBe(renderOffline(faithful(server!.requests[1])));
      await server!.close();
      const y = await expander(() => ({ content: '{"text": "The melt temper', finish_reason: 'length' }));
      const out = await expandJobs([job], y, { concurrency: 1, pii: DEFAULT_PII_OPTIONS });
      expect(out.rejected).toEqual([
        expect.objectContaining({
          reason: 'truncated',
          detail: expect.stringMatching(/cut at the token limit \(1000/),
        }),
      ]);
      expect(out.usage.completion_tokens).toBeGreaterThan(0); // the cut answers were paid for
    },
  );

  test(
    'personal data in an answer: counted as pii whatever else it fails, masked in the text, every detail and ' +
      'the cache; a cached rerun still rejects it',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'forge-llm-cache-'));
      const respond: Responder = (req) => ({
        text: `${good(req).text}\nQuestions: call 13812345678 or mail zhang.wei@example.com.`,
      });
      const first = await expandJobs(jobs, await expander(respond, {}, dir, 0, DEFAULT_PII_OPTIONS), {
        concurrency: 4,
        pii: DEFAULT_PII_OPTIONS,
      });
      await server!.close();
      const again = await expandJobs(jobs, await expander(respond, {}, dir, 0, DEFAULT_PII_OPTIONS), {
        concurrency: 4,
        pii: DEFAULT_PII_OPTIONS,
      });
      expect(again.cached).toBe(jobs.length);
      for (const out of [first, again]) {
        expect(out.docs).toHaveLength(0);
        expect(new Set(out.rejected.map((r) => r.reason))).toEqual(new Set(['pii']));
        expect(JSON.stringify(out.rejected)).not.toMatch(/13812345678|zhang\.wei@/);
      }
      const cached = allFilesUnder(dir).map((f) => readFileSync(f, 'utf8'));
      expect(cached).toHaveLength(jobs.length);
      for (const c of cached) expect(c).not.toMatch(/13812345678|zhang\.wei@/);
    },
  );

  test('the details of a rejection are masked too: a phone number quoted as an invented number', async () => {
    const out = await expandJobs(
      [job],
      {
        generator: { kind: 'offline' },
        expand: async (j) => ({
          text: `${renderOffline(j)}\nHotline 13812345678.`,
          usage: { prompt_tokens: 0, completion_tokens: 0 },
          cached: false,
        }),
      },
      { concurrency: 1, pii: DEFAULT_PII_OPTIONS },
    );
    expect(out.rejected[0].reason).toBe('pii');
    expect(out.rejected[0].reasons?.map((r) => r.reason)).toContain('unfaithful_number');
    expect(JSON.stringify(out.rejected)).not.toContain('13812345678');
  });
});

test('filters are steps with options: switched off or tuned per run, counting passes and rejections', async () => {
  const offline = {
    generator: { kind: 'offline' as const },
    expand: async (j: ExpansionJob) => ({
      text: renderOffline(j),
      usage: { prompt_tokens: 0, completion_tokens: 0 },
      cached: false,
    }),
  };
  const strict = FilterSettings.parse({ length: { minChars: { en: 100_000 } } }) as FilterSettingsType;
  const tuned = await expandJobs(jobs, offline, { concurrency: 2, pii: DEFAULT_PII_OPTIONS, filters: strict });
  expect(tuned.docs).toHaveLength(0);
  expect(tuned.filters.length).toMatchObject({ passed: 0, rejected: jobs.length });
  expect(tuned.filters.faithful).toMatchObject({ passed: jobs.length, rejected: 0 });
  const off = FilterSettings.parse({ length: { enabled: false, minChars: { en: 100_000 } } }) as FilterSettingsType;
  const out = await expandJobs(jobs, offline, { concurrency: 2, pii: DEFAULT_PII_OPTIONS, filters: off });
  expect(out.docs).toHaveLength(jobs.length);
  expect(out.filters.length).toBeUndefined();
  expect(out.docs[0].quality.checks).not.toContain('length');
  expect(() => FilterSettings.parse({ lenght: {} })).toThrow();
});
