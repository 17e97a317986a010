import { afterEach, describe, expect, it } from 'vitest';
import { skippingClock } from '../clock.js';
import { agentIds, errorAt, startStack, type Stack } from '../helpers.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const SMS = `query($agentId: Int!, $from: DateTime!, $to: DateTime!) { agent(agentId: $agentId) { smsRecords(from: $from, to: $to, first: 1) { totalCount } } }`;
/** Distinct whole seconds, so each operation is its own upstream request: a day-long range, one request (no 7-day windows). */
const from = (index: number) => ({ from: new Date(Date.UTC(2026, 0, 1, 0, 0, index)).toISOString(), to: new Date(Date.UTC(2026, 0, 2, 0, 0, index)).toISOString() });

describe('upstream budgets, counted at the sandbox', () => {
  it('a burst of 200 operations never exceeds Avaamo\'s 50 calls a minute', async () => {
    stack = await startStack({
      sandbox: { rateLimits: true },
      env: { CACHE: 'on', AVAAMO_CALLS_PER_MINUTE: '50', BUDGET_MAX_WAIT_MS: '300' },
    });
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, index) => stack!.execute(SMS, { agentId: agentIds[0], ...from(index) })),
    );
    const requests = await stack.requests();
    expect(requests.length).toBeGreaterThanOrEqual(25);
    expect(requests.length).toBeLessThanOrEqual(50);
    // The sandbox enforces the vendor's limit: it never had to refuse one.
    expect(requests.filter((request) => request.status === 429)).toEqual([]);
    const answered = responses.filter((response) => response.errors === undefined);
    const limited = responses.filter((response) => errorAt(response, ['agent', 'smsRecords'])?.extensions?.code === 'RATE_LIMITED');
    expect(answered.length).toBe(requests.length);
    expect(answered.length + limited.length).toBe(200);
    for (const response of limited) {
      expect(errorAt(response, ['agent', 'smsRecords'])!.extensions!.retryAfter).toBeGreaterThanOrEqual(1);
    }
  });

  it('answers RATE_LIMITED with retryAfter when the budget is spent and nothing stale exists', async () => {
    stack = await startStack({ env: { CACHE: 'on', AVAAMO_CALLS_PER_MINUTE: '2', BUDGET_MAX_WAIT_MS: '0' } });
    const first = await stack.execute(SMS, { agentId: agentIds[0], ...from(1) });
    expect(first.errors).toBeUndefined();
    const second = await stack.execute(SMS, { agentId: agentIds[0], ...from(2) });
    const error = errorAt(second, ['agent', 'smsRecords']);
    expect(error?.extensions).toMatchObject({ code: 'RATE_LIMITED', upstream: 'avaamo' });
    expect(error!.extensions!.retryAfter).toBeGreaterThanOrEqual(1);
    expect(error!.extensions!.retryAfter).toBeLessThanOrEqual(60);
    expect((await stack.stats()).total).toBe(1);
  });

  it('serves an expired answer instead when the budget is spent', async () => {
    const clock = skippingClock();
    // Avaamo messages stay fresh 15 s (the default); a budget of 2 a minute has refilled 0.25 calls by then.
    stack = await startStack({ env: { CACHE: 'on', AVAAMO_CALLS_PER_MINUTE: '2', BUDGET_MAX_WAIT_MS: '0' }, gateway: { clock } });
    const query = `query($agentId: Int!) { agent(agentId: $agentId) { messages(first: 3) { nodes { uuid } } } }`;
    const first = await stack.execute(query, { agentId: agentIds[0] });
    await clock.advance(15_000);
    const second = await stack.execute(query, { agentId: agentIds[0] });
    expect(second.errors).toBeUndefined();
    expect(second.data).toEqual(first.data);
    expect((await stack.stats()).total).toBe(1);
  });

  it('charges every retry attempt: a failing route never gets more attempts than the budget allows', async () => {
    stack = await startStack({
      env: {
        CACHE: 'on',
        // A burst of 3 calls, and no wait for more.
        AVAAMO_CALLS_PER_MINUTE: '6',
        BUDGET_MAX_WAIT_MS: '0',
        UPSTREAM_RETRY_ATTEMPTS: '5',
        UPSTREAM_RETRY_BASE_MS: '20',
        UPSTREAM_RETRY_MAX_MS: '50',
        BREAKER_MIN_REQUESTS: '100000',
      },
    });
    await stack.setFaults([{ route: 'GET /api/v1/agents/{id}/sms/report.json', kind: 'status', status: 503 }]);

    // Five attempts allowed, three tokens: the fourth attempt finds the budget spent, and the
    // caller learns what went wrong upstream, not that a retry was refused.
    const first = await stack.execute(SMS, { agentId: agentIds[0], ...from(1) });
    expect(errorAt(first, ['agent', 'smsRecords'])?.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', upstream: 'avaamo', upstreamStatus: 503 });
    const attempts = await stack.requests();
    expect(attempts).toHaveLength(3);
    expect(attempts.every((request) => request.status === 503)).toBe(true);

    // The budget is spent: the next operation costs the upstream nothing and says when to come back.
    const second = await stack.execute(SMS, { agentId: agentIds[0], ...from(2) });
    expect(errorAt(second, ['agent', 'smsRecords'])?.extensions?.code).toBe('RATE_LIMITED');
    expect(errorAt(second, ['agent', 'smsRecords'])!.extensions!.retryAfter).toBeGreaterThanOrEqual(1);
    expect(await stack.requests()).toHaveLength(3);
  });
});
