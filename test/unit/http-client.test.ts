import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../src/config/index.js';
import { createHttpClient, type UpstreamRequest } from '../../src/http/client.js';
import type { Clock } from '../../src/http/clock.js';
import { createDeadline } from '../../src/http/deadline.js';
import { UpstreamError } from '../../src/http/errors.js';
import { createUpstreamStats } from '../../src/http/upstream-stats.js';
import { manualClock, settled } from '../clock.js';

/**
 * An upstream at the network boundary: answers after `ms` on the clock, or
 * fails as fetch does when the signal aborts.
 */
function slowUpstream(clock: Clock, ms: number, status = () => 200) {
  const calls: string[] = [];
  const fetch = (url: string | URL | Request, init?: RequestInit) => {
    calls.push(String(url));
    return new Promise<Response>((resolve, reject) => {
      const signal = init?.signal;
      const cancel = clock.after(ms, () => resolve(new Response('{"ok": true}', { status: status() })));
      signal?.addEventListener('abort', () => {
        cancel();
        reject(signal.reason);
      });
    });
  };
  return { calls, fetch: fetch as typeof globalThis.fetch };
}

const smsReport = (page: number, token = 't'): UpstreamRequest<{ ok: boolean }> => ({
  upstream: 'avaamo',
  route: 'avaamo.smsReport',
  method: 'GET',
  baseUrl: 'http://avaamo.test',
  path: '/report.json',
  query: { page },
  headers: { 'access-token': token },
  schema: z.object({ ok: z.boolean() }),
});

const operation = (clock: Clock, deadlineMs: number, callerGone?: AbortSignal) => ({
  stats: createUpstreamStats(),
  deadline: createDeadline(deadlineMs, callerGone, clock),
});
const failure = (pending: Promise<unknown>) => pending.then(() => null, (error: unknown) => error as UpstreamError);


describe('the shared HTTP client', () => {
  it('bounds calls in flight per upstream across all GraphQL requests, not per request', async () => {
    const clock = manualClock();
    let inFlight = 0;
    let peak = 0;
    // The network boundary only: everything above it is the real client.
    const fetch = async () => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      return new Response('{"ok": true}', { status: 200 });
    };
    const http = createHttpClient({ ...loadConfig({}).resilience, maxConcurrentPerUpstream: 3, fetch: fetch as typeof globalThis.fetch, clock });
    const operations = [0, 1].map(() => http.forOperation(operation(clock, 60_000)));
    await Promise.all(operations.flatMap((client, which) => Array.from({ length: 10 }, (_, index) => client.request(smsReport(which * 10 + index)))));
    expect(peak).toBe(3);
  });

  it("does not let the gateway's own deadline open the breaker: only the upstream's failures count", async () => {
    const clock = manualClock();
    const upstream = slowUpstream(clock, 300);
    const config = loadConfig({ BREAKER_MIN_REQUESTS: '3', BREAKER_WINDOW_MS: '10000', UPSTREAM_RETRY_ATTEMPTS: '1' });
    const http = createHttpClient({ ...config.resilience, maxConcurrentPerUpstream: 1, fetch: upstream.fetch, clock });
    // One operation with a short deadline and six calls queued behind a concurrency of one.
    const hurried = http.forOperation(operation(clock, 100));
    const pending = Array.from({ length: 6 }, (_, page) => failure(hurried.request(smsReport(page))));
    await clock.advance(100);
    for (const error of await Promise.all(pending)) expect(error).toMatchObject({ code: 'UPSTREAM_TIMEOUT', details: { transport: 'deadline' } });
    // The five queued behind the one sent left the queue when the deadline passed: none went out.
    expect(upstream.calls).toHaveLength(1);

    // The upstream never failed: the next operation reaches it.
    const next = http.forOperation(operation(clock, 10_000)).request(smsReport(99));
    await clock.advance(300);
    await expect(next).resolves.toEqual({ ok: true });
    expect(upstream.calls).toHaveLength(2);
  });

  it('still opens the breaker when attempts time out on their own timer', async () => {
    const clock = manualClock();
    const upstream = slowUpstream(clock, 300);
    const config = loadConfig({ BREAKER_MIN_REQUESTS: '3', BREAKER_WINDOW_MS: '10000', UPSTREAM_RETRY_ATTEMPTS: '1', UPSTREAM_TIMEOUT_MS: '50' });
    const http = createHttpClient({ ...config.resilience, fetch: upstream.fetch, clock });
    const patient = http.forOperation(operation(clock, 10_000));
    for (let page = 0; page < 3; page++) {
      const pending = failure(patient.request(smsReport(page)));
      await clock.advance(50);
      expect(await pending).toMatchObject({ code: 'UPSTREAM_TIMEOUT', details: { transport: 'timeout' } });
    }
    expect(await failure(patient.request(smsReport(3)))).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', details: { retryAfter: 15 } });
    expect(upstream.calls).toHaveLength(3);
  });

  it("gives a caller who joins an identical call in flight its own deadline, not the first caller's", async () => {
    const clock = manualClock();
    const upstream = slowUpstream(clock, 300);
    const config = loadConfig({ CACHE: 'on' });
    const http = createHttpClient({ ...config.resilience, cache: config.traffic.cache, fetch: upstream.fetch, clock });
    const hurried = failure(http.forOperation(operation(clock, 100)).request(smsReport(1)));
    const patient = http.forOperation(operation(clock, 10_000)).request(smsReport(1));
    await clock.advance(100);
    expect(await hurried).toMatchObject({ code: 'UPSTREAM_TIMEOUT', message: expect.stringContaining('(100 ms)') });
    expect(await settled(patient)).toBe(false);
    await clock.advance(200);
    await expect(patient).resolves.toEqual({ ok: true });
    expect(upstream.calls).toHaveLength(1);
  });

  it('says when an answer was fetched, and keeps saying it while the answer is cached, served stale past its TTL', async () => {
    const clock = manualClock();
    let status = 200;
    const upstream = slowUpstream(clock, 0, () => status);
    // The SMS report stays fresh 60 s, then is served while it is refreshed (the refresh failing here).
    const config = loadConfig({ CACHE: 'on', UPSTREAM_RETRY_ATTEMPTS: '1', BREAKER_MIN_REQUESTS: '100' });
    const http = createHttpClient({ ...config.resilience, cache: config.traffic.cache, fetch: upstream.fetch, clock });
    const read = () => {
      const pending = http.forOperation(operation(clock, 10_000)).read(smsReport(1));
      return clock.advance(0).then(() => pending);
    };
    const before = Date.now();
    const fetched = await read();
    expect(fetched).toMatchObject({ value: { ok: true }, stale: false });
    expect(fetched.fetchedAt).toBeGreaterThanOrEqual(before);
    expect(fetched.fetchedAt).toBeLessThanOrEqual(Date.now());
    await clock.advance(59_000);
    expect(await read()).toEqual({ ...fetched, stale: false });
    status = 500;
    await clock.advance(2_000);
    expect(await read()).toEqual({ ...fetched, stale: true });
    expect(upstream.calls).toHaveLength(2);
  });

  it('keeps a breaker open when the budget refuses its half-open probe', async () => {
    const clock = manualClock();
    const upstream = slowUpstream(clock, 0, () => 500);
    const config = loadConfig({
      BREAKER_MIN_REQUESTS: '3',
      BREAKER_WINDOW_MS: '10000',
      BREAKER_OPEN_MS: '3000',
      UPSTREAM_RETRY_ATTEMPTS: '1',
      // One call per credential in a burst, and no waiting for the next.
      AVAAMO_CALLS_PER_MINUTE: '2',
      BUDGET_MAX_WAIT_MS: '0',
    });
    const http = createHttpClient({ ...config.resilience, budgets: config.traffic.budgets, fetch: upstream.fetch, clock });
    const client = http.forOperation(operation(clock, 600_000));
    const answer = async (token: string) => {
      const pending = failure(client.request(smsReport(1, token)));
      await clock.advance(0);
      return pending;
    };
    for (const token of ['a', 'b', 'c']) expect(await answer(token)).toMatchObject({ code: 'UPSTREAM_ERROR', details: { status: 500 } });
    expect(await answer('d')).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', details: { retryAfter: 3 } });
    await clock.advance(3_000);

    // The first call after the open period would be the probe, but its credential's budget is spent.
    expect(await answer('a')).toMatchObject({ code: 'RATE_LIMITED' });
    expect(upstream.calls).toHaveLength(3);
    // So the next call is the probe; it fails, and the calls waiting on it are refused without reaching the upstream.
    const after = Promise.all(['e', 'f', 'g', 'h'].map((token) => failure(client.request(smsReport(1, token)))));
    await clock.advance(0);
    expect(upstream.calls).toHaveLength(4);
    expect((await after).map((error) => error?.code).sort()).toEqual(['UPSTREAM_ERROR', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_UNAVAILABLE']);
  });

  it('answers an open breaker at once, before asking the budget for a token it would have to wait for', async () => {
    const clock = manualClock();
    const upstream = slowUpstream(clock, 0, () => 500);
    const config = loadConfig({
      BREAKER_MIN_REQUESTS: '3',
      BREAKER_WINDOW_MS: '10000',
      BREAKER_OPEN_MS: '60000',
      UPSTREAM_RETRY_ATTEMPTS: '1',
      AVAAMO_CALLS_PER_MINUTE: '6',
      BUDGET_MAX_WAIT_MS: '20000',
    });
    const http = createHttpClient({ ...config.resilience, budgets: config.traffic.budgets, fetch: upstream.fetch, clock });
    const client = http.forOperation(operation(clock, 600_000));
    // Three failures spend the burst of three tokens and open the breaker.
    for (let page = 0; page < 3; page++) {
      const pending = failure(client.request(smsReport(page)));
      await clock.advance(0);
      expect(await pending).toMatchObject({ code: 'UPSTREAM_ERROR' });
    }
    // The next token is 20 s away; the breaker's answer comes without the clock moving.
    const open = failure(client.request(smsReport(9)));
    expect(await settled(open)).toBe(true);
    expect(await open).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', details: { retryAfter: 60 } });
    expect(upstream.calls).toHaveLength(3);
  });
});

describe('the queue for a concurrency slot', () => {
  it("gives a departed waiter's budget token back at once, so a live caller behind it is served", async () => {
    const clock = manualClock();
    const upstream = slowUpstream(clock, 1_000);
    // Two tokens in the burst for the one credential, no waiting for a third.
    const config = loadConfig({ AVAAMO_CALLS_PER_MINUTE: '4', BUDGET_MAX_WAIT_MS: '0', UPSTREAM_RETRY_ATTEMPTS: '1' });
    const http = createHttpClient({ ...config.resilience, budgets: config.traffic.budgets, maxConcurrentPerUpstream: 1, fetch: upstream.fetch, clock });
    const inFlight = http.forOperation(operation(clock, 60_000)).request(smsReport(1));
    const callerGone = new AbortController();
    const departing = failure(http.forOperation(operation(clock, 60_000, callerGone.signal)).request(smsReport(2)));
    await clock.advance(0);
    callerGone.abort();
    expect(await departing).toMatchObject({ code: 'UPSTREAM_TIMEOUT', message: 'The caller went away before Avaamo answered' });

    // Its token is back while the call ahead of it is still in flight: the live caller gets one
    // rather than RATE_LIMITED, and queues behind that call.
    await clock.advance(0);
    const live = http.forOperation(operation(clock, 60_000)).request(smsReport(3));
    expect(await settled(live)).toBe(false);
    await clock.advance(1_000);
    await expect(inFlight).resolves.toEqual({ ok: true });
    await clock.advance(1_000);
    await expect(live).resolves.toEqual({ ok: true });
    expect(upstream.calls.map((url) => new URL(url).searchParams.get('page'))).toEqual(['1', '3']);
  });

  it('refuses a call at once with UPSTREAM_UNAVAILABLE and retryAfter when the queue is full, and refunds its token', async () => {
    const clock = manualClock();
    const upstream = slowUpstream(clock, 1_000);
    const config = loadConfig({ AVAAMO_CALLS_PER_MINUTE: '8', BUDGET_MAX_WAIT_MS: '0', UPSTREAM_RETRY_ATTEMPTS: '3' });
    const http = createHttpClient({
      ...config.resilience,
      budgets: config.traffic.budgets,
      maxConcurrentPerUpstream: 1,
      maxQueuedPerUpstream: 2,
      fetch: upstream.fetch,
      clock,
    });
    const client = http.forOperation(operation(clock, 60_000));
    const admitted = [1, 2, 3].map((page) => client.request(smsReport(page)));
    const refused = failure(client.request(smsReport(4)));
    expect(await settled(refused)).toBe(true);
    const error = await refused;
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', upstream: 'avaamo', details: { retryAfter: 1 } });
    expect(error!.message).toBe('Avaamo has too many calls waiting at the gateway (UPSTREAM_MAX_QUEUE: 2); try again shortly');
    // Not retried, not sent, and its token (the fourth of four) is back for the next call.
    expect(upstream.calls).toHaveLength(1);
    await clock.advance(3_000);
    await expect(Promise.all(admitted)).resolves.toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    const next = client.request(smsReport(5));
    await clock.advance(1_000);
    await expect(next).resolves.toEqual({ ok: true });
    expect(upstream.calls).toHaveLength(4);
  });
});
