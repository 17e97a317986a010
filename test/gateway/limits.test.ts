import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/auth/callers.js';
import { agentIds, startStack, type Stack } from '../helpers.js';
import { postGraphQL } from '../raw-request.js';

const agentId = agentIds[0]!;
const codes = (errors: Array<{ extensions?: Record<string, unknown> }> | undefined) => errors?.map((error) => error.extensions?.code);

describe('query limits', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      env: { MAX_DEPTH: '7', MAX_ALIASES: '5', MAX_TOKENS: '400', MAX_DIRECTIVES: '5', MAX_COST: '1000', MAX_BODY_BYTES: '20000', MAX_BATCH: '3' },
    });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.resetStats());

  const refused = async (body: unknown, code = 'QUERY_TOO_COMPLEX') => {
    const response = await postGraphQL(stack.url, body);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(codes(response.errors)).toContain(code);
    expect((await stack.stats()).total).toBe(0);
    return response;
  };

  it('refuses a query deeper than MAX_DEPTH', async () => {
    const response = await refused({
      query: `{ agent(agentId: ${agentId}) { messages(first: 1) { edges { node { sender { device { osName } } readReceipts { user { device { osName } } } } } } } }`,
    });
    expect(response.errors?.[0]?.message).toMatch(/depth limit of 7/);
  });

  it('refuses more aliases than MAX_ALIASES', async () => {
    const aliases = Array.from({ length: 6 }, (_, index) => `a${index}: agent(agentId: ${agentId}) { id }`).join(' ');
    const response = await refused({ query: `{ ${aliases} }` });
    expect(response.errors?.[0]?.message).toMatch(/Aliases limit of 5/i);
  });

  it('refuses a document longer than MAX_TOKENS', async () => {
    await refused({ query: `{ agents { nodes { ${'id '.repeat(450)} } } }` });
  });

  it('refuses more directives than MAX_DIRECTIVES', async () => {
    await refused({ query: `{ agent(agentId: ${agentId}) { id ${'@include(if: true) '.repeat(6)} } }` });
  });

  it('costs lists by their first/last and refuses an operation over MAX_COST before fetching anything', async () => {
    const query = /* GraphQL */ `query ($first: Int) { agent(agentId: ${agentId}) { messages(first: $first) { nodes { uuid content readReceipts { readAt } } } } }`;
    const cheap = await postGraphQL(stack.url, { query, variables: { first: 10 } });
    expect(cheap.errors).toBeUndefined();
    await stack.resetStats();
    const costly = await refused({ query, variables: { first: 100 } });
    expect(costly.errors?.[0]?.extensions).toMatchObject({ maxCost: 1000, cost: expect.any(Number) });
    expect(costly.errors?.[0]?.extensions?.cost as number).toBeGreaterThan(1000);
    // Each document's costs are remembered per set of variables: asked again, each answer is the same.
    expect((await refused({ query, variables: { first: 100 } })).errors?.[0]?.extensions?.cost).toBe(costly.errors?.[0]?.extensions?.cost);
    expect((await postGraphQL(stack.url, { query, variables: { first: 10 } })).errors).toBeUndefined();
  });

  it('costs an Avaamo range by the windows it may read: a year of messages costs more than a week', async () => {
    const day = 86_400_000;
    const query = /* GraphQL */ `query ($since: DateTime!) { agent(agentId: ${agentId}) {
      a: messages(since: $since, first: 10) { totalCount } b: messages(since: $since, first: 10) { totalCount } } }`;
    const week = await postGraphQL(stack.url, { query, variables: { since: new Date(Date.now() - 6 * day).toISOString() } });
    expect(week.errors).toBeUndefined();
    await stack.resetStats();
    // 53 or 54 windows each, read one request each for totalCount: over 1,000 at 10 a request.
    const year = await refused({ query, variables: { since: new Date(Date.now() - 365 * day).toISOString() } });
    expect(year.errors?.[0]?.extensions?.cost as number).toBeGreaterThan(1000);
  });

  it('refuses a body over MAX_BODY_BYTES with 413', async () => {
    const response = await postGraphQL(stack.url, { query: `{ agents { totalCount } }`, variables: { pad: 'x'.repeat(30_000) } });
    expect(response.status).toBe(413);
    expect(codes(response.errors)).toEqual(['REQUEST_ENTITY_TOO_LARGE']);
  });

  it('caps batches at MAX_BATCH operations', async () => {
    const one = { query: '{ agents { totalCount } }' };
    const allowed = await postGraphQL<unknown>(stack.url, [one, one, one]);
    expect(allowed.status).toBe(200);
    expect(JSON.parse(allowed.text)).toHaveLength(3);
    const response = await postGraphQL(stack.url, [one, one, one, one]);
    expect(response.status).toBe(413);
    expect(response.errors?.[0]?.message).toMatch(/Batching is limited to 3 operations/);
  });
});

describe('batching off (MAX_BATCH=0)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { MAX_BATCH: '0' } });
  });
  afterAll(() => stack.close());

  it('refuses any batch', async () => {
    const response = await postGraphQL(stack.url, [{ query: '{ agents { totalCount } }' }]);
    expect(response.status).toBe(400);
    expect(response.errors?.length).toBeGreaterThan(0);
  });
});

describe('rate limit per caller (RATE_LIMIT_PER_MINUTE)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { RATE_LIMIT_PER_MINUTE: '5' } });
  });
  afterAll(() => stack.close());

  it('answers RATE_LIMITED with Retry-After once a caller has used its operations for the minute', async () => {
    for (let i = 0; i < 5; i++) {
      const response = await postGraphQL(stack.url, { query: '{ agents { totalCount } }' });
      expect(response.errors).toBeUndefined();
    }
    await stack.resetStats();
    const limited = await postGraphQL(stack.url, { query: `{ agent(agentId: ${agentId}) { name } }` });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) }) }),
    ]);
    expect((await stack.stats()).total).toBe(0);
  });
});

describe('rate limit with API keys', () => {
  let stack: Stack;
  const keys = ['first-caller-key-0a1b2c', 'second-caller-key-3d4e5f'];
  const own = { backend: 'backend-key-with-its-own-rate-6a7b', unlimited: 'batch-key-without-a-limit-8c9d' };
  beforeAll(async () => {
    stack = await startStack({
      env: {
        RATE_LIMIT_PER_MINUTE: '2',
        GATEWAY_API_KEYS: JSON.stringify([
          ...keys.map((key, index) => ({ name: `caller-${index}`, keySha256: sha256Hex(key), scopes: ['read'] })),
          { name: 'backend', keySha256: sha256Hex(own.backend), scopes: ['read'], ratePerMinute: 4 },
          { name: 'batch', keySha256: sha256Hex(own.unlimited), scopes: ['read'], ratePerMinute: 0 },
        ]),
      },
    });
  });

  it('holds a key to its own ratePerMinute, and a key with 0 to none', async () => {
    const one = { query: '{ agents { totalCount } }' };
    const answers = async (key: string, count: number) => {
      const seen: unknown[] = [];
      for (let i = 0; i < count; i++) seen.push(codes((await postGraphQL(stack.url, one, { authorization: `Bearer ${key}` })).errors)?.[0] ?? 'ok');
      return seen;
    };
    expect(await answers(own.backend, 5)).toEqual(['ok', 'ok', 'ok', 'ok', 'RATE_LIMITED']);
    expect(await answers(own.unlimited, 12)).toEqual(Array.from({ length: 12 }, () => 'ok'));
  });
  afterAll(() => stack.close());

  it('gives each key its own budget, and counts every operation of a batch', async () => {
    const one = { query: '{ agents { totalCount } }' };
    const [first, second] = keys.map((key) => ({ authorization: `Bearer ${key}` }));
    const batch = await postGraphQL<unknown>(stack.url, [one, one, one], first);
    const answers = JSON.parse(batch.text) as Array<{ errors?: Array<{ extensions: { code: string } }> }>;
    expect(answers.map((answer) => answer.errors?.[0]?.extensions.code ?? 'ok')).toEqual(['ok', 'ok', 'RATE_LIMITED']);
    expect((await postGraphQL(stack.url, one, second)).errors).toBeUndefined();
    expect(codes((await postGraphQL(stack.url, one, first)).errors)).toEqual(['RATE_LIMITED']);
  });
});

describe('rate limit with trusted documents only', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { RATE_LIMIT_PER_MINUTE: '2', PERSISTED_OPERATIONS: 'only' } });
  });
  afterAll(() => stack.close());

  it('counts operations the allow-list refuses, so probing it costs the caller its minute too', async () => {
    const adHoc = { query: '{ agents { totalCount } }' };
    expect(codes((await postGraphQL(stack.url, adHoc)).errors)).toEqual(['PERSISTED_QUERY_ONLY']);
    expect(codes((await postGraphQL(stack.url, adHoc)).errors)).toEqual(['PERSISTED_QUERY_ONLY']);
    const third = await postGraphQL(stack.url, adHoc);
    expect(third.status).toBe(429);
    expect(codes(third.errors)).toEqual(['RATE_LIMITED']);
  });
});

describe('the cost of reports (default MAX_COST)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.resetStats());
  const reports = (from: string | null) => /* GraphQL */ `{ agents(first: 10) { nodes {
    smsDeliveryStats${from ? `(from: "${from}")` : ''} { total }
    unhandledQueryClusters(${from ? `from: "${from}", ` : ''}first: 5) { nodes { count } } } } }`;

  it('refuses ten agents\' year-long reports before any upstream request: each may read every page of 54 windows', async () => {
    const response = await postGraphQL(stack.url, { query: reports(new Date(Date.now() - 365 * 86_400_000).toISOString()) });
    expect(codes(response.errors)).toEqual(['QUERY_TOO_COMPLEX']);
    expect((await stack.stats()).total).toBe(0);
  });

  it('answers one agent\'s year-long reports, and ten agents\' 30-day delivery stats', async () => {
    const year = new Date(Date.now() - 365 * 86_400_000).toISOString();
    const one = await postGraphQL(stack.url, {
      query: `{ agent(agentId: ${agentId}) { smsDeliveryStats(from: "${year}") { total } unhandledQueryClusters(from: "${year}", first: 5) { nodes { count } } } }`,
    });
    expect(one.errors, JSON.stringify(one.errors)).toBeUndefined();
    const ten = await postGraphQL(stack.url, { query: `{ agents(first: 10) { nodes { smsDeliveryStats { total } } } }` });
    expect(ten.errors, JSON.stringify(ten.errors)).toBeUndefined();
  });
});
