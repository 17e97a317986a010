import { describe, expect, it } from 'vitest';
import { createDeadline } from '../../src/http/deadline.js';
import { UpstreamError } from '../../src/http/errors.js';
import { BudgetSpent } from '../../src/http/errors.js';
import { isRetryable, retryDelayMs, withRetries } from '../../src/http/retry.js';
import { transportError } from '../../src/http/timeouts.js';
import { manualClock } from '../clock.js';

const settings = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 300 };
const failure = (details: UpstreamError['details']) => new UpstreamError('vambe', 'UPSTREAM_ERROR', 'failed', details);

describe('retry delays', () => {
  it('draws each wait from 0 up to a doubling cap (full jitter)', () => {
    expect([1, 2, 3, 4].map((retry) => retryDelayMs(retry, settings, undefined, () => 1))).toEqual([100, 200, 300, 300]);
    expect(retryDelayMs(3, settings, undefined, () => 0)).toBe(0);
    expect(retryDelayMs(2, settings, undefined, () => 0.5)).toBe(100);
  });

  it('never comes back before Retry-After', () => {
    expect(retryDelayMs(1, settings, 2, () => 1)).toBe(2000);
    expect(retryDelayMs(1, settings, 0, () => 1)).toBe(100);
  });
});

describe('what is retried', () => {
  it('GETs on a broken connection and on 429, 502, 503, 504 only', () => {
    for (const status of [429, 502, 503, 504]) expect(isRetryable('GET', failure({ status }))).toBe(true);
    for (const status of [400, 401, 403, 404, 422, 500, 501]) expect(isRetryable('GET', failure({ status }))).toBe(false);
    expect(isRetryable('GET', failure({ transport: 'network' }))).toBe(true);
    expect(isRetryable('GET', failure({ transport: 'timeout' }))).toBe(false);
    expect(isRetryable('GET', new Error('a bug'))).toBe(false);
  });

  it('a write only when it certainly never left', () => {
    expect(isRetryable('POST', failure({ transport: 'connect' }))).toBe(true);
    for (const details of [{ transport: 'network' as const }, { transport: 'timeout' as const }, { status: 503 }, { status: 429 }]) {
      expect(isRetryable('POST', failure(details))).toBe(false);
    }
  });
});

describe('transport failures', () => {
  const timeouts = { connectMs: 250, totalMs: 1000 };
  const fetchFailed = (code: string) => new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });
  const classify = (error: unknown, method = 'GET') =>
    transportError('avaamo', error, { signal: new AbortController().signal, deadline: createDeadline(5000), timeouts, method });

  it('a connect timeout is UPSTREAM_TIMEOUT and known not to have been sent', () => {
    const error = classify(fetchFailed('UND_ERR_CONNECT_TIMEOUT'), 'POST');
    expect(error).toMatchObject({ code: 'UPSTREAM_TIMEOUT', details: { transport: 'connect' } });
    expect(error.message).toBe('Avaamo did not accept a connection within 250 ms');
    expect(error.details.outcome).toBeUndefined();
  });

  it('a refused connection is UPSTREAM_ERROR, not sent; a reset may have been', () => {
    expect(classify(fetchFailed('ECONNREFUSED'))).toMatchObject({ code: 'UPSTREAM_ERROR', details: { transport: 'connect' } });
    expect(classify(fetchFailed('ECONNRESET'), 'POST')).toMatchObject({
      code: 'UPSTREAM_ERROR',
      details: { transport: 'network', outcome: 'unknown' },
    });
  });
});

describe('retries and the call budget', () => {
  const fast = { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 1 };
  const spent = () => new BudgetSpent('vambe', 'RATE_LIMITED', 'budget spent', { retryAfter: 30 });

  it('ends with the failure that prompted a retry the budget could not pay for', async () => {
    const outcomes = [failure({ status: 503 }), spent()];
    let attempts = 0;
    const run = withRetries('GET', createDeadline(5000), fast, async () => {
      throw outcomes[attempts++];
    });
    await expect(run).rejects.toMatchObject({ code: 'UPSTREAM_ERROR', details: { status: 503 } });
    expect(attempts).toBe(2);
  });

  it('passes a first attempt\'s refusal on as it is', async () => {
    const run = withRetries('GET', createDeadline(5000), fast, async () => {
      throw spent();
    });
    await expect(run).rejects.toBeInstanceOf(BudgetSpent);
  });
});

describe('back-off on the clock', () => {
  const attempts = (outcomes: Array<UpstreamError | 'ok'>) => {
    let made = 0;
    return {
      made: () => made,
      attempt: async () => {
        const outcome = outcomes[Math.min(made, outcomes.length - 1)]!;
        made += 1;
        if (outcome !== 'ok') throw outcome;
        return 'ok';
      },
    };
  };

  it('makes each retry within its doubling cap, whatever the jitter drew', async () => {
    const clock = manualClock();
    const upstream = attempts([failure({ status: 503 })]);
    const run = withRetries('GET', createDeadline(60_000, undefined, clock), { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 300 }, upstream.attempt);
    run.catch(() => undefined);
    await clock.advance(0);
    expect(upstream.made()).toBe(1);
    // Caps 100, 200, 300: by the end of each (counted from the end of the one before), the next
    // attempt has been made; a short draw may have made it sooner.
    for (const [cap, made] of [[100, 2], [200, 3], [300, 4]] as const) {
      await clock.advance(cap);
      expect(upstream.made()).toBeGreaterThanOrEqual(made);
    }
    await expect(run).rejects.toMatchObject({ details: { status: 503 } });
    expect(upstream.made()).toBe(4);
  });

  it('does not come back before Retry-After', async () => {
    const clock = manualClock();
    const upstream = attempts([failure({ status: 429, retryAfter: 2 }), 'ok']);
    const run = withRetries('GET', createDeadline(60_000, undefined, clock), settings, upstream.attempt);
    await clock.advance(1_999);
    expect(upstream.made()).toBe(1);
    await clock.advance(1);
    expect(upstream.made()).toBe(2);
    await expect(run).resolves.toBe('ok');
  });

  it('gives up at once when the wait would end after the deadline, and when the deadline ends the wait', async () => {
    const clock = manualClock();
    const tooLate = attempts([failure({ status: 503, retryAfter: 2 })]);
    await expect(withRetries('GET', createDeadline(1_000, undefined, clock), settings, tooLate.attempt)).rejects.toMatchObject({ details: { retryAfter: 2 } });
    expect(tooLate.made()).toBe(1);
    expect(clock.now()).toBe(0);

    const callerGone = new AbortController();
    const cutShort = attempts([failure({ status: 503, retryAfter: 2 })]);
    const run = withRetries('GET', createDeadline(60_000, callerGone.signal, clock), settings, cutShort.attempt);
    run.catch(() => undefined);
    await clock.advance(500);
    callerGone.abort();
    await expect(run).rejects.toMatchObject({ details: { status: 503 } });
    expect(cutShort.made()).toBe(1);
  });
});
