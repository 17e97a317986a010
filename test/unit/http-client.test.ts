import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../src/config.js';
import { createHttpClient, type UpstreamRequest } from '../../src/http/client.js';
import { createDeadline } from '../../src/http/deadline.js';
import { createUpstreamStats } from '../../src/http/upstream-stats.js';

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
});
