import { describe, expect, it } from 'vitest';
import { createDeadline } from '../../src/http/deadline.js';
import { UpstreamError } from '../../src/http/errors.js';
import { BudgetSpent } from '../../src/http/errors.js';
import { isRetryable, retryDelayMs, withRetries } from '../../src/http/retry.js';
import { transportError } from '../../src/http/timeouts.js';

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
