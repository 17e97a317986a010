import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/auth/callers.js';
import { sandboxCredentials } from '../../src/sandbox/credentials.js';
import { manualClock, settled } from '../clock.js';
import { agentIds, startStack, type Stack } from '../helpers.js';

const TOKEN = 'metrics-scraper-token-0b8e6c1f';

/** The value of one series in Prometheus text, e.g. sample(text, 'cx_breaker_state', { upstream: 'avaamo' }). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map(([, key, value]) => [key, value]));
    if (Object.entries(labels).every(([key, value]) => have[key] === value)) return Number(match[3]);
  }
  return undefined;
}

/** An allow-list (not enforced) naming the operations the metrics label by name; any other name is `other`. */
function allowListOf(documents: string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'cx-metrics-')), 'operations.json');
  writeFileSync(file, JSON.stringify(Object.fromEntries(documents.map((document) => [sha256Hex(document), document]))));
  return file;
}

const scrape = async (url: string, headers: Record<string, string> = {}) => {
  const response = await fetch(url, { headers });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
};

describe('GET /metrics on the main port', () => {
  let stack: Stack;
  let metricsUrl: string;
  beforeAll(async () => {
    stack = await startStack({
      sandbox: { latencyMs: 300 },
      env: {
        CACHE: 'true',
        RESPONSE_CACHE: 'true',
        // A bound a few small answers fill: later ones evict earlier ones.
        CACHE_MAX_BYTES: '5000',
        ROCKETCHAT_CALLS_PER_MINUTE: '2',
        BUDGET_MAX_WAIT_MS: '0',
        METRICS_TOKEN: TOKEN,
        PERSISTED_OPERATIONS_FILE: allowListOf([
          'query Dashboard { agents { totalCount } }',
          'query Names { agents { totalCount } }',
          'query Broken { agents { totalCount } }',
          'query Stats { agents { totalCount } }',
        ]),
      },
    });
    metricsUrl = new URL('/metrics', stack.url).href;
  });
  afterAll(() => stack.close());

  it('asks for METRICS_TOKEN when it is set', async () => {
    expect((await scrape(metricsUrl)).status).toBe(401);
    expect((await scrape(metricsUrl, { authorization: 'Bearer wrong-token-of-some-length' })).status).toBe(401);
    const scraped = await scrape(metricsUrl, { authorization: `Bearer ${TOKEN}` });
    expect(scraped.status).toBe(200);
    expect(scraped.type).toContain('text/plain');
    expect(sample(scraped.text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(scraped.text, 'nodejs_eventloop_lag_seconds')).toBeDefined();
  });

  it('counts operations, upstream calls by outcome, cache, budget, breakers and in-flight attempts, labelled by route names only', async () => {
    await stack.resetStats();
    const dashboard = /* GraphQL */ `query Dashboard { agents(first: 2) { nodes { name smsRecords(first: 2) { totalCount } } } }`;
    // An attempt in flight: the sandbox holds it 300 ms after logging it.
    const first = stack.execute(dashboard);
    while ((await stack.stats()).total === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const during = (await scrape(metricsUrl, { authorization: `Bearer ${TOKEN}` })).text;
    expect(sample(during, 'cx_upstream_in_flight', { upstream: 'avaamo' })).toBeGreaterThanOrEqual(1);
    expect((await first).errors).toBeUndefined();
    // Again: the response cache answers.
    expect((await stack.execute(dashboard)).errors).toBeUndefined();
    // A different document reading the same agents: the upstream cache answers what it still holds.
    await stack.execute('query Names { agents(first: 2) { nodes { name } } }');
    const start = new Date(Date.now() - 86_400_000).toISOString();
    const stats = (window: number) =>
      stack.execute(`query Stats { agentConversationStats(start: "${start}", end: "${new Date(Date.now() - window).toISOString()}") { totalConversations } }`);
    // Two calls a minute, one token to start with: the second distinct report is refused.
    const refusedOne = [await stats(1000), await stats(2000)].find((response) => response.errors);
    expect(refusedOne?.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    await stack.execute('query Broken { agent(agentId: 1) { name } }');
    // Names the allow-list does not hold, sent first or not, all count as one `other`.
    for (let index = 0; index < 3; index++) await stack.execute(`query Junk${index} { agents(first: 1) { totalCount } }`);
    // Two operations at once needing the same agent's details: one upstream call, the other joins it.
    const [one, two] = await Promise.all([
      stack.execute(`query Together1 { agent(agentId: ${agentIds[2]}) { name } }`),
      stack.execute(`query Together2 { agent(agentId: ${agentIds[2]}) { id name } }`),
    ]);
    expect([one.errors, two.errors]).toEqual([undefined, undefined]);

    const { text } = await scrape(metricsUrl, { authorization: `Bearer ${TOKEN}` });
    const { byRoute } = await stack.stats();
    const sent = (route: string) => sample(text, 'cx_upstream_requests_total', { upstream: route.split('.')[0]!, route, outcome: 'sent' });
    expect(sent('avaamo.smsReport')).toBe(byRoute['GET /api/v1/agents/{id}/sms/report.json']);
    expect(sent('rocketchat.conversationsByAgent')).toBe(byRoute['GET /api/v1/livechat/analytics/dashboards/conversations-by-agent']);
    expect(sample(text, 'cx_upstream_request_duration_seconds_count', { upstream: 'avaamo', route: 'avaamo.smsReport', status: '200' })).toBe(
      byRoute['GET /api/v1/agents/{id}/sms/report.json'],
    );
    expect(sample(text, 'cx_response_cache_requests_total', { result: 'hit' })).toBe(1);
    expect(sample(text, 'cx_response_cache_requests_total', { result: 'miss' })).toBeGreaterThanOrEqual(3);
    expect(sample(text, 'cx_cache_evictions_total', { cache: 'upstream' })).toBeGreaterThan(0);
    expect(sample(text, 'cx_cache_bytes', { cache: 'upstream' })).toBeLessThanOrEqual(5000);
    expect(sample(text, 'cx_cache_bytes', { cache: 'response' })).toBeGreaterThan(0);
    expect(sample(text, 'cx_budget_refusals_total', { upstream: 'rocketchat', route: 'rocketchat.conversationsByAgent' })).toBe(1);
    expect(sample(text, 'cx_budget_tokens', { upstream: 'rocketchat', route: 'rocketchat.conversationsByAgent' })).toBe(0);
    // Avaamo's budget is off in the tests' environment, so it has no series.
    expect(sample(text, 'cx_budget_tokens', { upstream: 'avaamo' })).toBeUndefined();
    for (const upstream of ['avaamo', 'vambe', 'rocketchat']) expect(sample(text, 'cx_breaker_state', { upstream })).toBe(0);
    expect(sample(text, 'cx_upstream_in_flight', { upstream: 'avaamo' })).toBe(0);
    expect(sample(text, 'graphql_envelop_request_duration_count', { operationName: 'Dashboard', operationType: 'query' })).toBe(1);
    expect(sample(text, 'graphql_envelop_request', { operationName: 'Names', operationType: 'query' })).toBe(1);
    expect(sample(text, 'graphql_envelop_error_result', { operationName: 'Broken', code: 'NOT_FOUND' })).toBe(1);
    expect(sample(text, 'graphql_envelop_error_result', { operationName: 'Stats', code: 'RATE_LIMITED' })).toBe(1);
    expect(sample(text, 'graphql_envelop_request', { operationName: 'other', operationType: 'query' })).toBe(5);
    expect(text).not.toMatch(/operationName="(Junk|Together)/);
    // Each outcome as the operations' own log lines count them (another path: their per-operation stats).
    const logged = (count: 'cacheHits' | 'coalesced') =>
      stack.logs
        .lines()
        .map((line) => (line.upstream as Record<string, number> | undefined)?.[count] ?? 0)
        .reduce((sum, each) => sum + each, 0);
    const total = (outcome: string) =>
      text
        .split('\n')
        .filter((line) => line.startsWith('cx_upstream_requests_total{') && line.includes(`outcome="${outcome}"`))
        .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
    expect(total('cache_hit')).toBeGreaterThan(0);
    expect(total('cache_hit')).toBe(logged('cacheHits'));
    expect(total('coalesced')).toBeGreaterThanOrEqual(1);
    expect(total('coalesced')).toBe(logged('coalesced'));
    expect(sample(text, 'cx_budget_waits_total', { upstream: 'rocketchat' })).toBeUndefined();

    // Label values: names from closed sets, never a URL, an id or a credential.
    expect(text).not.toContain('http://');
    expect(text).not.toMatch(/="[^"]*\d{5}[^"]*"/);
    for (const secret of [sandboxCredentials.avaamoUserToken, sandboxCredentials.vambeApiKey, sandboxCredentials.rocketchatAuthToken, TOKEN]) {
      expect(text).not.toContain(secret);
    }
  });
});

describe('budget waits', () => {
  it('counts a call that waits for its token, once, when it starts waiting', async () => {
    // Rocket.Chat at 2 a minute: one token at once, the next 60 s later, on a clock that moves only when told.
    const clock = manualClock(Date.now());
    const stack = await startStack({ env: { ROCKETCHAT_CALLS_PER_MINUTE: '2', BUDGET_MAX_WAIT_MS: '60000', OPERATION_DEADLINE_MS: '120000' }, gateway: { clock } });
    try {
      const stats = (window: number) =>
        stack.execute(`{ agentConversationStats(start: "${new Date(Date.now() - 86_400_000).toISOString()}", end: "${new Date(Date.now() - window).toISOString()}") { totalConversations } }`);
      const metricsUrl = new URL('/metrics', stack.url).href;
      expect((await stats(1000)).errors).toBeUndefined();
      const waiting = stats(2000);
      await expect.poll(async () => sample((await scrape(metricsUrl)).text, 'cx_budget_waits_total', { upstream: 'rocketchat' })).toBe(1);
      expect(await settled(waiting)).toBe(false);
      await clock.advance(60_000);
      expect((await waiting).errors).toBeUndefined();
      expect(sample((await scrape(metricsUrl)).text, 'cx_budget_waits_total', { upstream: 'rocketchat', route: 'rocketchat.conversationsByAgent' })).toBe(1);
      expect((await stack.stats()).total).toBe(2);
    } finally {
      await stack.close();
    }
  });
});

describe('GET /metrics with METRICS_PORT', () => {
  it('is served on its own port only, not on the main one', async () => {
    // The port the config names is overridden with a free one (tests never bind fixed ports).
    const stack = await startStack({ env: { METRICS_PORT: '9464' } });
    try {
      const { metricsServer } = stack.app;
      const address = metricsServer?.address();
      expect(address && typeof address === 'object').toBe(true);
      const own = await scrape(`http://127.0.0.1:${(address as { port: number }).port}/metrics`);
      expect(own.status).toBe(200);
      expect(sample(own.text, 'cx_breaker_state', { upstream: 'vambe' })).toBe(0);
      const main = await fetch(new URL('/metrics', stack.url));
      expect(main.status).toBe(404);
    } finally {
      await stack.close();
    }
  });
});
