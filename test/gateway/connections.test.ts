import { once } from 'node:events';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { setTimeout as pause } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/auth/callers.js';
import { agentIds, startStack, type Stack } from '../helpers.js';

/**
 * What a refusal does to its connection (issue 12): a refused request must
 * leave its keep-alive connection usable, or close it cleanly with
 * `Connection: close`, never stall the request sent after it.
 */
describe('refusals on one keep-alive connection', () => {
  const KEYS = { reader: 'connections-reader-key-5e6f0a1b', tight: 'connections-tight-key-7a8b2c3d' };
  // A stalled connection hangs until its socket times out, which this stack
  // puts at 30 s; a next request is given 10 s, generous on a busy machine
  // and still far short of that stall.
  const ANSWER_WITHIN_MS = 10_000;
  let stack: Stack;
  let agent: Agent;
  beforeAll(async () => {
    stack = await startStack({
      env: {
        GATEWAY_API_KEYS: JSON.stringify([
          { name: 'reader', keySha256: sha256Hex(KEYS.reader), scopes: ['read'] },
          { name: 'tight', keySha256: sha256Hex(KEYS.tight), scopes: ['read'], ratePerMinute: 1 },
        ]),
        HTTP_KEEP_ALIVE_TIMEOUT_MS: '30000',
      },
    });
    agent = new Agent({ connections: 1 });
  });
  afterAll(async () => {
    await agent.close();
    await stack.close();
  });

  const send = async (body: string | Buffer | Readable, headers: Record<string, string> = {}, method: 'POST' | 'PUT' = 'POST') => {
    const response = await request(stack.url, {
      dispatcher: agent,
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.reader}`, ...headers },
      body,
      signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
    });
    const text = await response.body.text();
    return { status: response.statusCode, connection: response.headers.connection, text };
  };
  const normal = () => send(JSON.stringify({ query: '{ agents { totalCount } }' }));
  async function* megabytes(count: number) {
    for (let i = 0; i < count; i++) yield Buffer.alloc(1024 * 1024, 'x');
  }
  const padded = (bytes: number) => JSON.stringify({ query: '{ agents { totalCount } }', variables: { pad: 'x'.repeat(bytes) } });

  const refusals: Array<{ kind: string; status: number; connection: string; send: () => ReturnType<typeof send> }> = [
    { kind: '413 by size: 10 MB of unknown length', status: 413, connection: 'close', send: () => send(Readable.from(megabytes(10))) },
    { kind: '413 by declared length: 10 MB', status: 413, connection: 'close', send: () => send('x'.repeat(10 * 1024 * 1024)) },
    { kind: '413 by declared length: 200 kB', status: 413, connection: 'keep-alive', send: () => send(padded(200_000)) },
    { kind: '400: a body that is not UTF-8', status: 400, connection: 'keep-alive', send: () => send(Buffer.concat([Buffer.from(padded(60_000)), Buffer.from([0xff, 0xfe])])) },
    { kind: '401: a bad key, before the body is read', status: 401, connection: 'keep-alive', send: () => send(padded(90_000), { authorization: 'Bearer not-a-key' }) },
    { kind: '429: over its rate', status: 429, connection: 'keep-alive', send: () => send(padded(90_000), { authorization: `Bearer ${KEYS.tight}` }) },
    { kind: '405: PUT', status: 405, connection: 'keep-alive', send: () => send(padded(90_000), {}, 'PUT') },
  ];

  it('answers the request after each refusal kind', { timeout: 120_000 }, async () => {
    // The tight key's one operation of the minute, so its next one is refused.
    expect((await send(JSON.stringify({ query: '{ agents { totalCount } }' }), { authorization: `Bearer ${KEYS.tight}` })).status).toBe(200);
    const seen: string[] = [];
    for (const refusal of refusals) {
      const refused = await refusal.send();
      seen.push(`${refusal.kind}: ${refused.status} ${refused.connection}`);
      const next = await normal();
      expect(next.status, `the request after "${refusal.kind}"`).toBe(200);
      expect(JSON.parse(next.text)).toEqual({ data: { agents: { totalCount: agentIds.length } } });
    }
    // Each refusal was the one meant, and says what becomes of its connection.
    expect(seen).toEqual(refusals.map((refusal) => `${refusal.kind}: ${refusal.status} ${refusal.connection}`));
  });

  it('keeps the connection of an ordinary request sent in chunks', async () => {
    async function* chunks() {
      yield Buffer.from('{"query": "{ agents');
      yield Buffer.from(' { totalCount } }"}');
    }
    const answer = await send(Readable.from(chunks()));
    expect(answer).toMatchObject({ status: 200, connection: 'keep-alive' });
  });
});

/**
 * Slowloris: a client that trickles its request a byte at a time must not
 * hold a socket past HTTP_HEADERS_TIMEOUT_MS / HTTP_REQUEST_TIMEOUT_MS.
 * Short timeouts here; each trickle would take seconds to finish.
 */
describe('clients that trickle their request', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { HTTP_HEADERS_TIMEOUT_MS: '300', HTTP_REQUEST_TIMEOUT_MS: '600' } });
  });
  afterAll(() => stack.close());

  const body = JSON.stringify({ query: `{ agents { totalCount } } # ${'x'.repeat(100)}` });
  const head = (length: number) =>
    `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: ${length}\r\n\r\n`;

  /** Sends `atOnce`, then `trickled` one byte every 20 ms, until done or the server closes the connection. */
  async function trickle(atOnce: string, trickled: string) {
    const { port, hostname } = new URL(stack.url);
    const socket = connect(Number(port), hostname);
    socket.on('error', () => undefined); // a write racing the server's close
    let answer = '';
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString();
    });
    let closed = false;
    const closing = once(socket, 'close').then(() => {
      closed = true;
    });
    await once(socket, 'connect');
    if (atOnce) socket.write(atOnce);
    let sent = 0;
    for (const byte of trickled) {
      if (closed || socket.destroyed) break;
      socket.write(byte);
      sent += 1;
      await pause(20);
    }
    const cutOff = sent < trickled.length;
    // A server that let the whole trickle in would keep the connection: stop waiting for it.
    if (!cutOff) socket.destroy();
    await closing;
    return { cutOff, sent, answer };
  }

  it('cuts off a client trickling its headers', { timeout: 60_000 }, async () => {
    const result = await trickle('', head(Buffer.byteLength(body)) + body);
    expect(result.cutOff).toBe(true);
    expect(result.answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('cuts off a client trickling its body', { timeout: 60_000 }, async () => {
    const result = await trickle(head(Buffer.byteLength(body)), body);
    expect(result.cutOff).toBe(true);
    expect(result.answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes a connection that never sends a request', { timeout: 60_000 }, async () => {
    const { port, hostname } = new URL(stack.url);
    const socket = connect(Number(port), hostname);
    socket.on('error', () => undefined);
    const closed = once(socket, 'close').then(() => 'closed by the server');
    // Bounded, so a server that never closes fails here instead of hanging the run.
    const outcome = await Promise.race([closed, pause(10_000).then(() => 'still open after 10 s')]);
    socket.destroy();
    expect(outcome).toBe('closed by the server');
  });

  it('still serves a client that sends its request at once', async () => {
    expect((await stack.execute('{ agents { totalCount } }')).data).toEqual({ agents: { totalCount: agentIds.length } });
  });
});
