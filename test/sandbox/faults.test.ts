import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/index.js';
import type { Fault } from '../../src/sandbox/faults.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { loadSandboxSettings } from '../../src/sandbox/settings.js';
import { NOW, call, userHeaders, vambeHeaders } from './helpers.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ now: NOW });
});
afterAll(() => sandbox.close());
afterEach(() => setFaults([]));

const AGENT = '/api/v1/agents/20457.json';
const CONTACTS = '/api/public/analytics/contacts/by-status?page=1&status=unattended';

async function setFaults(faults: Fault[]) {
  const response = await call<{ faults: Fault[] }>(sandbox, '/__sandbox/faults', { method: 'POST', body: JSON.stringify({ faults }) });
  expect(response.status).toBe(200);
  return response;
}
const agent = (init: RequestInit = {}) => fetch(`${sandbox.url}${AGENT}`, { headers: userHeaders, ...init });
/** How the transport failed: fetch wraps the socket's error as `cause`. */
const causeOf = (error: unknown) => ((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name);

describe('fault injection (POST /__sandbox/faults)', () => {
  it('answers any status on the chosen route only, with Retry-After when asked', async () => {
    await setFaults([{ route: `GET /api/v1/agents/{id}.json`, kind: 'status', status: 429, retryAfter: 7 }]);
    const limited = await agent();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(await limited.json()).toMatchObject({ error: expect.stringContaining('429') });
    expect((await call(sandbox, CONTACTS, { headers: vambeHeaders })).status).toBe(200);
    for (const status of [401, 403, 404, 422, 500, 502, 503, 504]) {
      await setFaults([{ route: '*', kind: 'status', status }]);
      expect((await agent()).status).toBe(status);
    }
  });

  it('fails an even share of requests, and only `times` of them', async () => {
    await setFaults([{ route: '*', kind: 'status', status: 503, fraction: 0.3 }]);
    const statuses = [];
    for (let i = 0; i < 10; i += 1) statuses.push((await agent()).status);
    expect(statuses.filter((status) => status === 503)).toHaveLength(3);

    await setFaults([{ route: '*', kind: 'status', status: 502, times: 2 }]);
    const counted = [];
    for (let i = 0; i < 4; i += 1) counted.push((await agent()).status);
    expect(counted).toEqual([502, 502, 200, 200]);
    const listed = await call<{ faults: Array<{ seen: number; injected: number }> }>(sandbox, '/__sandbox/faults');
    expect(listed.body.faults[0]).toMatchObject({ seen: 4, injected: 2 });
  });

  it('adds latency, then answers normally', async () => {
    await setFaults([{ route: '*', kind: 'latency', ms: 300 }]);
    const started = Date.now();
    const response = await agent();
    expect(response.status).toBe(200);
    expect(await response.json()).toHaveProperty('agent');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('never answers', async () => {
    await setFaults([{ route: '*', kind: 'hang' }]);
    const error = await agent({ signal: AbortSignal.timeout(300) }).catch((caught: unknown) => caught);
    expect((error as Error).name).toBe('TimeoutError');
  });

  it('resets the connection', async () => {
    await setFaults([{ route: '*', kind: 'reset' }]);
    const error = await agent().catch((caught: unknown) => caught);
    expect(causeOf(error)).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
  });

  it('truncates the body it announced', async () => {
    await setFaults([{ route: '*', kind: 'truncated' }]);
    const response = await agent();
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });

  it('sends malformed JSON and wrong shapes', async () => {
    await setFaults([{ route: '*', kind: 'malformed' }]);
    const malformed = await agent();
    expect(malformed.status).toBe(200);
    const text = await malformed.text();
    expect(text.length).toBeGreaterThan(0);
    expect(() => JSON.parse(text)).toThrow();

    await setFaults([{ route: '*', kind: 'wrong-shape' }]);
    const wrong = (await (await agent()).json()) as Record<string, unknown>;
    expect(wrong).not.toHaveProperty('agent');
  });

  it('sends headers at once and the body slowly', async () => {
    await setFaults([{ route: '*', kind: 'slow-body', ms: 500 }]);
    const started = Date.now();
    const response = await agent();
    const headersAfter = Date.now() - started;
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toHaveProperty('agent');
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(headersAfter).toBeLessThan(Date.now() - started);
  });

  it('refuses a fault list it cannot read, and keeps the current one', async () => {
    await setFaults([{ route: '*', kind: 'status', status: 500 }]);
    const refused = await call<{ issues: string[] }>(sandbox, '/__sandbox/faults', {
      method: 'POST',
      body: JSON.stringify({ faults: [{ route: '*', kind: 'explode' }] }),
    });
    expect(refused.status).toBe(400);
    expect(refused.body.issues.join()).toContain('kind');
    expect((await agent()).status).toBe(500);
  });

  it('counts faulted requests at the sandbox like any other', async () => {
    sandbox.reset();
    await setFaults([{ route: '*', kind: 'status', status: 503 }]);
    await agent();
    expect(sandbox.requests()).toMatchObject([{ route: '/api/v1/agents/{id}.json', status: 503 }]);
  });
});

describe('SANDBOX_FAULTS', () => {
  it('arms faults from the environment', async () => {
    const settings = loadSandboxSettings({ SANDBOX_FAULTS: JSON.stringify([{ route: '*', kind: 'status', status: 504, fraction: 0.5 }]) });
    expect(settings.faults).toEqual([{ route: '*', kind: 'status', status: 504, fraction: 0.5 }]);
    const faulty = await startSandbox({ now: NOW, faults: settings.faults });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await fetch(`${faulty.url}${AGENT}`, { headers: userHeaders })).status);
      expect(statuses).toEqual([200, 504, 200, 504]);
    } finally {
      await faulty.close();
    }
  });

  it('rejects a list that is not one', () => {
    expect(() => loadSandboxSettings({ SANDBOX_FAULTS: '[{"route":"*","kind":"status","fraction":3}]' })).toThrow(ConfigError);
    expect(() => loadSandboxSettings({ SANDBOX_FAULTS: 'everything' })).toThrow(/SANDBOX_FAULTS/);
  });
});
