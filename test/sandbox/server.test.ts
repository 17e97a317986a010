import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxCredentials } from '../../src/sandbox/credentials.js';
import { generateDataset } from '../../src/sandbox/data.js';
import { startSandbox, type Sandbox, type SandboxRequestRecord, type SandboxStats } from '../../src/sandbox/server.js';
import { NOW, agentHeaders, call, rocketchatHeaders, userHeaders, vambeHeaders } from './helpers.js';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ now: NOW });
});
afterAll(() => sandbox.close());

const RC = '/api/v1/livechat/analytics/dashboards/conversations-by-agent';

describe('stats and the request log', () => {
  it('counts every upstream call by METHOD and route template, 4xx included; control and unknown paths not at all', async () => {
    await call(sandbox, '/__sandbox/reset', { method: 'POST' });
    await call(sandbox, '/api/v1/agents/20457.json', { headers: userHeaders });
    await call(sandbox, '/api/v1/agents/20458.json', { headers: {} });
    await call(sandbox, '/bots/analytics/20457/unhandled_messages.json', { headers: userHeaders });
    await call(sandbox, '/v1/messages.json?per_page=1', { headers: agentHeaders(20457) });
    await call(sandbox, '/v1/messages.json', { headers: userHeaders });
    await call(sandbox, '/bots_api/v1/messages.json', { method: 'POST', headers: userHeaders, body: '{' });
    await call(sandbox, '/api/v1/agents/20457/sms/report.json', { headers: userHeaders });
    await call(sandbox, '/api/public/analytics/contacts/by-status?page=1&status=attended', { headers: vambeHeaders });
    await call(sandbox, `${RC}?start=x`, { headers: rocketchatHeaders });
    const unknown = await call(sandbox, '/no/such/route', { headers: userHeaders });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toBe('application/json; charset=utf-8');
    await call(sandbox, '/__sandbox/requests');

    const stats = await call<SandboxStats>(sandbox, '/__sandbox/stats');
    expect(stats.body).toEqual({
      total: 9,
      byRoute: {
        'GET /api/v1/agents/{id}.json': 2,
        'GET /bots/analytics/{id}/unhandled_messages.json': 1,
        'GET /v1/messages.json': 2,
        'POST /bots_api/v1/messages.json': 1,
        'GET /api/v1/agents/{id}/sms/report.json': 1,
        'GET /api/public/analytics/contacts/by-status': 1,
        'GET /api/v1/livechat/analytics/dashboards/conversations-by-agent': 1,
      },
    });
    expect(sandbox.stats()).toEqual(stats.body);
  });

  it('logs method, route, path, query, status, the credential kind (never the secret) and the trace headers', async () => {
    sandbox.reset();
    await call(sandbox, '/v1/messages.json?per_page=2&device_info=true', {
      headers: { ...agentHeaders(20458), 'x-request-id': 'dashboard-7', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    });
    await call(sandbox, '/api/v1/agents/20457.json', { headers: { 'access-token': 'guess' } });
    await call(sandbox, '/api/public/analytics/contacts/by-status?page=1&status=attended&status=unattended', { headers: vambeHeaders });
    await call(sandbox, `${RC}?start=a&end=b`, { headers: {} });
    await call(sandbox, '/api/v1/agents/20457.json', { headers: userHeaders });
    const log = await call<SandboxRequestRecord[]>(sandbox, '/__sandbox/requests');
    expect(log.body.every(({ at }) => Math.abs(at - Date.now()) < 60_000)).toBe(true);
    expect(log.body.map(({ at: _at, ...entry }) => entry)).toEqual([
      { method: 'GET', route: '/v1/messages.json', path: '/v1/messages.json', query: { per_page: '2', device_info: 'true' }, status: 200, credential: 'avaamo-agent:20458',
        trace: { requestId: 'dashboard-7', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } },
      { method: 'GET', route: '/api/v1/agents/{id}.json', path: '/api/v1/agents/20457.json', query: {}, status: 401, credential: 'invalid', trace: {} },
      { method: 'GET', route: '/api/public/analytics/contacts/by-status', path: '/api/public/analytics/contacts/by-status', query: { page: '1', status: ['attended', 'unattended'] }, status: 400, credential: 'vambe', trace: {} },
      { method: 'GET', route: RC, path: RC, query: { start: 'a', end: 'b' }, status: 401, credential: 'none', trace: {} },
      { method: 'GET', route: '/api/v1/agents/{id}.json', path: '/api/v1/agents/20457.json', query: {}, status: 200, credential: 'avaamo-user', trace: {} },
    ]);
    const text = JSON.stringify(log.body);
    for (const secret of [sandboxCredentials.avaamoUserToken, sandboxCredentials.vambeApiKey, ...sandboxCredentials.avaamoAgents.map((a) => a.accessToken)]) {
      expect(text).not.toContain(secret);
    }
    expect(sandbox.requests()).toEqual(log.body);
  });

  it('resets stats and log through POST /__sandbox/reset, keeping the data', async () => {
    const before = JSON.stringify(sandbox.dataset.vambe);
    await call(sandbox, '/api/v1/agents/20457.json', { headers: userHeaders });
    const reset = await call(sandbox, '/__sandbox/reset', { method: 'POST' });
    expect(reset.body).toEqual({ ok: true });
    expect(sandbox.stats()).toEqual({ total: 0, byRoute: {} });
    expect(sandbox.requests()).toEqual([]);
    expect(JSON.stringify(sandbox.dataset.vambe)).toBe(before);
  });

  it('keeps only the last 2000 requests', async () => {
    sandbox.reset();
    for (let batch = 0; batch < 2005; batch += 20) {
      const size = Math.min(20, 2005 - batch);
      await Promise.all(Array.from({ length: size }, (_, i) => call(sandbox, `/api/v1/agents/20457.json?n=${batch + i}`, { headers: userHeaders })));
    }
    expect(sandbox.stats().total).toBe(2005);
    const kept = sandbox.requests();
    expect(kept).toHaveLength(2000);
    expect(kept[0]?.query).toEqual({ n: '5' });
    expect(kept[1999]?.query).toEqual({ n: '2004' });
  });
});

describe('robustness', () => {
  it('survives bad encoding, odd paths, huge queries and large bodies with 4xx answers', async () => {
    const odd = await call(sandbox, '/api/v1/agents/20457/sms/report.json?to_phone=%E0%A4%A&status=%ZZ', { headers: userHeaders });
    expect(odd.status).toBe(422);
    const vambe = await call(sandbox, '/api/public/analytics/contacts/by-status?page=%FF&status=%', { headers: vambeHeaders });
    expect(vambe.status).toBe(400);
    const huge = await fetch(`${sandbox.url}/v1/messages.json?x=${'a'.repeat(100_000)}`, { headers: agentHeaders(20457) });
    expect(huge.status).toBeGreaterThanOrEqual(400);
    expect(huge.status).toBeLessThan(500);
    const big = await call(sandbox, '/bots_api/v1/messages.json', { method: 'POST', headers: userHeaders, body: 'x'.repeat(2_000_000) });
    expect(big.status).toBe(413);
    const alive = await call(sandbox, '/api/v1/agents/20457.json', { headers: userHeaders });
    expect(alive.status).toBe(200);
  });
});

describe('dataset', () => {
  it('is deterministic: same seed and now give the same data, another seed differs', () => {
    expect(generateDataset(7, NOW)).toEqual(generateDataset(7, NOW));
    expect(JSON.stringify(generateDataset(8, NOW))).not.toBe(JSON.stringify(generateDataset(7, NOW)));
    expect(sandbox.dataset.seed).toBe(42);
  });

  it('backs the sandbox: startSandbox({seed, now}) serves generateDataset(seed, now)', async () => {
    const other = await startSandbox({ seed: 99, now: NOW });
    try {
      expect(other.dataset).toEqual(generateDataset(99, NOW));
      const first = await call<{ entries: unknown[] }>(other, '/v1/messages.json?per_page=1', { headers: agentHeaders(20457) });
      expect(first.body.entries[0]).toEqual(generateDataset(99, NOW).avaamo.agents[20457]?.messages[0]);
    } finally {
      await other.close();
    }
  });

  it('is generated quickly', () => {
    const started = performance.now();
    generateDataset(123, NOW);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('keeps Avaamo timestamps within the 120 days before now, the others within 30', () => {
    const within = (days: number) => (ms: number): boolean => ms >= NOW - days * 86_400_000 && ms <= NOW;
    const inAvaamoHistory = within(120);
    const inWindow = within(30);
    const dataset = generateDataset(5, NOW);
    for (const agent of Object.values(dataset.avaamo.agents)) {
      for (const m of agent.messages) expect(inAvaamoHistory(m.created_at * 1000)).toBe(true);
      for (const u of agent.unhandledMessages) expect(inAvaamoHistory(u.created_at * 1000)).toBe(true);
      for (const s of agent.smsRecords) expect(inAvaamoHistory(s.created_at * 1000)).toBe(true);
    }
    for (const c of dataset.vambe.contacts) {
      expect(inWindow(Date.parse(c.contact.created_at))).toBe(true);
      if (c.lastInboundAt !== null) expect(inWindow(c.lastInboundAt)).toBe(true);
    }
    for (const room of dataset.rocketchat.rooms) expect(inWindow(Date.parse(room.ts))).toBe(true);
  });
});

describe('options', () => {
  it('adds latencyMs before upstream responses only', async () => {
    const slow = await startSandbox({ now: NOW, latencyMs: 150 });
    try {
      let started = performance.now();
      await call(slow, '/api/v1/agents/20457.json', { headers: userHeaders });
      expect(performance.now() - started).toBeGreaterThanOrEqual(140);
      started = performance.now();
      await call(slow, '/api/v1/agents/20457.json', { headers: {} });
      expect(performance.now() - started).toBeGreaterThanOrEqual(140);
      started = performance.now();
      await call(slow, '/__sandbox/stats');
      expect(performance.now() - started).toBeLessThan(140);
    } finally {
      await slow.close();
    }
  });

  it('enforces Avaamo 50 calls/min per token with 429 {error} and Retry-After', async () => {
    const limited = await startSandbox({ now: NOW, rateLimits: true });
    try {
      const statuses = [];
      for (let i = 0; i < 50; i++) statuses.push((await call(limited, '/api/v1/agents/20457.json', { headers: userHeaders })).status);
      expect(new Set(statuses)).toEqual(new Set([200]));
      const rejected = await call(limited, '/bots/analytics/20457/unhandled_messages.json', { headers: userHeaders });
      expect(rejected.status).toBe(429);
      expect(rejected.body).toEqual({ error: 'Rate limit exceeded' });
      expect(Number(rejected.headers.get('retry-after'))).toBeGreaterThan(0);
      // Another token has its own budget.
      expect((await call(limited, '/v1/messages.json', { headers: agentHeaders(20457) })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('listens on the port it reports, with no trailing slash in url', () => {
    expect(sandbox.url).toBe(`http://127.0.0.1:${sandbox.port}`);
    expect(sandbox.port).toBeGreaterThan(0);
  });
});
