import { describe, expect, it } from 'vitest';
import { createBudgets, DEFAULT_BUDGET_RULES } from '../../src/http/budget.js';
import { createDeadline } from '../../src/http/deadline.js';
import { UpstreamError } from '../../src/http/errors.js';

function setup(maxWaitMs = 0) {
  let now = 0;
  const budgets = createBudgets({ rules: DEFAULT_BUDGET_RULES, maxWaitMs }, { now: () => now });
  return {
    budgets,
    advance: (ms: number) => {
      now += ms;
    },
  };
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
      advance(100);
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
    advance(2_400);
    await expect(budgets.take(avaamo, { wait: false, deadline: longDeadline })).resolves.toHaveProperty('refund');
  });

  it('waits for a token when the wait is within the bound', async () => {
    const { budgets } = setup(5_000);
    for (let index = 0; index < 25; index++) await budgets.take(avaamo, { wait: false, deadline: longDeadline });
    // The injected clock does not move, so the wait is real time: only check it resolves instead of failing.
    const started = Date.now();
    const pending = budgets.take(avaamo, { wait: true, deadline: longDeadline });
    await expect(pending).resolves.toHaveProperty('refund');
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
  });

  it('refuses at once, not after waiting, when the wait for a token is longer than the deadline leaves', async () => {
    const { budgets } = setup(5_000);
    for (let index = 0; index < 25; index++) await budgets.take(avaamo, { wait: false, deadline: longDeadline });
    // The next token is 2.4 s away, within BUDGET_MAX_WAIT_MS, but the operation has only 1 s left.
    const started = Date.now();
    const error = await spend(() => budgets.take(avaamo, { wait: true, deadline: createDeadline(1_000) }));
    expect(error).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfter: 3 } });
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('gives the reserved token back when the caller leaves during the wait', async () => {
    const { budgets, advance } = setup(5_000);
    for (let index = 0; index < 25; index++) await budgets.take(avaamo, { wait: false, deadline: longDeadline });
    const callerGone = new AbortController();
    const pending = spend(() => budgets.take(avaamo, { wait: true, deadline: createDeadline(60_000, callerGone.signal) }));
    setTimeout(() => callerGone.abort(), 20);
    expect(await pending).toMatchObject({ code: 'UPSTREAM_TIMEOUT', details: { transport: 'deadline' } });
    // One token's refill later there is exactly one token: the abandoned wait did not keep its reservation.
    advance(2_400);
    await expect(budgets.take(avaamo, { wait: false, deadline: longDeadline })).resolves.toHaveProperty('refund');
  });
});
