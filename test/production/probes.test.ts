import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/auth/callers.js';
import { createReadiness, sandboxCheck } from '../../src/lifecycle/readiness.js';
import { sandboxCredentials } from '../../src/sandbox/credentials.js';
import { startSandbox } from '../../src/sandbox/server.js';
import { startStack, type Stack } from '../helpers.js';

const KEY = 'probe-test-key-5c2a9e71b0';
const secrets = [KEY, sandboxCredentials.avaamoUserToken, sandboxCredentials.vambeApiKey, sandboxCredentials.rocketchatAuthToken];

let stack: Stack;
let origin: string;
beforeAll(async () => {
  stack = await startStack({
    env: {
      GATEWAY_API_KEYS: JSON.stringify([{ name: 'dashboards', keySha256: sha256Hex(KEY), scopes: ['read'] }]),
      // One failed call in a window of one opens a breaker, and no retry hides it.
      BREAKER_MIN_REQUESTS: '1',
      UPSTREAM_RETRY_ATTEMPTS: '1',
      BREAKER_OPEN_MS: '600000',
    },
  });
  origin = new URL(stack.url).origin;
});
afterAll(() => stack.close());

const get = async (path: string) => {
  const response = await fetch(origin + path);
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as Record<string, unknown>, headers: response.headers };
};

describe('GET /healthz', () => {
  it('answers 200 without an API key, telling nothing secret', async () => {
    const health = await get('/healthz');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
    // The same request to the GraphQL endpoint needs the key.
    expect((await fetch(`${stack.url}?query=%7B__typename%7D`)).status).toBe(401);
  });
});

describe('GET /readyz', () => {
  it('answers 200 with each check and breaker while the upstreams answer', async () => {
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      status: 'ready',
      checks: { config: 'up', upstreams: 'up' },
      breakers: { avaamo: 'closed', vambe: 'closed', rocketchat: 'closed' },
    });
    for (const secret of secrets) expect(ready.text).not.toContain(secret);
    expect(ready.text).not.toContain(stack.sandbox.url);
  });

  it('stays ready with one breaker open, and answers 503 with the reason once every breaker is open', async () => {
    await stack.setFaults([{ route: '*', kind: 'status', status: 503 }]);
    const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
    const ask = (query: string) => fetch(stack.url, { method: 'POST', headers, body: JSON.stringify({ query }) }).then((r) => r.json());

    await ask('{ contacts(status: UNATTENDED, first: 1) { totalCount } }');
    const oneOpen = await get('/readyz');
    expect(oneOpen.status).toBe(200);
    expect(oneOpen.body).toMatchObject({ status: 'ready', checks: { upstreams: 'degraded' }, breakers: { vambe: 'open', avaamo: 'closed' } });

    const start = new Date(Date.now() - 86_400_000).toISOString();
    await ask(`{ agents(first: 1) { nodes { name } } agentConversationStats(start: "${start}", end: "${new Date().toISOString()}") { totalConversations } }`);
    const allOpen = await get('/readyz');
    expect(allOpen.status).toBe(503);
    expect(allOpen.body).toMatchObject({
      status: 'not ready',
      reason: "upstreams: every upstream's circuit breaker is open",
      breakers: { avaamo: 'open', vambe: 'open', rocketchat: 'open' },
    });
    await stack.setFaults([]);
  });

  it('answers 503 "shutting down" from the moment shutdown begins', async () => {
    const fresh = await startStack();
    try {
      const before = await fetch(new URL('/readyz', fresh.url));
      expect(before.status).toBe(200);
      fresh.app.readiness.beginShutdown();
      const after = await fetch(new URL('/readyz', fresh.url));
      expect(after.status).toBe(503);
      expect(await after.json()).toMatchObject({ status: 'shutting down', reason: 'the gateway is shutting down' });
    } finally {
      await fresh.close();
    }
  });
});

describe('the embedded sandbox check', () => {
  it('is up while the sandbox answers and down with a reason once it is gone', async () => {
    const sandbox = await startSandbox({ port: 0 });
    const readiness = createReadiness(stack.app.gateway.upstreamState, [], [sandboxCheck(sandbox.url)]);
    expect(await readiness.report()).toMatchObject({ ready: true, body: { checks: { sandbox: 'up' } } });
    await sandbox.close();
    expect(await readiness.report()).toMatchObject({
      ready: false,
      body: { status: 'not ready', reason: 'sandbox: the embedded sandbox does not answer', checks: { sandbox: 'down' } },
    });
  });
});
