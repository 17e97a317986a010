import { afterEach, describe, expect, it } from 'vitest';
import { manualClock, skippingClock } from '../clock.js';
import { errorAt, startStack, upstreamTotals, type Stack } from '../helpers.js';

const CONTACTS_ROUTE = 'GET /api/public/analytics/contacts/by-status';
const contacts = (status: string) => `{ contacts(status: ${status}, first: 1) { totalCount } }`;

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** Sends an operation the test may abandon, as a caller closing its connection does. */
function leavable(url: string, query: string) {
  const leave = new AbortController();
  const answer = fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
    signal: leave.signal,
  }).catch((error: unknown) => error);
  return { leave: () => leave.abort(), answer };
}

describe('the queue for an upstream connection slot', () => {
  it("lets a caller who left while queued go at once, with its budget token, so the caller behind is served", async () => {
    // A clock that never moves: no deadline frees anything here, only callers leaving.
    const clock = manualClock();
    stack = await startStack({
      gateway: { clock },
      // One slot; a Vambe budget of 4 a minute is a burst of 2 tokens, and nobody waits for a third.
      env: { UPSTREAM_MAX_CONCURRENCY: '1', UPSTREAM_RETRY_ATTEMPTS: '1', VAMBE_CALLS_PER_MINUTE: '4', BUDGET_MAX_WAIT_MS: '0' },
    });
    const aiAway = await upstreamTotals.contacts(stack, 'ai-away');
    await stack.resetStats();
    // Only the first call hangs: it holds the slot.
    await stack.setFaults([{ route: CONTACTS_ROUTE, kind: 'hang', times: 1 }]);
    const holder = leavable(stack.url, contacts('UNATTENDED'));
    await expect.poll(async () => (await stack!.stats()).byRoute[CONTACTS_ROUTE] ?? 0).toBe(1);
    // The second caller takes the second token and queues (its deadline's timer shows it arrived).
    const timers = clock.pending().length;
    const departing = leavable(stack.url, contacts('ATTENDED'));
    await expect.poll(() => clock.pending().length).toBe(timers + 1);
    departing.leave();
    await departing.answer;
    // The gateway has seen it go: its operation is over and its deadline released.
    await expect.poll(() => clock.pending().length).toBe(timers);

    // A live caller now gets that token back rather than RATE_LIMITED, and waits its turn.
    const live = stack.execute<{ contacts: { totalCount: number } }>(contacts('AI_AWAY'));
    holder.leave();
    const answer = await live;
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({ contacts: { totalCount: aiAway } });
    // The departed caller's call never went out.
    expect((await stack.requests()).map((request) => request.query.status)).toEqual(['unattended', 'ai-away']);
  });

  it('answers a call beyond UPSTREAM_MAX_QUEUE at once with UPSTREAM_UNAVAILABLE and retryAfter', async () => {
    const clock = skippingClock();
    stack = await startStack({
      gateway: { clock },
      env: { UPSTREAM_MAX_CONCURRENCY: '1', UPSTREAM_MAX_QUEUE: '1', UPSTREAM_RETRY_ATTEMPTS: '1', UPSTREAM_TIMEOUT_MS: '60000', OPERATION_DEADLINE_MS: '20000' },
    });
    await stack.setFaults([{ route: CONTACTS_ROUTE, kind: 'hang' }]);
    // One call on the wire, one waiting, one too many.
    const pending = stack.execute(`{
      a: contacts(status: UNATTENDED, first: 1) { totalCount }
      b: contacts(status: ATTENDED, first: 1) { totalCount }
      c: contacts(status: AI_AWAY, first: 1) { totalCount }
    }`);
    await expect.poll(async () => (await stack!.stats()).byRoute[CONTACTS_ROUTE] ?? 0).toBe(1);
    await clock.advance(20_000);
    const response = await pending;
    const refused = ['a', 'b', 'c'].map((field) => errorAt(response, [field])).filter((error) => error?.extensions?.code === 'UPSTREAM_UNAVAILABLE');
    expect(refused).toHaveLength(1);
    expect(refused[0]!.extensions).toMatchObject({ upstream: 'vambe', retryAfter: 1 });
    expect(refused[0]!.message).toBe('Vambe has too many calls waiting at the gateway (UPSTREAM_MAX_QUEUE: 1); try again shortly');
    // The two admitted ran into the deadline; only the first ever reached Vambe.
    const codes = ['a', 'b', 'c'].map((field) => errorAt(response, [field])?.extensions?.code).sort();
    expect(codes).toEqual(['UPSTREAM_TIMEOUT', 'UPSTREAM_TIMEOUT', 'UPSTREAM_UNAVAILABLE']);
    expect((await stack.stats()).byRoute[CONTACTS_ROUTE]).toBe(1);
  });
});
