import { setTimeout as pause } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sandboxCredentials } from '../../src/sandbox/credentials.js';
import type { Fault } from '../../src/sandbox/faults.js';
import { agentIds, errorAt, startStack, type GraphQLResponse, type Stack } from '../helpers.js';

/** Short limits, so every failure is answered in well under a second or two. */
const DEADLINE_MS = 2000;
const FAST = {
  OPERATION_DEADLINE_MS: String(DEADLINE_MS),
  UPSTREAM_TIMEOUT_MS: '700',
  UPSTREAM_RETRY_ATTEMPTS: '3',
  UPSTREAM_RETRY_BASE_MS: '50',
  UPSTREAM_RETRY_MAX_MS: '200',
  // Kept shut here; the breaker has its own tests below.
  BREAKER_MIN_REQUESTS: '100000',
};
/** Room for a busy 2-core machine on top of the deadline. */
const SLACK_MS = 1500;
const CONTACTS_ROUTE = 'GET /api/public/analytics/contacts/by-status';

const WIDE = /* GraphQL */ `
  query Wide($agentId: Int!) {
    agents { totalCount }
    agent(agentId: $agentId) { agentId name }
    contacts(status: UNATTENDED, first: 2) { totalCount }
  }
`;
interface WideData {
  agents: { totalCount: number };
  agent: { agentId: number; name: string | null } | null;
  contacts: { totalCount: number } | null;
}

const contactsCalls = async (stack: Stack) => (await stack.stats()).byRoute[CONTACTS_ROUTE] ?? 0;

async function timed<T>(run: () => Promise<GraphQLResponse<T>>) {
  const started = Date.now();
  const response = await run();
  return { response, elapsed: Date.now() - started };
}

/** The failing field has its code; everything else in the operation resolved. */
function expectOnlyContactsFailed(response: GraphQLResponse<WideData>, code: string) {
  expect(response.status).toBe(200);
  expect(response.errors).toHaveLength(1);
  expect(errorAt(response, ['contacts'])?.extensions).toMatchObject({ code, upstream: 'vambe' });
  expect(response.data).toMatchObject({ agents: { totalCount: agentIds.length }, agent: { agentId: agentIds[0] }, contacts: null });
  expect(response.data!.agent!.name).toEqual(expect.any(String));
  expect(JSON.stringify(response)).not.toContain(sandboxCredentials.vambeApiKey);
}

describe('every fault kind costs only the fields that depend on it, within the deadline', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: FAST });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.resetStats());
  afterEach(() => stack.setFaults([]));

  it.each<[string, Omit<Fault, 'route'>, string, number, number | undefined]>([
    // name, fault, code, attempts the sandbox sees, upstream status in extensions
    ['401', { kind: 'status', status: 401 }, 'UNAUTHENTICATED', 1, 401],
    ['403', { kind: 'status', status: 403 }, 'FORBIDDEN', 1, 403],
    ['404', { kind: 'status', status: 404 }, 'NOT_FOUND', 1, 404],
    ['422', { kind: 'status', status: 422 }, 'BAD_USER_INPUT', 1, 422],
    ['429 with a Retry-After beyond the deadline', { kind: 'status', status: 429, retryAfter: 30 }, 'RATE_LIMITED', 1, 429],
    ['500', { kind: 'status', status: 500 }, 'UPSTREAM_ERROR', 1, 500],
    ['502', { kind: 'status', status: 502 }, 'UPSTREAM_ERROR', 3, 502],
    ['503', { kind: 'status', status: 503 }, 'UPSTREAM_ERROR', 3, 503],
    ['504', { kind: 'status', status: 504 }, 'UPSTREAM_ERROR', 3, 504],
    ['an answer slower than the timeout', { kind: 'latency', ms: 5000 }, 'UPSTREAM_TIMEOUT', 1, undefined],
    ['no answer at all', { kind: 'hang' }, 'UPSTREAM_TIMEOUT', 1, undefined],
    ['a connection reset', { kind: 'reset' }, 'UPSTREAM_ERROR', 3, undefined],
    ['a truncated body', { kind: 'truncated' }, 'UPSTREAM_ERROR', 3, undefined],
    ['malformed JSON', { kind: 'malformed' }, 'UPSTREAM_ERROR', 1, 200],
    ['a wrong shape', { kind: 'wrong-shape' }, 'UPSTREAM_ERROR', 1, 200],
    ['a body slower than the timeout', { kind: 'slow-body', ms: 5000 }, 'UPSTREAM_TIMEOUT', 1, undefined],
  ])('%s: %s', async (_name, fault, code, attempts, upstreamStatus) => {
    await stack.setFaults([{ route: CONTACTS_ROUTE, ...fault }]);
    const { response, elapsed } = await timed(() => stack.execute<WideData>(WIDE, { agentId: agentIds[0] }));
    expectOnlyContactsFailed(response, code);
    expect(errorAt(response, ['contacts'])?.extensions?.upstreamStatus).toBe(upstreamStatus);
    expect(elapsed).toBeLessThan(DEADLINE_MS + SLACK_MS);
    expect(await contactsCalls(stack)).toBe(attempts);
  });

  it('passes the upstream\'s own message on an input error, and retryAfter on a 429', async () => {
    await stack.setFaults([{ route: CONTACTS_ROUTE, kind: 'status', status: 422 }]);
    const invalid = await stack.execute<WideData>(WIDE, { agentId: agentIds[0] });
    expect(errorAt(invalid, ['contacts'])?.message).toBe('Vambe: Injected fault: 422');
    await stack.setFaults([{ route: CONTACTS_ROUTE, kind: 'status', status: 429, retryAfter: 30 }]);
    const limited = await stack.execute<WideData>(WIDE, { agentId: agentIds[0] });
    expect(errorAt(limited, ['contacts'])?.extensions?.retryAfter).toBe(30);
  });

  it('names the field where a wrong shape broke, inside a tolerant union', async () => {
    await stack.setFaults([{ route: CONTACTS_ROUTE, kind: 'wrong-shape' }]);
    const response = await stack.execute<WideData>(WIDE, { agentId: agentIds[0] });
    // Vambe answers {data,total} or a bare array (CONTRACTS.md); the object branch got further.
    expect(errorAt(response, ['contacts'])?.message).toMatch(/^Vambe answered with an unexpected shape \(data: .*expected array/);
  });

  it('locates a failure deep in the operation on its own field', async () => {
    await stack.setFaults([{ route: 'GET /v1/messages.json', kind: 'reset' }]);
    const response = await stack.execute<{ agent: Record<string, unknown> }>(
      `query($agentId: Int!) { agent(agentId: $agentId) { name messages(first: 2) { totalCount } smsRecords(first: 2) { totalCount } } }`,
      { agentId: agentIds[0] },
    );
    expect(response.errors).toHaveLength(1);
    expect(errorAt(response, ['agent', 'messages'])?.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', upstream: 'avaamo' });
    expect(response.data!.agent).toMatchObject({ name: expect.any(String), messages: null, smsRecords: { totalCount: expect.any(Number) } });
    expect((await stack.stats()).byRoute['GET /v1/messages.json']).toBe(3);
  });

  it('a latency below the timeout costs nothing', async () => {
    await stack.setFaults([{ route: CONTACTS_ROUTE, kind: 'latency', ms: 100 }]);
    const { errors, data } = await stack.execute<WideData>(WIDE, { agentId: agentIds[0] });
    expect(errors).toBeUndefined();
    expect(data!.contacts!.totalCount).toBeGreaterThan(0);
  });
});

describe('retries of idempotent GETs', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: FAST });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.resetStats());
  afterEach(() => stack.setFaults([]));

  const attemptTimes = async () =>
    (await stack.requests()).filter((request) => `${request.method} ${request.route}` === CONTACTS_ROUTE).map((request) => request.at);

  it('recovers from two 503s on the third attempt, each wait within the backoff cap', async () => {
    await stack.setFaults([{ route: CONTACTS_ROUTE, kind: 'status', status: 503, times: 2 }]);
    const { errors, data } = await stack.execute<WideData>(WIDE, { agentId: agentIds[0] });
    expect(errors).toBeUndefined();
    expect(data!.contacts!.totalCount).toBeGreaterThan(0);
    const times = await attemptTimes();
    expect(times).toHaveLength(3);
    // Full jitter: each wait is anywhere from 0 to the cap (200 ms), plus the busy machine.
    for (let i = 1; i < times.length; i += 1) expect(times[i]! - times[i - 1]!).toBeLessThan(200 + SLACK_MS);
  });

  it.each([429, 503])('waits the Retry-After of a %i before trying again', async (status) => {
    await stack.setFaults([{ route: CONTACTS_ROUTE, kind: 'status', status, retryAfter: 1, times: 1 }]);
    const { errors } = await stack.execute<WideData>(WIDE, { agentId: agentIds[0] });
    expect(errors).toBeUndefined();
    const [first, second] = await attemptTimes();
    expect(second! - first!).toBeGreaterThanOrEqual(950);
  });

  it('rides out an upstream failing every other request', async () => {
    await stack.setFaults([{ route: CONTACTS_ROUTE, kind: 'status', status: 502, fraction: 0.5 }]);
    for (let i = 0; i < 4; i += 1) {
      const { errors } = await stack.execute<WideData>(WIDE, { agentId: agentIds[0] });
      expect(errors).toBeUndefined();
    }
    // ok | 502, ok | 502, ok | 502, ok: three of the four needed a retry.
    expect(await contactsCalls(stack)).toBe(7);
  });
});

describe('the operation deadline', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('ends a call no per-upstream timeout would end yet', async () => {
    stack = await startStack({ env: { ...FAST, UPSTREAM_TIMEOUT_MS: '30000', OPERATION_DEADLINE_MS: '800' } });
    await stack.setFaults([{ route: CONTACTS_ROUTE, kind: 'hang' }]);
    const { response, elapsed } = await timed(() => stack!.execute<WideData>(WIDE, { agentId: agentIds[0] }));
    expectOnlyContactsFailed(response, 'UPSTREAM_TIMEOUT');
    expect(errorAt(response, ['contacts'])?.message).toContain('deadline (800 ms)');
    expect(elapsed).toBeGreaterThanOrEqual(750);
    expect(elapsed).toBeLessThan(800 + SLACK_MS);
  });

  it('stops retrying when the next wait would end after it', async () => {
    stack = await startStack({ env: { ...FAST, OPERATION_DEADLINE_MS: '800' } });
    await stack.setFaults([{ route: CONTACTS_ROUTE, kind: 'status', status: 503, retryAfter: 2 }]);
    const { response, elapsed } = await timed(() => stack!.execute<WideData>(WIDE, { agentId: agentIds[0] }));
    expectOnlyContactsFailed(response, 'UPSTREAM_ERROR');
    expect(errorAt(response, ['contacts'])?.extensions?.retryAfter).toBe(2);
    expect(elapsed).toBeLessThan(800 + SLACK_MS);
    expect(await contactsCalls(stack)).toBe(1);
  });
});

describe('postAgentMessage is never repeated', () => {
  const POST_ROUTE = 'POST /bots_api/v1/messages.json';
  const POST = /* GraphQL */ `
    mutation Post($input: PostAgentMessageInput!) { postAgentMessage(input: $input) { success } }
  `;
  let stack: Stack;
  let conversationUuid: string;
  const agentId = agentIds[1]!;
  beforeAll(async () => {
    stack = await startStack({ env: FAST });
    const { data } = await stack.execute<{ agent: { messages: { nodes: { conversation: { uuid: string } }[] } } }>(
      `query($agentId: Int!) { agent(agentId: $agentId) { messages(first: 1) { nodes { conversation { uuid } } } } }`,
      { agentId },
    );
    conversationUuid = data!.agent.messages.nodes[0]!.conversation.uuid;
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.resetStats());
  afterEach(() => stack.setFaults([]));

  const post = () => timed(() => stack.execute(POST, { input: { agentId, conversationUuid, text: `hello ${Date.now()}` } }));

  it.each<[string, Omit<Fault, 'route'>, string, boolean]>([
    ['a 503', { kind: 'status', status: 503 }, 'UPSTREAM_ERROR', false],
    ['a 429', { kind: 'status', status: 429, retryAfter: 1 }, 'RATE_LIMITED', false],
    ['no answer (the message may have been posted)', { kind: 'hang' }, 'UPSTREAM_TIMEOUT', true],
    ['a reset after sending (the message may have been posted)', { kind: 'reset' }, 'UPSTREAM_ERROR', true],
  ])('after %s: one attempt, a coded error', async (_name, fault, code, unknownOutcome) => {
    await stack.setFaults([{ route: POST_ROUTE, ...fault }]);
    const { response, elapsed } = await post();
    const error = errorAt(response, ['postAgentMessage']);
    expect(error?.extensions).toMatchObject({ code, upstream: 'avaamo' });
    expect(error?.extensions?.outcome).toBe(unknownOutcome ? 'unknown' : undefined);
    expect(response.data).toEqual({ postAgentMessage: null });
    expect((await stack.stats()).byRoute[POST_ROUTE]).toBe(1);
    expect(elapsed).toBeLessThan(DEADLINE_MS + SLACK_MS);
  });
});

describe('the circuit breaker', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      env: {
        ...FAST,
        UPSTREAM_RETRY_ATTEMPTS: '1',
        BREAKER_FAILURE_RATIO: '0.5',
        BREAKER_WINDOW_MS: '20000',
        BREAKER_MIN_REQUESTS: '3',
        BREAKER_OPEN_MS: '1000',
      },
    });
  });
  afterAll(() => stack.close());

  const wide = () => stack.execute<WideData>(WIDE, { agentId: agentIds[0] });

  it('opens on failures, fails fast while open, probes half-open, and closes again', async () => {
    await stack.setFaults([{ route: CONTACTS_ROUTE, kind: 'status', status: 500 }]);
    for (let i = 0; i < 3; i += 1) expectOnlyContactsFailed(await wide(), 'UPSTREAM_ERROR');
    expect(await contactsCalls(stack)).toBe(3);

    // Open: Vambe is not asked, the caller learns when to come back, Avaamo is unaffected.
    const open = await wide();
    expectOnlyContactsFailed(open, 'UPSTREAM_UNAVAILABLE');
    expect(errorAt(open, ['contacts'])?.extensions?.retryAfter).toBe(1);
    expect(await contactsCalls(stack)).toBe(3);

    // Half-open: one probe goes through; it fails, so the breaker opens again.
    await pause(1100);
    expectOnlyContactsFailed(await wide(), 'UPSTREAM_ERROR');
    expect(await contactsCalls(stack)).toBe(4);
    expectOnlyContactsFailed(await wide(), 'UPSTREAM_UNAVAILABLE');
    expect(await contactsCalls(stack)).toBe(4);

    // The upstream heals: the next probe succeeds and the breaker closes.
    await stack.setFaults([]);
    await pause(1100);
    for (let i = 0; i < 2; i += 1) {
      const { errors, data } = await wide();
      expect(errors).toBeUndefined();
      expect(data!.contacts!.totalCount).toBeGreaterThan(0);
    }
    expect(await contactsCalls(stack)).toBe(6);
  });

  it('is per upstream and ignores answers that say nothing about health', async () => {
    await stack.setFaults([{ route: 'GET /api/v1/agents/{id}.json', kind: 'status', status: 404 }]);
    for (let i = 0; i < 4; i += 1) {
      const response = await wide();
      expect(errorAt(response, ['agent', 'name'])?.extensions?.code).toBe('NOT_FOUND');
      expect(response.data!.contacts!.totalCount).toBeGreaterThan(0);
    }
  });
});
