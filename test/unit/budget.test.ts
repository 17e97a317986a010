import { describe, expect, it } from 'vitest';
import { createBudgets, DEFAULT_BUDGET_RULES } from '../../src/http/budget.js';
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

const avaamo = { upstream: 'avaamo' as const, route: 'avaamo.messages' as const, credential: 'token-a' };

async function spend(take: () => Promise<void>): Promise<'ok' | UpstreamError> {
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
      if ((await spend(() => budgets.take(avaamo, { wait: false }))) === 'ok') sent.push(now);
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
    for (let index = 0; index < 25; index++) await budgets.take(avaamo, { wait: false });
    await expect(budgets.take(avaamo, { wait: false })).rejects.toThrow(/budget/);
    await expect(budgets.take({ ...avaamo, credential: 'token-b' }, { wait: false })).resolves.toBeUndefined();
    // Avaamo's limit covers all routes of a token.
    await expect(budgets.take({ ...avaamo, route: 'avaamo.smsReport' }, { wait: false })).rejects.toThrow(/budget/);
    const rocketchat = { upstream: 'rocketchat' as const, route: 'rocketchat.conversationsByAgent' as const, credential: 'rc' };
    for (let index = 0; index < 5; index++) await budgets.take(rocketchat, { wait: false });
    await expect(budgets.take(rocketchat, { wait: false })).rejects.toThrow(/10 a minute per route/);
  });

  it('answers RATE_LIMITED with retryAfter in seconds until the next token', async () => {
    const { budgets, advance } = setup();
    for (let index = 0; index < 25; index++) await budgets.take(avaamo, { wait: false });
    const error = await spend(() => budgets.take(avaamo, { wait: true }));
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).code).toBe('RATE_LIMITED');
    // 25 tokens a minute: the next one is 2.4 s away.
    expect((error as UpstreamError).details.retryAfter).toBe(3);
    advance(2_400);
    await expect(budgets.take(avaamo, { wait: false })).resolves.toBeUndefined();
  });

  it('waits for a token when the wait is within the bound', async () => {
    const { budgets } = setup(5_000);
    for (let index = 0; index < 25; index++) await budgets.take(avaamo, { wait: false });
    // The injected clock does not move, so the wait is real time: only check it resolves instead of failing.
    const started = Date.now();
    const pending = budgets.take(avaamo, { wait: true });
    await expect(pending).resolves.toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
  });
});
