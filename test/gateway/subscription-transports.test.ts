import { readFileSync } from 'node:fs';
import type { ExecutionResult, FormattedExecutionResult } from 'graphql';
import { createClient as createSseClient, NetworkError } from 'graphql-sse';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { sha256Hex } from '../../src/auth/callers.js';
import { QueueSummaryDocument, createCxClient } from '../../packages/sdk/src/index.js';
import type { TestClock } from '../clock.js';
import type { Stack } from '../helpers.js';
import { eventually, subscribeOverSse } from '../subscriptions.js';
import { POLL_MS, contactRequests, control, passesDone, startClockedStack } from './live-queue-support.js';

const KEYS = { reader: 'queue-reader-key-3c9e1f', writeOnly: 'queue-poster-key-8a2d47' };
const API_KEYS = JSON.stringify([
  { name: 'queue-screen', keySha256: sha256Hex(KEYS.reader), scopes: ['read'] },
  { name: 'poster', keySha256: sha256Hex(KEYS.writeOnly), scopes: ['write'] },
]);
const QUEUE = 'subscription { contactQueue(status: UNATTENDED, first: 2) { asOf contacts { id } summary { count } } }';
type QueueResult = ExecutionResult<{ contactQueue: { asOf: string; contacts: { id: string }[] | null; summary: { count: number } } | null }>;

let stack: Stack & { clock: TestClock };
beforeAll(async () => {
  stack = await startClockedStack({ GATEWAY_API_KEYS: API_KEYS, SUBSCRIPTION_HEARTBEAT_SECONDS: '1' });
});
afterAll(() => stack.close());
const wsClients: WsClient[] = [];
afterEach(async () => {
  await Promise.all(wsClients.splice(0).map((client) => client.dispose()));
  await eventually(() => stack.clock.pending().length === 0, 'every subscription of the test gone');
});

/** The first result of `query` through a client's iterator, then the subscription ended by the client. */
async function firstResult(iterate: () => AsyncIterableIterator<unknown>): Promise<QueueResult> {
  const results = iterate();
  try {
    const { value } = await results.next();
    return value as QueueResult;
  } finally {
    await results.return?.();
  }
}

const sseClient = (headers: Record<string, string>) => createSseClient({ url: stack.url, singleConnection: false, retryAttempts: 0, headers });
const wsClient = (options: { connectionParams?: Record<string, unknown>; headers?: Record<string, string> }) => {
  const { headers } = options;
  const client = createWsClient({
    url: stack.wsUrl,
    retryAttempts: 0,
    lazy: true,
    connectionParams: options.connectionParams,
    webSocketImpl: headers
      ? class extends WebSocket {
          constructor(url: string, protocols: string | string[]) {
            super(url, protocols, { headers });
          }
        }
      : WebSocket,
  });
  wsClients.push(client);
  return client;
};

describe('GraphQL over SSE (graphql-sse client, distinct connections mode)', () => {
  it('streams the live queue to a key with scope read', async () => {
    const result = await firstResult(() => sseClient({ authorization: `Bearer ${KEYS.reader}` }).iterate({ query: QUEUE }));
    expect(result.errors).toBeUndefined();
    expect(result.data!.contactQueue!.contacts).toHaveLength(2);
  });

  it('refuses a request without a key (401) and a key without scope read (FORBIDDEN)', async () => {
    const refused = await firstResult(() => sseClient({}).iterate({ query: QUEUE })).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(NetworkError);
    expect((refused as NetworkError).response?.status).toBe(401);
    const forbidden = await firstResult(() => sseClient({ authorization: `Bearer ${KEYS.writeOnly}` }).iterate({ query: QUEUE }));
    expect(forbidden.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
    expect(forbidden.data?.contactQueue ?? null).toBeNull();
  });
});

describe('GraphQL over WebSocket (graphql-ws client)', () => {
  it('streams the live queue with the key in connectionParams, or in the upgrade request\'s header', async () => {
    const viaParams = await firstResult(() => wsClient({ connectionParams: { authorization: `Bearer ${KEYS.reader}` } }).iterate({ query: QUEUE }));
    expect(viaParams.data!.contactQueue!.contacts).toHaveLength(2);
    const bareKey = await firstResult(() => wsClient({ connectionParams: { authorization: KEYS.reader } }).iterate({ query: QUEUE }));
    expect(bareKey.data!.contactQueue!.summary.count).toBe(viaParams.data!.contactQueue!.summary.count);
    const viaHeader = await firstResult(() => wsClient({ headers: { authorization: `Bearer ${KEYS.reader}` } }).iterate({ query: QUEUE }));
    expect(viaHeader.data!.contactQueue!.contacts).toEqual(viaParams.data!.contactQueue!.contacts);
  });

  it('runs queries too, through the same pipeline', async () => {
    const result = await firstResult(() => wsClient({ connectionParams: { authorization: `Bearer ${KEYS.reader}` } }).iterate({ query: '{ agents { totalCount } }' }));
    expect(result).toEqual({ data: { agents: { totalCount: expect.any(Number) } } });
  });

  it('closes a connection without a valid key (4403) before any operation, and answers FORBIDDEN without scope read', async () => {
    for (const connectionParams of [{}, { authorization: 'Bearer not-a-key' }]) {
      const refused = await firstResult(() => wsClient({ connectionParams }).iterate({ query: QUEUE })).catch((error: unknown) => error);
      expect(refused).toMatchObject({ code: 4403 });
    }
    const forbidden = await firstResult(() => wsClient({ connectionParams: { authorization: `Bearer ${KEYS.writeOnly}` } }).iterate({ query: QUEUE }));
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses an upgrade to another path', async () => {
    const socket = new WebSocket(stack.wsUrl.replace('/graphql', '/elsewhere'), 'graphql-transport-ws');
    const status = await new Promise<number | undefined>((resolve) => socket.once('unexpected-response', (_request, response) => resolve(response.statusCode)));
    expect(status).toBe(404);
  });
});

describe('a dropped WebSocket connection', () => {
  /** A raw graphql-ws connection subscribed to the queue, once its first event arrived. */
  async function subscribedSocket(options: WebSocket.ClientOptions = {}): Promise<WebSocket> {
    const socket = new WebSocket(stack.wsUrl, 'graphql-transport-ws', options);
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${KEYS.reader}` } }));
    const next = new Promise((resolve) => socket.on('message', (data) => String(data).includes('"next"') && resolve(undefined)));
    socket.on('message', (data) => {
      if (String(data).includes('connection_ack')) socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: QUEUE } }));
    });
    await next;
    return socket;
  }

  it('removes its subscriber at once: the poll stops without the clock moving', async () => {
    const socket = await subscribedSocket();
    await passesDone(stack);
    socket.terminate();
    await eventually(() => stack.clock.pending().length === 0, 'the subscriber removed and its poll stopped');
    const polls = await contactRequests(stack);
    await stack.clock.advance(3 * POLL_MS);
    expect(await contactRequests(stack)).toBe(polls);
  });

  it('drops a peer that stops answering the heartbeat', async () => {
    // A peer gone silent (its network dropped, no FIN): it answers no ping.
    const socket = await subscribedSocket({ autoPong: false });
    const closed = new Promise((resolve) => socket.once('close', resolve));
    await closed;
    await eventually(() => stack.clock.pending().length === 0, 'the silent peer\'s subscriber removed');
  });
});

describe('the SDK\'s live queue documents', () => {
  it('runs ContactQueue by its trusted document id on a gateway that runs trusted documents only, and QueueSummary through createCxClient', async () => {
    const trusted = await startClockedStack({ PERSISTED_OPERATIONS: 'only' });
    try {
      const persisted = JSON.parse(readFileSync(new URL('../../packages/sdk/src/generated/persisted-documents.json', import.meta.url), 'utf8')) as Record<string, string>;
      const documentId = Object.keys(persisted).find((id) => persisted[id]!.startsWith('subscription ContactQueue'))!;
      const queue = subscribeOverSse<{ contactQueue: { contacts: unknown[]; summary: { count: number } } }>(trusted.url, { documentId }, { status: 'UNATTENDED', first: 3 });
      const first = await queue.nth(1);
      expect(first.errors).toBeUndefined();
      expect(first.data!.contactQueue.contacts).toHaveLength(3);
      queue.close();
      const refused = subscribeOverSse(trusted.url, QUEUE);
      expect((await refused.nth(1)).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ONLY');
      const client = createCxClient({ url: trusted.url, send: 'documentId' });
      const summary = await client.request(QueueSummaryDocument, { status: 'UNATTENDED', slaSeconds: 3600 });
      expect(summary.queueSummary?.count).toBe(first.data!.contactQueue.summary.count);
      await eventually(() => trusted.clock.pending().length === 0, 'the trusted stack\'s subscriber gone');
    } finally {
      await trusted.close();
    }
  });
});

describe('long-lived streams and the HTTP server\'s client timeouts', () => {
  it('keeps SSE and WebSocket subscriptions past HTTP_REQUEST_TIMEOUT_MS, which bounds receiving a request only', async () => {
    const quick = await startClockedStack({ HTTP_REQUEST_TIMEOUT_MS: '200', HTTP_HEADERS_TIMEOUT_MS: '100', HTTP_KEEP_ALIVE_TIMEOUT_MS: '100' });
    const ws = createWsClient({ url: quick.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      const sse = subscribeOverSse<{ contactQueue: { entered: { id: string }[] } }>(quick.url, 'subscription { contactQueue(status: UNATTENDED, first: 100) { entered { id } } }');
      const overWs: FormattedExecutionResult<{ contactQueue: { entered: { id: string }[] } }, unknown>[] = [];
      const done = ws.iterate<{ contactQueue: { entered: { id: string }[] } }>({ query: 'subscription { contactQueue(status: UNATTENDED, first: 100) { entered { id } } }' });
      void (async () => {
        for await (const event of done) overWs.push(event);
      })();
      await sse.nth(1);
      await eventually(() => overWs.length === 1, 'the first event over WebSocket');
      // Real time, several times every client timeout: neither stream is cut.
      await new Promise((resolve) => setTimeout(resolve, 800));
      const { added } = await control<{ added: string[] }>(quick, '/__sandbox/contacts', { status: 'unattended', count: 1, waitingSeconds: 2_000_000 });
      await eventually(() => quick.clock.pending().includes(POLL_MS), 'the poll waiting for its interval');
      await quick.clock.advance(POLL_MS);
      expect((await sse.nth(2)).data!.contactQueue.entered.map((contact) => contact.id)).toEqual(added);
      await eventually(() => overWs.length === 2, 'the second event over WebSocket');
      expect(overWs[1]!.data!.contactQueue.entered.map((contact) => contact.id)).toEqual(added);
      sse.close();
      await done.return?.();
    } finally {
      await ws.dispose();
      await quick.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('ends SSE and WebSocket subscriptions as the drain starts, so none holds it to the grace and none is cut', async () => {
    const stopping = await startClockedStack();
    const ws = createWsClient({ url: stopping.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      const sse = subscribeOverSse(stopping.url, 'subscription { contactQueue(status: UNATTENDED, first: 1) { asOf } }');
      await sse.nth(1);
      const overWs = ws.iterate({ query: 'subscription { contactQueue(status: UNATTENDED, first: 1) { asOf } }' });
      await overWs.next();
      const { cut } = await stopping.app.shutdown(60_000);
      expect(cut).toBe(0);
      await sse.ended;
      expect(sse.events).toHaveLength(1);
      // The WebSocket ends completed, or closed as going away (1001): either way its client reconnects elsewhere.
      const end = await overWs.next().then(
        (result) => (result.done ? 'complete' : 'another event'),
        (error: { code?: number }) => error.code,
      );
      expect(['complete', 1001]).toContain(end);
    } finally {
      await ws.dispose();
      await stopping.close();
    }
  });
});
