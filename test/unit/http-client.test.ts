import { setTimeout as pause } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../src/config/index.js';
import { createHttpClient, type UpstreamRequest } from '../../src/http/client.js';
import { createDeadline } from '../../src/http/deadline.js';
import { UpstreamError } from '../../src/http/errors.js';
import { createUpstreamStats } from '../../src/http/upstream-stats.js';

/** An upstream at the network boundary: answers after `ms`, or fails as fetch does when the signal aborts. */
function slowUpstream(ms: number, status = () => 200) {
  const calls: string[] = [];
  const fetch = (url: string | URL | Request, init?: RequestInit) => {
    calls.push(String(url));
    return new Promise<Response>((resolve, reject) => {
      const signal = init?.signal;
      const timer = setTimeout(() => resolve(new Response('{"ok": true}', { status: status() })), ms);
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
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

const operation = (deadlineMs: number) => ({ stats: createUpstreamStats(), deadline: createDeadline(deadlineMs) });
const failure = (pending: Promise<unknown>) => pending.then(() => null, (error: unknown) => error as UpstreamError);

describe('the shared HTTP client', () => {
  it('bounds calls in flight per upstream across all GraphQL requests, not per request', async () => {
    let inFlight = 0;
    let peak = 0;
    // The network boundary only: everything above it is the real client.
    const fetch = async () => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      return new Response('{"ok": true}', { status: 200 });
    };
    const http = createHttpClient({ ...loadConfig({}).resilience, maxConcurrentPerUpstream: 3, fetch: fetch as typeof globalThis.fetch });
    const request = (index: number): UpstreamRequest<{ ok: boolean }> => ({
      upstream: 'avaamo',
      route: 'avaamo.smsReport',
      method: 'GET',
      baseUrl: 'http://avaamo.test',
      path: '/report.json',
      query: { page: index },
      headers: { 'access-token': 't' },
      schema: z.object({ ok: z.boolean() }),
    });
    const operations = [createUpstreamStats(), createUpstreamStats()].map((stats) =>
      http.forOperation({ stats, deadline: createDeadline(60_000) }),
    );
    await Promise.all(operations.flatMap((client, which) => Array.from({ length: 10 }, (_, index) => client.request(request(which * 10 + index)))));
    expect(peak).toBe(3);
  });

  it("does not let the gateway's own deadline open the breaker: only the upstream's failures count", async () => {
    const upstream = slowUpstream(300);
    const config = loadConfig({ BREAKER_MIN_REQUESTS: '3', BREAKER_WINDOW_MS: '10000', UPSTREAM_RETRY_ATTEMPTS: '1' });
    const http = createHttpClient({ ...config.resilience, maxConcurrentPerUpstream: 1, fetch: upstream.fetch });
    // One operation with a short deadline and six calls queued behind a concurrency of one.
    const hurried = http.forOperation(operation(100));
    const errors = await Promise.all(Array.from({ length: 6 }, (_, page) => failure(hurried.request(smsReport(page)))));
    for (const error of errors) expect(error).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    // Let the calls still queued behind the one sent see the passed deadline.
    await pause(400);
    expect(upstream.calls).toHaveLength(1);

    // The upstream never failed: the next operation reaches it.
    await expect(http.forOperation(operation(10_000)).request(smsReport(99))).resolves.toEqual({ ok: true });
    expect(upstream.calls).toHaveLength(2);
  });

  it('still opens the breaker when attempts time out on their own timer', async () => {
    const upstream = slowUpstream(300);
    const config = loadConfig({ BREAKER_MIN_REQUESTS: '3', BREAKER_WINDOW_MS: '10000', UPSTREAM_RETRY_ATTEMPTS: '1', UPSTREAM_TIMEOUT_MS: '50' });
    const http = createHttpClient({ ...config.resilience, fetch: upstream.fetch });
    const patient = http.forOperation(operation(10_000));
    for (let page = 0; page < 3; page++) {
      expect(await failure(patient.request(smsReport(page)))).toMatchObject({ code: 'UPSTREAM_TIMEOUT', details: { transport: 'timeout' } });
    }
    expect(await failure(patient.request(smsReport(3)))).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(upstream.calls).toHaveLength(3);
  });

  it("gives a caller who joins an identical call in flight its own deadline, not the first caller's", async () => {
    const upstream = slowUpstream(300);
    const config = loadConfig({ CACHE: 'on' });
    const http = createHttpClient({ ...config.resilience, cache: config.traffic.cache, fetch: upstream.fetch });
    const hurried = failure(http.forOperation(operation(100)).request(smsReport(1)));
    const patient = http.forOperation(operation(10_000)).request(smsReport(1));
    expect(await hurried).toMatchObject({ code: 'UPSTREAM_TIMEOUT', message: expect.stringContaining('(100 ms)') });
    await expect(patient).resolves.toEqual({ ok: true });
    expect(upstream.calls).toHaveLength(1);
  });

  it('keeps a breaker open when the budget refuses its half-open probe', async () => {
    const upstream = slowUpstream(20, () => 500);
    const config = loadConfig({
      BREAKER_MIN_REQUESTS: '3',
      BREAKER_WINDOW_MS: '10000',
      // Long enough that a busy machine cannot let the breaker half-open before the call that checks it is open.
      BREAKER_OPEN_MS: '3000',
      UPSTREAM_RETRY_ATTEMPTS: '1',
      // One call per credential in a burst, and no waiting for the next.
      AVAAMO_CALLS_PER_MINUTE: '2',
      BUDGET_MAX_WAIT_MS: '0',
    });
    const http = createHttpClient({ ...config.resilience, budgets: config.traffic.budgets, fetch: upstream.fetch });
    const client = http.forOperation(operation(60_000));
    for (const token of ['a', 'b', 'c']) {
      expect(await failure(client.request(smsReport(1, token)))).toMatchObject({ code: 'UPSTREAM_ERROR', details: { status: 500 } });
    }
    expect(await failure(client.request(smsReport(1, 'd')))).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    await pause(3_200);

    // The first call after the open period would be the probe, but its credential's budget is spent.
    expect(await failure(client.request(smsReport(1, 'a')))).toMatchObject({ code: 'RATE_LIMITED' });
    expect(upstream.calls).toHaveLength(3);
    // So the next call is the probe; it fails, and the calls waiting on it are refused without reaching the upstream.
    const after = await Promise.all(['e', 'f', 'g', 'h'].map((token) => failure(client.request(smsReport(1, token)))));
    expect(upstream.calls).toHaveLength(4);
    expect(after.map((error) => error?.code).sort()).toEqual(['UPSTREAM_ERROR', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_UNAVAILABLE']);
  });

  it('does not wait for a budget token while the breaker is open', async () => {
    const upstream = slowUpstream(20, () => 500);
    const config = loadConfig({
      BREAKER_MIN_REQUESTS: '3',
      BREAKER_WINDOW_MS: '10000',
      BREAKER_OPEN_MS: '60000',
      UPSTREAM_RETRY_ATTEMPTS: '1',
      AVAAMO_CALLS_PER_MINUTE: '6',
      BUDGET_MAX_WAIT_MS: '20000',
    });
    const http = createHttpClient({ ...config.resilience, budgets: config.traffic.budgets, fetch: upstream.fetch });
    const client = http.forOperation(operation(60_000));
    // Three failures spend the burst of three tokens and open the breaker.
    for (let page = 0; page < 3; page++) expect(await failure(client.request(smsReport(page)))).toMatchObject({ code: 'UPSTREAM_ERROR' });
    const started = Date.now();
    expect(await failure(client.request(smsReport(9)))).toMatchObject({ code: expect.stringMatching(/^(UPSTREAM_UNAVAILABLE|RATE_LIMITED)$/) });
    // The next token is 20 s away; the answer must not be.
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(upstream.calls).toHaveLength(3);
  });
});
