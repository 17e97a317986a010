import { describe, expect, it } from 'vitest';
import { createBudgets, DEFAULT_BUDGET_RULES } from '../../src/http/budget.js';
import { createDeadline } from '../../src/http/deadline.js';
import { UpstreamError } from '../../src/http/errors.js';
import { manualClock, settled } from '../clock.js';

function setup(maxWaitMs = 0) {
  const clock = manualClock();
  const budgets = createBudgets({ rules: DEFAULT_BUDGET_RULES, maxWaitMs }, clock);
  return { budgets, clock, advance: (ms: number) => clock.advance(ms) };
}

/** An operation deadline far away, for the tests that are not about it. */
const longDeadline = createDeadline(600_000);


const avaamo = { upstream: 'avaamo' as const, route: 'avaamo.messages' as const, credential: 'token-a' };

async function spend(take: () => Promise<unknown>): Promise<'ok' | UpstreamError> {
  try {
    await take();
    return 'ok';
  } catch (error) {
    return error as UpstreamError;
  }
}

describe('upstream call budgets', () => {
  it('never lets more than 50 Avaamo calls through in any minute, however the minute is aligned', async () => {
    const { budgets, advance } = setup();
    const sent: number[] = [];
    let now = 0;
    // One attempt every 100 ms for 5 minutes.
    for (let step = 0; step < 3_000; step++) {
      if ((await spend(() => budgets.take(avaamo, { wait: false, deadline: longDeadline }))) === 'ok') sent.push(now);
      await advance(100);
      now += 100;
    }
    for (let start = 0; start < 240_000; start += 100) {
      expect(sent.filter((at) => at >= start && at < start + 60_000).length).toBeLessThanOrEqual(50);
    }
    // And it is not stingier than it needs to be: about 25 a minute sustained after the burst.
    expect(sent.length).toBeGreaterThan(25 + 4 * 25 - 5);
  });

  it('keeps credentials apart, and Rocket.Chat routes apart', async () => {
    const { budgets } = setup();
    for (let index = 0; index < 25; index++) await budgets.take(avaamo, { wait: false, deadline: longDeadline });
    await expect(budgets.take(avaamo, { wait: false, deadline: longDeadline })).rejects.toThrow(/budget/);
    await expect(budgets.take({ ...avaamo, credential: 'token-b' }, { wait: false, deadline: longDeadline })).resolves.toHaveProperty('refund');
    // Avaamo's limit covers all routes of a token.
    await expect(budgets.take({ ...avaamo, route: 'avaamo.smsReport' }, { wait: false, deadline: longDeadline })).rejects.toThrow(/budget/);
    const rocketchat = { upstream: 'rocketchat' as const, route: 'rocketchat.conversationsByAgent' as const, credential: 'rc' };
    for (let index = 0; index < 5; index++) await budgets.take(rocketchat, { wait: false, deadline: longDeadline });
    await expect(budgets.take(rocketchat, { wait: false, deadline: longDeadline })).rejects.toThrow(/10 a minute per route/);
  });

  it('answers RATE_LIMITED with retryAfter in seconds until the next token', async () => {
    const { budgets, advance } = setup();
    for (let index = 0; index < 25; index++) await budgets.take(avaamo, { wait: false, deadline: longDeadline });
    const error = await spend(() => budgets.take(avaamo, { wait: true, deadline: longDeadline }));
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).code).toBe('RATE_LIMITED');
    // 25 tokens a minute: the next one is 2.4 s away.
    expect((error as UpstreamError).details.retryAfter).toBe(3);
    await advance(2_400);
    await expect(budgets.take(avaamo, { wait: false, deadline: longDeadline })).resolves.toHaveProperty('refund');
  });

  it('waits for a token when the wait is within the bound, exactly until the token is there', async () => {
    const { budgets, clock, advance } = setup(5_000);
    for (let index = 0; index < 25; index++) await budgets.take(avaamo, { wait: false, deadline: longDeadline });
    const pending = budgets.take(avaamo, { wait: true, deadline: createDeadline(60_000, undefined, clock) });
    await advance(2_399);
    expect(await settled(pending)).toBe(false);
    await advance(1);
    expect(await settled(pending)).toBe(true);
    await expect(pending).resolves.toHaveProperty('refund');
    // The wait's token was the one that refilled: none is left for the next caller.
    await expect(budgets.take(avaamo, { wait: false, deadline: longDeadline })).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('refuses at once, not after waiting, when the wait for a token is longer than the deadline leaves', async () => {
    const { budgets, clock } = setup(5_000);
    for (let index = 0; index < 25; index++) await budgets.take(avaamo, { wait: false, deadline: longDeadline });
    // The next token is 2.4 s away, within BUDGET_MAX_WAIT_MS, but the operation has only 1 s left.
    const pending = spend(() => budgets.take(avaamo, { wait: true, deadline: createDeadline(1_000, undefined, clock) }));
    expect(await settled(pending)).toBe(true);
    expect(await pending).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfter: 3 } });
    expect(clock.now()).toBe(0);
  });

  it('gives the reserved token back when the caller leaves during the wait', async () => {
    const { budgets, clock, advance } = setup(5_000);
    for (let index = 0; index < 25; index++) await budgets.take(avaamo, { wait: false, deadline: longDeadline });
    const callerGone = new AbortController();
    const pending = spend(() => budgets.take(avaamo, { wait: true, deadline: createDeadline(60_000, callerGone.signal, clock) }));
    await advance(1_000);
    callerGone.abort();
    expect(await pending).toMatchObject({ code: 'UPSTREAM_TIMEOUT', details: { transport: 'deadline' } });
    // One token's refill after the start there is exactly one token: the abandoned wait did not keep its reservation.
    await advance(1_400);
    await expect(budgets.take(avaamo, { wait: false, deadline: longDeadline })).resolves.toHaveProperty('refund');
    await expect(budgets.take(avaamo, { wait: false, deadline: longDeadline })).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });
});

describe('the bound on buckets', () => {
  /** More distinct credentials than the budgets keep buckets for. */
  const FLOOD = 10_001;

  it('does not refill a spent bucket that bogus credentials pushed out', async () => {
    const { budgets, advance } = setup();
    const tenant = { ...avaamo, credential: 'tenant' };
    for (let index = 0; index < 25; index++) await budgets.take(tenant, { wait: false, deadline: longDeadline });
    await expect(budgets.take(tenant, { wait: false, deadline: longDeadline })).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    // One call each with as many bogus forwarded credentials as there are buckets, and more.
    for (let index = 0; index < FLOOD; index++) {
      await spend(() => budgets.take({ ...avaamo, credential: `bogus-${index}` }, { wait: false, deadline: longDeadline }));
    }
    // Evicted or not, the tenant's bucket is as spent as it was...
    await expect(budgets.take(tenant, { wait: false, deadline: longDeadline })).rejects.toMatchObject({ code: 'RATE_LIMITED', details: { retryAfter: 3 } });
    // ...and refills at the same pace: one token 2.4 s later, and only one.
    await advance(2_400);
    await expect(budgets.take(tenant, { wait: false, deadline: longDeadline })).resolves.toHaveProperty('refund');
    await expect(budgets.take(tenant, { wait: false, deadline: longDeadline })).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });

  it("charges a new credential nothing for another's spent bucket that was pushed out", async () => {
    const { budgets } = setup();
    const tenant = { ...avaamo, credential: 'tenant' };
    for (let index = 0; index < 25; index++) await budgets.take(tenant, { wait: false, deadline: longDeadline });
    const bogus = [];
    for (let index = 0; index < FLOOD; index++) {
      bogus.push(await spend(() => budgets.take({ ...avaamo, credential: `bogus-${index}` }, { wait: false, deadline: longDeadline })));
    }
    // Each bogus credential's one call went through, bar at most the odd one sharing the spent bucket's slot.
    expect(bogus.filter((outcome) => outcome !== 'ok').length).toBeLessThanOrEqual(1);
    const newcomer = { ...avaamo, credential: 'newcomer' };
    for (let index = 0; index < 25; index++) await budgets.take(newcomer, { wait: false, deadline: longDeadline });
    await expect(budgets.take(newcomer, { wait: false, deadline: longDeadline })).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('costs nothing when the buckets pushed out were full', async () => {
    const { budgets, advance } = setup();
    const tenant = { ...avaamo, credential: 'tenant' };
    await budgets.take(tenant, { wait: false, deadline: longDeadline });
    // A minute later every bucket is full again; pushing them out loses nothing.
    await advance(60_000);
    for (let index = 0; index < FLOOD; index++) {
      await budgets.take({ ...avaamo, credential: `bogus-${index}` }, { wait: false, deadline: longDeadline });
      await budgets.take({ ...avaamo, credential: `bogus-${index}` }, { wait: false, deadline: longDeadline }).then((r) => r.refund());
    }
    await advance(60_000);
    for (let index = 0; index < 25; index++) await budgets.take(tenant, { wait: false, deadline: longDeadline });
    await expect(budgets.take(tenant, { wait: false, deadline: longDeadline })).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });
});
