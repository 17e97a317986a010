import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import type { Plugin } from 'graphql-yoga';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sha256Hex } from '../../src/auth/callers.js';
import { agentIds, startStack, type Stack } from '../helpers.js';
import { executionCounter } from './response-cache-support.js';

/**
 * Hits answered before Yoga (src/response-cache/hit-path.ts) must be Yoga's
 * answers: the same request sent chunked (no Content-Length) is never read
 * ahead by the server, so Yoga answers it, from the same cache entry. Which
 * one answered is seen by a plugin of the test's own at Yoga's onRequest.
 */

interface Answer {
  status: number;
  /** Every response header as sent (name case and order kept), but those of the connection and the date. */
  headers: string[];
  body: string;
}

const CONNECTION_HEADERS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

/** A POST as raw as the tests need it: the body's bytes, any headers, and sent chunked on request. */
function send(url: string, body: string | Buffer, headers: OutgoingHttpHeaders = {}, { chunked = false, method = 'POST' } = {}): Promise<Answer> {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      url,
      { method, headers: { 'content-type': 'application/json', ...(chunked ? {} : { 'content-length': bytes.length }), ...headers } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const raw = response.rawHeaders;
          const kept: string[] = [];
          for (let index = 0; index < raw.length; index += 2) {
            if (!CONNECTION_HEADERS.has(raw[index]!.toLowerCase())) kept.push(`${raw[index]}: ${raw[index + 1]}`);
          }
          resolve({ status: response.statusCode!, headers: kept, body: Buffer.concat(chunks).toString() });
        });
      },
    );
    outgoing.on('error', reject);
    // Two writes, so a chunked request really is sent in chunks.
    outgoing.write(bytes.subarray(0, 10));
    outgoing.end(bytes.subarray(10));
  });
}

/** Requests Yoga handled, counted at its onRequest stage. */
function yogaCounter() {
  const counter = { requests: 0 };
  const plugin: Plugin = {
    onRequest() {
      counter.requests += 1;
    },
  };
  return { counter, plugin };
}

interface HitStack extends Stack {
  yoga: { requests: number };
  executions: { query: number; mutation: number };
}

async function startHitStack(env: Record<string, string> = {}): Promise<HitStack> {
  const yoga = yogaCounter();
  const executions = executionCounter();
  const stack = await startStack({ env: { CACHE: 'true', RESPONSE_CACHE: 'true', ...env }, gateway: { plugins: [yoga.plugin, executions.plugin] } });
  return Object.assign(stack, { yoga: yoga.counter, executions: executions.counts });
}

let stack: HitStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

let requests = 0;
const agentId = agentIds[0]!;
const QUERY = /* GraphQL */ `query Unhandled($agentId: Int!) { agent(agentId: $agentId) { name unhandledMessages(first: 5) { totalCount nodes { content } } } }`;
const BODY = JSON.stringify({ query: QUERY, variables: { agentId }, operationName: 'Unhandled' });

/**
 * Sends `body` with `headers` as read ahead (the hit path's) and chunked
 * (Yoga's), and says which answered. Both carry one request id, which the
 * gateway then answers with: everything else they get back is theirs.
 */
async function bothWays(body: string | Buffer, sent: OutgoingHttpHeaders = {}) {
  const headers = { 'x-request-id': `hit-path-test-${++requests}`, ...sent };
  const before = stack!.yoga.requests;
  const fast = await send(stack!.url, body, headers);
  const answeredBeforeYoga = stack!.yoga.requests === before;
  const yoga = await send(stack!.url, body, headers, { chunked: true });
  expect(fast.headers).toContain(`x-request-id: ${headers['x-request-id']}`);
  expect(stack!.yoga.requests).toBeGreaterThan(before);
  return { fast, yoga, answeredBeforeYoga };
}

describe('response-cache hits answered before Yoga', () => {
  it.each([
    ['no Accept header', {}, 'application/json'],
    ['Accept */*', { accept: '*/*' }, 'application/json'],
    ['Accept application/json', { accept: 'application/json' }, 'application/json'],
    ['Accept application/graphql-response+json', { accept: 'application/graphql-response+json' }, 'application/graphql-response+json'],
    ['both, the GraphQL one first', { accept: 'application/graphql-response+json, application/json' }, 'application/graphql-response+json'],
    ['both, JSON first', { accept: 'application/json, application/graphql-response+json;charset=utf-8' }, 'application/json'],
    ['application/*', { accept: 'application/*' }, 'application/json'],
    ['the debug header', { 'x-cx-debug-upstream': '1' }, 'application/json'],
    ['an Origin, without CORS_ORIGINS', { origin: 'https://dash.example', accept: 'application/json' }, 'application/json'],
    ['a preflight-style header on the POST itself', { origin: 'https://dash.example', 'access-control-request-headers': 'x-custom' }, 'application/json'],
    ['a charset=utf-8 content type', { 'content-type': 'application/json; charset=utf-8' }, 'application/json'],
  ])('with %s: the status, headers and text Yoga sends, without Yoga', async (_name, headers, mediaType) => {
    stack = await startHitStack();
    const miss = await send(stack.url, BODY, headers);
    expect(miss.status).toBe(200);
    await stack.resetStats();
    const { fast, yoga, answeredBeforeYoga } = await bothWays(BODY, headers);
    expect(answeredBeforeYoga).toBe(true);
    expect(fast).toEqual(yoga);
    expect(fast.status).toBe(200);
    expect(fast.headers).toContain(`Content-Type: ${mediaType}; charset=utf-8`);
    expect(JSON.parse(fast.body).data).toEqual(JSON.parse(miss.body).data);
    if ('x-cx-debug-upstream' in headers) expect(JSON.parse(fast.body).extensions.upstream).toMatchObject({ requests: 0, responseCache: 'hit' });
    if ('origin' in headers) expect(fast.headers).toContain('access-control-allow-origin: https://dash.example');
    expect(stack.executions.query).toBe(1);
    expect((await stack.stats()).total).toBe(0);
  });

  it.each([
    ['an allowed origin', 'https://ops.example'],
    ['another origin', 'https://elsewhere.example'],
  ])('with CORS_ORIGINS and %s: the CORS headers Yoga sends', async (_name, origin) => {
    stack = await startHitStack({ CORS_ORIGINS: 'https://dash.example,https://ops.example' });
    await send(stack.url, BODY, { origin });
    const { fast, yoga, answeredBeforeYoga } = await bothWays(BODY, { origin });
    expect(answeredBeforeYoga).toBe(true);
    expect(fast).toEqual(yoga);
    expect(fast.headers.some((header) => header.startsWith('access-control-allow-origin: '))).toBe(true);
  });

  it.each([
    ['Accept text/event-stream (Yoga streams it)', { accept: 'text/event-stream' }],
    ['Accept multipart/mixed', { accept: 'multipart/mixed' }],
    ['Accept text/html (406)', { accept: 'text/html' }],
    ['a charset Yoga does not serve (406)', { accept: 'application/json; charset=latin1' }],
    ['another content-type spelling', { 'content-type': 'application/graphql+json' }],
    ['a compressed body', { 'content-encoding': 'identity' }],
  ])('leaves a request with %s to Yoga, which answers it as it always does', async (_name, headers) => {
    stack = await startHitStack();
    await send(stack.url, BODY);
    const { fast, yoga, answeredBeforeYoga } = await bothWays(BODY, headers);
    expect(answeredBeforeYoga).toBe(false);
    expect(fast).toEqual(yoga);
  });

  it('leaves other parameters, batches and other paths to Yoga', async () => {
    stack = await startHitStack();
    await send(stack.url, BODY);
    const withExtensions = await bothWays(JSON.stringify({ query: QUERY, variables: { agentId }, operationName: 'Unhandled', extensions: { client: 'x' } }));
    expect(withExtensions.answeredBeforeYoga).toBe(false);
    // Yoga's own hit: its key ignores extensions.
    expect(JSON.parse(withExtensions.fast.body)).toEqual(JSON.parse(withExtensions.yoga.body));
    expect(stack.executions.query).toBe(1);

    const unknown = await bothWays(JSON.stringify({ query: QUERY, variables: { agentId }, operationName: 'Unhandled', colour: 'red' }));
    expect(unknown.answeredBeforeYoga).toBe(false);
    expect(unknown.fast.status).toBe(400);
    expect(unknown.fast).toEqual(unknown.yoga);

    const batch = await bothWays(`[${BODY}]`);
    expect(batch.answeredBeforeYoga).toBe(false);
    expect(batch.fast).toEqual(batch.yoga);
    expect(batch.fast.status).toBe(200);

    const before = stack.yoga.requests;
    const elsewhere = await send(stack.url.replace('/graphql', '/graphql?x=1'), BODY);
    expect(elsewhere.status).toBe(200);
    expect((await send(stack.url.replace('/graphql', '/other'), BODY)).status).toBe(404);
    expect(stack.yoga.requests).toBe(before + 2);
  });
});

describe('what a hit answered before Yoga leaves behind', () => {
  const KEY = 'dashboards-key-8e2b7c4d1a';
  const apiKeys = JSON.stringify([{ name: 'dashboards', keySha256: sha256Hex(KEY), scopes: ['read'] }]);

  const hitsCounted = async () => {
    const text = await (await fetch(stack!.url.replace('/graphql', '/metrics'))).text();
    return Number(/^cx_response_cache_requests_total\{[^}]*result="hit"[^}]*\} (\d+)/m.exec(text)?.[1] ?? 0);
  };
  const lineOf = async (requestId: string) => {
    await vi.waitFor(() => expect(stack!.logs.lines().some((line) => line.requestId === requestId)).toBe(true));
    // All but the time it took, which is each request's own.
    const { durationMs: _duration, time: _time, msg, ...line } = stack!.logs.lines().find((each) => each.requestId === requestId)!;
    return { ...line, msg: String(msg).replace(/ [\d.]+ ms$/, '') };
  };

  it('the log line and the response-cache metric of a hit answered in Yoga', async () => {
    stack = await startHitStack({ GATEWAY_API_KEYS: apiKeys });
    const headers = { authorization: `Bearer ${KEY}` };
    expect((await send(stack.url, BODY, headers)).status).toBe(200);
    const before = await hitsCounted();
    const fast = await send(stack.url, BODY, { ...headers, 'x-request-id': 'hit-before-yoga' });
    const yoga = await send(stack.url, BODY, { ...headers, 'x-request-id': 'hit-in-yoga' }, { chunked: true });
    expect(fast).toEqual({ ...yoga, headers: yoga.headers.map((header) => header.replace('hit-in-yoga', 'hit-before-yoga')) });
    expect(await hitsCounted()).toBe(before + 2);
    const fastLine = await lineOf('hit-before-yoga');
    expect(fastLine).toMatchObject({ operationName: 'Unhandled', operationType: 'query', caller: 'dashboards', status: 200, responseCache: 'hit' });
    expect({ ...(await lineOf('hit-in-yoga')), requestId: 'hit-before-yoga' }).toEqual(fastLine);
  });
});

describe('every refusal of a cached query still comes', () => {
  const KEY = 'dashboards-key-3c9e1a7b5d';
  const apiKeys = JSON.stringify([{ name: 'dashboards', keySha256: sha256Hex(KEY), scopes: ['read'] }]);
  const bearer = { authorization: `Bearer ${KEY}` };

  it('a request without a valid key: 401, with nothing of the cached result', async () => {
    stack = await startHitStack({ GATEWAY_API_KEYS: apiKeys });
    expect((await send(stack.url, BODY, bearer)).status).toBe(200);
    for (const headers of [{}, { authorization: 'Bearer not-a-key-of-this-gateway' }, { authorization: KEY }]) {
      const refused = await send(stack.url, BODY, headers);
      expect(refused.status).toBe(401);
      expect(refused.headers).toContain('www-authenticate: Bearer');
      expect(JSON.parse(refused.body)).toEqual({ errors: [expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED' } })] });
    }
    // The key's own hit still comes before Yoga.
    const before = stack.yoga.requests;
    expect((await send(stack.url, BODY, bearer)).status).toBe(200);
    expect(stack.yoga.requests).toBe(before);
  });

  it('a caller over its rate limit: 429 with Retry-After, hits counted like any operation', async () => {
    stack = await startHitStack({ GATEWAY_API_KEYS: apiKeys, RATE_LIMIT_PER_MINUTE: '3' });
    const answers = [];
    for (let index = 0; index < 5; index++) answers.push(await send(stack.url, BODY, bearer));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429, 429]);
    const limited = answers[3]!;
    expect(limited.headers.some((header) => /^retry-after: \d+$/i.test(header))).toBe(true);
    expect(JSON.parse(limited.body).errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(stack.executions.query).toBe(1);
  });

  it('a body over MAX_BODY_BYTES: 413', async () => {
    stack = await startHitStack({ MAX_BODY_BYTES: '2000' });
    await send(stack.url, BODY);
    // The same operation, padded with JSON whitespace past the limit.
    const padded = `${BODY.slice(0, -1)}${' '.repeat(2000)}}`;
    expect((await send(stack.url, padded)).status).toBe(413);
  });

  it('a body that is not UTF-8: 400', async () => {
    stack = await startHitStack();
    await send(stack.url, BODY);
    const bytes = Buffer.concat([Buffer.from(BODY.slice(0, -1)), Buffer.from([0x20, 0xff, 0x20]), Buffer.from('}')]);
    const refused = await send(stack.url, bytes);
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body).errors[0]).toMatchObject({ message: 'The request is not valid UTF-8.', extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('in production, a request a browser sends without a preflight and without the CSRF header: 403', async () => {
    stack = await startHitStack({ NODE_ENV: 'production' });
    expect((await send(stack.url, BODY)).status).toBe(200);
    expect((await send(stack.url, BODY, { 'content-type': 'text/plain' })).status).toBe(403);
  });

  it('with PERSISTED_OPERATIONS=only, a document sent as text, even one whose result is kept: 400', async () => {
    const { default: documents } = (await import('../../packages/sdk/src/generated/persisted-documents.json', { with: { type: 'json' } })) as {
      default: Record<string, string>;
    };
    const [documentId, query] = Object.entries(documents).find(([, text]) => text.startsWith('query Agents('))!;
    stack = await startHitStack({ PERSISTED_OPERATIONS: 'only' });
    const byId = await send(stack.url, JSON.stringify({ documentId, variables: { first: 2 } }));
    expect(byId.status).toBe(200);
    expect((await send(stack.url, JSON.stringify({ documentId, variables: { first: 2 } }))).body).toBe(byId.body);
    expect(stack.executions.query).toBe(1);
    const asText = await send(stack.url, JSON.stringify({ query, variables: { first: 2 } }));
    expect(asText.status).toBe(400);
    expect(JSON.parse(asText.body).errors[0].extensions.code).toBe('PERSISTED_QUERY_ONLY');
  });

  it('a mutation over GET is refused, a cached query over GET answered', async () => {
    stack = await startHitStack();
    await send(stack.url, BODY);
    const url = new URL(stack.url);
    url.searchParams.set('query', QUERY);
    url.searchParams.set('variables', JSON.stringify({ agentId }));
    const get = await fetch(url);
    expect(get.status).toBe(200);
    url.searchParams.set('query', 'mutation { postAgentMessage(input: { agentId: 1, conversationUuid: "x", text: "y" }) { success } }');
    expect((await fetch(url)).status).toBe(405);
  });
});
