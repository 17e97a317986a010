import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Fault } from '../../src/sandbox/faults.js';
import { skippingClock, type TestClock } from '../clock.js';
import { agentIds, errorAt, startStack, upstreamTotals, type Stack } from '../helpers.js';
import { CONTACTS_ROUTE, expectOnlyContactsFailed, WIDE, type WideData } from './wide-operation.js';

/** Short limits, so every failure is answered in well under a second or two. */
const FAST = {
  OPERATION_DEADLINE_MS: '2000',
  UPSTREAM_TIMEOUT_MS: '700',
  UPSTREAM_RETRY_ATTEMPTS: '3',
  UPSTREAM_RETRY_BASE_MS: '50',
  UPSTREAM_RETRY_MAX_MS: '200',
  // Kept shut here; the breaker has its own tests below.
  BREAKER_MIN_REQUESTS: '100000',
};
const contactsCalls = async (stack: Stack) => (await stack.stats()).byRoute[CONTACTS_ROUTE] ?? 0;
/** Unattended contacts as the sandbox counts them: what `contacts(status: UNATTENDED)` must answer. */
const unattended = (stack: Stack) => upstreamTotals.contacts(stack, 'unattended');

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
    const response = await stack.execute<WideData>(WIDE, { agentId: agentIds[0] });
    expectOnlyContactsFailed(stack, response, code);
    expect(errorAt(response, ['contacts'])?.extensions?.upstreamStatus).toBe(upstreamStatus);
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
    const smsTotal = await upstreamTotals.smsRecords(stack, agentIds[0]!);
    await stack.resetStats();
    await stack.setFaults([{ route: 'GET /v1/messages.json', kind: 'reset' }]);
    const response = await stack.execute<{ agent: Record<string, unknown> }>(
      `query($agentId: Int!) { agent(agentId: $agentId) { name messages(first: 2) { totalCount } smsRecords(first: 2) { totalCount } } }`,
      { agentId: agentIds[0] },
    );
    expect(response.errors).toHaveLength(1);
    expect(errorAt(response, ['agent', 'messages'])?.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', upstream: 'avaamo' });
    expect(response.data!.agent).toMatchObject({ name: expect.any(String), messages: null, smsRecords: { totalCount: smsTotal } });
    expect((await stack.stats()).byRoute['GET /v1/messages.json']).toBe(3);
  });

  it('a latency below the timeout costs nothing', async () => {
    const total = await unattended(stack);
    await stack.setFaults([{ route: CONTACTS_ROUTE, kind: 'latency', ms: 100 }]);
    const { errors, data } = await stack.execute<WideData>(WIDE, { agentId: agentIds[0] });
    expect(errors).toBeUndefined();
    expect(data!.contacts!.totalCount).toBe(total);
  });
});

describe('retries of idempotent GETs', () => {
  let stack: Stack;
  let clock: TestClock;
  let total: number;
  beforeAll(async () => {
    clock = skippingClock();
    // A deadline longer than the Retry-After below, so the gateway waits it out rather than giving up.
    stack = await startStack({ env: { ...FAST, OPERATION_DEADLINE_MS: '120000' }, gateway: { clock } });
    total = await unattended(stack);
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.resetStats());
  afterEach(() => stack.setFaults([]));

  const attemptTimes = async () =>
    (await stack.requests()).filter((request) => `${request.method} ${request.route}` === CONTACTS_ROUTE).map((request) => request.at);

  it('recovers from two 503s on the third attempt', async () => {
    await stack.setFaults([{ route: CONTACTS_ROUTE, kind: 'status', status: 503, times: 2 }]);
    const { errors, data } = await stack.execute<WideData>(WIDE, { agentId: agentIds[0] });
    expect(errors).toBeUndefined();
    expect(data!.contacts!.totalCount).toBe(total);
    // How long each back-off may be is test/unit/retry.test.ts's business, on a clock it moves.
    expect((await stack.requests()).filter((request) => `${request.method} ${request.route}` === CONTACTS_ROUTE).map((request) => request.status)).toEqual([
      503, 503, 200,
    ]);
  });

  it.each([429, 503])('waits the Retry-After of a %i before trying again', async (status) => {
    // Far longer than any back-off: the second attempt can only come once the clock is moved.
    await stack.setFaults([{ route: CONTACTS_ROUTE, kind: 'status', status, retryAfter: 60, times: 1 }]);
    const pending = stack.execute<WideData>(WIDE, { agentId: agentIds[0] });
    await expect.poll(() => contactsCalls(stack)).toBe(1);
    // The gateway waits on its clock for the upstream's 60 s (the deadline is further still).
    await expect.poll(() => clock.pending().some((ms) => ms > 59_000 && ms <= 60_000)).toBe(true);
    expect(await contactsCalls(stack)).toBe(1);
    await clock.advance(60_000);
    const { errors, data } = await pending;
    expect(errors).toBeUndefined();
    expect(data!.contacts!.totalCount).toBe(total);
    expect(await attemptTimes()).toHaveLength(2);
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

  it('ends a call no per-upstream timeout would end yet, when its time is up on the clock', async () => {
    const clock = skippingClock();
    stack = await startStack({ env: { ...FAST, UPSTREAM_TIMEOUT_MS: '60000', OPERATION_DEADLINE_MS: '20000' }, gateway: { clock } });
    await stack.setFaults([{ route: CONTACTS_ROUTE, kind: 'hang' }]);
    const pending = stack.execute<Pick<WideData, 'contacts'>>(`{ contacts(status: UNATTENDED, first: 2) { totalCount } }`);
    await expect.poll(() => contactsCalls(stack!)).toBe(1);
    await clock.advance(20_000);
    const response = await pending;
    // The deadline ended it, not the attempt's own 60 s timer.
    expect(errorAt(response, ['contacts'])?.extensions).toMatchObject({ code: 'UPSTREAM_TIMEOUT', upstream: 'vambe' });
    expect(errorAt(response, ['contacts'])?.message).toBe("Vambe did not answer within the operation's deadline (20000 ms)");
    expect(response.data).toEqual({ contacts: null });
    expect(await contactsCalls(stack)).toBe(1);
  });

  it('stops retrying when the next wait would end after it', async () => {
    stack = await startStack({ env: { ...FAST, OPERATION_DEADLINE_MS: '800' } });
    await stack.setFaults([{ route: CONTACTS_ROUTE, kind: 'status', status: 503, retryAfter: 2 }]);
    const response = await stack.execute<WideData>(WIDE, { agentId: agentIds[0] });
    expectOnlyContactsFailed(stack, response, 'UPSTREAM_ERROR');
    expect(errorAt(response, ['contacts'])?.extensions?.retryAfter).toBe(2);
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

  const post = () => stack.execute(POST, { input: { agentId, conversationUuid, text: `hello ${Date.now()}` } });

  it.each<[string, Omit<Fault, 'route'>, string, boolean]>([
    ['a 503', { kind: 'status', status: 503 }, 'UPSTREAM_ERROR', false],
    ['a 429', { kind: 'status', status: 429, retryAfter: 1 }, 'RATE_LIMITED', false],
    ['no answer (the message may have been posted)', { kind: 'hang' }, 'UPSTREAM_TIMEOUT', true],
    ['a reset after sending (the message may have been posted)', { kind: 'reset' }, 'UPSTREAM_ERROR', true],
  ])('after %s: one attempt, a coded error', async (_name, fault, code, unknownOutcome) => {
    await stack.setFaults([{ route: POST_ROUTE, ...fault }]);
    const response = await post();
    const error = errorAt(response, ['postAgentMessage']);
    expect(error?.extensions).toMatchObject({ code, upstream: 'avaamo' });
    expect(error?.extensions?.outcome).toBe(unknownOutcome ? 'unknown' : undefined);
    expect(response.data).toEqual({ postAgentMessage: null });
    expect((await stack.stats()).byRoute[POST_ROUTE]).toBe(1);
  });
});

describe('the circuit breaker', () => {
  let stack: Stack;
  let clock: TestClock;
  let total: number;
  beforeAll(async () => {
    clock = skippingClock();
    stack = await startStack({
      // The breaker's open period as deployed (15 s): the test moves the clock past it.
      env: { ...FAST, UPSTREAM_RETRY_ATTEMPTS: '1', BREAKER_FAILURE_RATIO: '0.5', BREAKER_WINDOW_MS: '30000', BREAKER_MIN_REQUESTS: '3' },
      gateway: { clock },
    });
    total = await unattended(stack);
    await stack.resetStats();
  });
  afterAll(() => stack.close());

  const wide = () => stack.execute<WideData>(WIDE, { agentId: agentIds[0] });

  it('opens on failures, fails fast while open, probes half-open, and closes again', async () => {
    await stack.setFaults([{ route: CONTACTS_ROUTE, kind: 'status', status: 500 }]);
    for (let i = 0; i < 3; i += 1) expectOnlyContactsFailed(stack, await wide(), 'UPSTREAM_ERROR');
    expect(await contactsCalls(stack)).toBe(3);

    // Open: Vambe is not asked, the caller learns when to come back, Avaamo is unaffected.
    const open = await wide();
    expectOnlyContactsFailed(stack, open, 'UPSTREAM_UNAVAILABLE');
    expect(errorAt(open, ['contacts'])?.extensions?.retryAfter).toBe(15);
    expect(await contactsCalls(stack)).toBe(3);
    // Still open a little before its time: the wait it announces shrinks.
    await clock.advance(10_000);
    const later = await wide();
    expectOnlyContactsFailed(stack, later, 'UPSTREAM_UNAVAILABLE');
    expect(errorAt(later, ['contacts'])?.extensions?.retryAfter).toBe(5);
    expect(await contactsCalls(stack)).toBe(3);

    // Half-open: one probe goes through; it fails, so the breaker opens again.
    await clock.advance(5_000);
    expectOnlyContactsFailed(stack, await wide(), 'UPSTREAM_ERROR');
    expect(await contactsCalls(stack)).toBe(4);
    expectOnlyContactsFailed(stack, await wide(), 'UPSTREAM_UNAVAILABLE');
    expect(await contactsCalls(stack)).toBe(4);

    // The upstream heals: the next probe succeeds and the breaker closes.
    await stack.setFaults([]);
    await clock.advance(15_000);
    for (let i = 0; i < 2; i += 1) {
      const { errors, data } = await wide();
      expect(errors).toBeUndefined();
      expect(data!.contacts!.totalCount).toBe(total);
    }
    expect(await contactsCalls(stack)).toBe(6);
  });

  it('is per upstream and ignores answers that say nothing about health', async () => {
    await stack.setFaults([{ route: 'GET /api/v1/agents/{id}.json', kind: 'status', status: 404 }]);
    for (let i = 0; i < 4; i += 1) {
      const response = await wide();
      expect(errorAt(response, ['agent', 'name'])?.extensions?.code).toBe('NOT_FOUND');
      expect(response.data!.contacts!.totalCount).toBe(total);
    }
  });
});
