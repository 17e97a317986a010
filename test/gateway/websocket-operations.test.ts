import type { ExecutionResult } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { agentIds, startStack, type Stack } from '../helpers.js';

/**
 * Operations over WebSocket are requests as those over HTTP are: a checked
 * request id (the one the upstreams see), one log line and span each, and a
 * place in the drain at shutdown.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
  await stack.setFaults([]);
});

const client = (connectionParams: Record<string, unknown> = {}) => {
  const made = createClient({ url: stack.wsUrl, retryAttempts: 0, lazy: true, connectionParams, webSocketImpl: WebSocket });
  clients.push(made);
  return made;
};
/** The operation's one result (a query's), or the error the client saw. */
const run = (over: Client, query: string, operationName?: string) =>
  new Promise<ExecutionResult | { failed: unknown }>((resolve) => {
    let result: ExecutionResult | undefined;
    over.subscribe(
      { query, ...(operationName ? { operationName } : {}) },
      { next: (value) => (result = value as ExecutionResult), error: (error) => resolve({ failed: error }), complete: () => resolve(result ?? { failed: 'no result' }) },
    );
  });
const messagesQuery = (name: string) => `query ${name} { agent(agentId: ${agentIds[0]}) { messages(first: 1) { totalCount } } }`;

describe('operations over WebSocket', () => {
  it('replace a malformed x-request-id before it goes upstream, and write one log line under the id sent', async () => {
    await stack.resetStats();
    const bad = `bad id with spaces & ${'x'.repeat(300)}`;
    const result = await run(client({ 'x-request-id': bad }), messagesQuery('WsMessages'));
    expect(result).toMatchObject({ data: { agent: { messages: { totalCount: expect.any(Number) } } } });
    const upstream = (await stack.requests()).filter((request) => request.path === '/v1/messages.json');
    expect(upstream).toHaveLength(1);
    const sentId = upstream[0]!.trace.requestId;
    expect(sentId).toMatch(/^[A-Za-z0-9._-]{1,128}$/);
    expect(sentId).not.toBe(bad);
    await expect.poll(() => stack.logs.lines().filter((line) => line.operationName === 'WsMessages')).toHaveLength(1);
    expect(stack.logs.lines().find((line) => line.operationName === 'WsMessages')).toMatchObject({
      requestId: sentId,
      operationType: 'query',
      status: 200,
      upstream: { requests: 1 },
    });
  });

  it('keep a well-formed id, as over HTTP', async () => {
    await stack.resetStats();
    const result = await run(client({ 'x-request-id': 'ws-trace.42_a' }), messagesQuery('WsKeepsId'));
    expect(result).toHaveProperty('data');
    expect((await stack.requests()).map((request) => request.trace.requestId)).toContain('ws-trace.42_a');
    await expect.poll(() => stack.logs.lines().find((line) => line.operationName === 'WsKeepsId')).toMatchObject({ requestId: 'ws-trace.42_a' });
  });
});

describe('an operation over WebSocket whose client leaves mid-query', () => {
  // The upstream call hangs: only the client leaving can end the operation.
  const leaveMidQuery = async (name: string, leave: (over: Client, unsubscribe: () => void) => void | Promise<void>) => {
    await stack.resetStats();
    await stack.setFaults([{ route: 'GET /v1/messages.json', kind: 'hang' }]);
    const over = client();
    const unsubscribe = over.subscribe({ query: messagesQuery(name) }, { next: () => undefined, error: () => undefined, complete: () => undefined });
    await expect.poll(async () => (await stack.stats()).byRoute['GET /v1/messages.json'] ?? 0).toBe(1);
    await leave(over, unsubscribe);
    await expect.poll(() => stack.logs.lines().filter((line) => line.operationName === name)).toHaveLength(1);
    return stack.logs.lines().filter((line) => line.operationName === name);
  };

  it('is logged as 499 when the client completes it', async () => {
    expect(await leaveMidQuery('WsCompleted', (_over, unsubscribe) => unsubscribe())).toMatchObject([{ status: 499 }]);
  });

  it('is logged as 499 when the client closes its socket', async () => {
    expect(await leaveMidQuery('WsSocketGone', (over) => over.dispose())).toMatchObject([{ status: 499 }]);
  });
});

describe('operations over WebSocket at shutdown', () => {
  it('answers a query in flight when shutdown begins, refuses new operations, and counts nothing cut', async () => {
    const stopping = await startStack({ sandbox: { faults: [{ route: 'GET /v1/messages.json', kind: 'latency', ms: 1_500 }] } });
    try {
      const over = createClient({ url: stopping.wsUrl, retryAttempts: 0, lazy: true, webSocketImpl: WebSocket });
      const inFlight = run(over, messagesQuery('WsAtShutdown'));
      await expect.poll(async () => (await stopping.requests()).some((request) => request.path === '/v1/messages.json')).toBe(true);
      const shutdown = stopping.app.shutdown(20_000);
      const refused = await run(over, '{ agents { totalCount } }');
      expect(refused).toMatchObject({ failed: [expect.objectContaining({ extensions: { code: 'SHUTTING_DOWN' } })] });
      expect(await inFlight).toMatchObject({ data: { agent: { messages: { totalCount: expect.any(Number) } } } });
      expect(await shutdown).toEqual({ cut: 0 });
      expect(stopping.logs.lines().filter((line) => line.operationName === 'WsAtShutdown')).toMatchObject([{ status: 200 }]);
      await over.dispose();
    } finally {
      await stopping.sandbox.close();
      stopping.logs.assertNoSecrets();
    }
  });

  it('terminates a client that never answers the close handshake, so the close phase ends', async () => {
    const stopping = await startStack();
    try {
      // A raw peer that is acknowledged, then stops reading: it never sees the close frame, so it never answers it.
      const peer = new WebSocket(stopping.wsUrl, 'graphql-transport-ws');
      const acknowledged = new Promise<void>((resolve) => peer.on('message', (data) => String(data).includes('connection_ack') && resolve()));
      await new Promise<void>((resolve) => peer.on('open', () => resolve()));
      peer.send(JSON.stringify({ type: 'connection_init' }));
      await acknowledged;
      const events: string[] = [];
      const gone = new Promise<void>((resolve) => peer.on('close', () => (events.push('peer gone'), resolve())));
      // What the gateway waits for, on a clock only the test moves: ws's own 30 s close timeout never fires.
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      peer.pause();
      const shutdown = stopping.app.shutdown(1_000).then((result) => (events.push('shut down'), result));
      await vi.advanceTimersByTimeAsync(1_000);
      await vi.advanceTimersByTimeAsync(1_000);
      vi.useRealTimers();
      // Closed while the peer still reads nothing: the gateway did not wait for its answer.
      await expect.poll(() => events).toContain('shut down');
      expect(await shutdown).toEqual({ cut: 0 });
      events.push('peer reads again');
      peer.resume();
      await gone;
      expect(events).toEqual(['shut down', 'peer reads again', 'peer gone']);
    } finally {
      vi.useRealTimers();
      await stopping.sandbox.close();
    }
  });
});
