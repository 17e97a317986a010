import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { parse, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Context as WsContext, SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { createCallerIdentifier } from './auth/callers.js';
import type { SecuritySettings } from './auth/settings.js';
import { schema } from './schema/index.js';
import type { Gateway } from './server.js';

type Yoga = Gateway['yoga'];

export interface WebSocketSettings {
  security: Pick<SecuritySettings, 'auth' | 'apiKeys' | 'rateLimitPerMinute' | 'corsOrigins' | 'maxBodyBytes'>;
  /** Between keep-alive pings; a peer that has not answered one by the next is dropped (SUBSCRIPTION_HEARTBEAT_SECONDS). */
  heartbeatMs: number;
}

/** Headers of the upgrade that belong to the WebSocket handshake, not to the operations run over it. */
const HANDSHAKE_HEADERS = new Set(['connection', 'upgrade', 'host', 'content-length', 'transfer-encoding', 'origin']);

/**
 * Routes every operation to the stream below: graphql-ws only needs to see a
 * subscription to hand it to `subscribe`.
 */
const THROUGH_THE_GATEWAY = parse('subscription { __typename }');

/** What each graphql-ws operation carries to `subscribe`. */
interface Operation {
  payload: SubscribePayload;
  connection: WsContext<Record<string, unknown>, { request: IncomingMessage }>;
}

/**
 * GraphQL over WebSocket (the graphql-ws protocol, on `ws`) at the gateway's
 * endpoint. Each operation runs as a request through the gateway's own HTTP
 * pipeline (API key, rate limit, trusted documents, response cache, limits,
 * scrubbing: every plugin, as over HTTP), as GraphQL over SSE, whose events
 * become graphql-ws `next` messages; ending the operation or dropping the
 * socket cancels that request at once, and with it the subscriber. The API
 * key comes in `connectionParams.authorization` (`Bearer <key>` or the key
 * alone; browsers cannot set headers on a WebSocket) or in the upgrade
 * request's Authorization header; a connection without a valid one is
 * closed (4403) before any operation. Other connectionParams strings travel
 * as request headers (forwarded upstream credentials, x-cx-debug-upstream).
 */
export function attachGraphQLWebSocket(server: Server, gateway: Yoga, settings: WebSocketSettings): { close(): Promise<void> } {
  const callers = createCallerIdentifier(settings.security);
  const endpoint = gateway.graphqlEndpoint;
  const sockets = new WebSocketServer({ noServer: true, maxPayload: settings.security.maxBodyBytes });

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refusal = refuseUpgrade(request, endpoint, settings.security.corsOrigins);
    if (refusal) {
      socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    sockets.handleUpgrade(request, socket, head, (client) => sockets.emit('connection', client, request));
  };
  server.on('upgrade', onUpgrade);

  const graphqlWs = useServer<Record<string, unknown>, { request: IncomingMessage }>(
    {
      schema,
      onConnect: (connection) => {
        const identification = callers.identify(new Request('http://gateway/', { headers: authorizationOf(connection) }));
        if (!('refused' in identification)) return true;
        connection.extra.socket.close(4403, identification.refused.slice(0, 120));
        return false;
      },
      onSubscribe: (connection, _id, payload): ExecutionArgs => ({
        schema,
        document: THROUGH_THE_GATEWAY,
        contextValue: { payload, connection } satisfies Operation,
      }),
      subscribe: (args) => throughGateway(gateway, endpoint, args.contextValue as Operation),
      // The results are the gateway's JSON already (errors formatted, scrubbed): sent as they are.
      onNext: (_connection, _id, _payload, _args, result) => result as never,
    },
    sockets,
    settings.heartbeatMs,
  );

  let closing: Promise<void> | null = null;
  return {
    // Once: shutdown ends the streams as it starts draining, and closes everything after.
    close() {
      server.off('upgrade', onUpgrade);
      closing ??= Promise.resolve(graphqlWs.dispose());
      return closing;
    },
  };
}

/** `404`/`403`/`401` status lines for upgrades the gateway will not take, else null. */
function refuseUpgrade(request: IncomingMessage, endpoint: string, corsOrigins: readonly string[] | null | undefined): string | null {
  const path = (request.url ?? '/').split('?')[0];
  if (path !== endpoint) return '404 Not Found';
  // The same origins as CORS: a page elsewhere may not open one on its visitors' behalf.
  const origin = request.headers.origin;
  if (corsOrigins && origin !== undefined && !corsOrigins.includes(origin)) return '403 Forbidden';
  return null;
}

/** The Authorization a connection presents: connectionParams first, else the upgrade's header; `Bearer ` added to a bare key. */
function authorizationOf(connection: Operation['connection']): Record<string, string> {
  const params = connection.connectionParams ?? {};
  const given = Object.entries(params).find(([name, value]) => name.toLowerCase() === 'authorization' && typeof value === 'string')?.[1] as
    | string
    | undefined;
  const value = given ?? connection.extra.request.headers.authorization;
  if (!value) return {};
  return { authorization: /^bearer /i.test(value) ? value : `Bearer ${value}` };
}

/** The operation as an SSE request to the gateway, with the connection's headers and params. */
function requestFor(endpoint: string, { payload, connection }: Operation, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(connection.extra.request.headers)) {
    if (typeof value === 'string' && !HANDSHAKE_HEADERS.has(name) && !name.startsWith('sec-websocket-')) headers.set(name, value);
  }
  for (const [name, value] of Object.entries(connection.connectionParams ?? {})) {
    if (typeof value !== 'string') continue;
    try {
      headers.set(name.toLowerCase(), value);
    } catch {
      // Not a header name or value: it stays a connection parameter only.
    }
  }
  for (const [name, value] of Object.entries(authorizationOf(connection))) headers.set(name, value);
  headers.set('content-type', 'application/json');
  headers.set('accept', 'text/event-stream');
  return new Request(`http://${connection.extra.request.headers.host ?? 'gateway'}${endpoint}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(payload),
    signal,
  });
}

/**
 * The gateway's answer as results: each SSE `next` event, or the one JSON
 * body of a request refused before it ran. `return()` cancels the request
 * and its body at once, so the operation ends even while a read waits.
 */
function throughGateway(gateway: Yoga, endpoint: string, operation: Operation): AsyncIterableIterator<ExecutionResult> {
  const abort = new AbortController();
  let body: ReadableStreamDefaultReader<string> | null = null;
  const results = (async function* (): AsyncGenerator<ExecutionResult> {
    const response = await gateway.fetch(requestFor(endpoint, operation, abort.signal), { req: operation.connection.extra.request });
    if (!(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
      yield (await response.json()) as ExecutionResult;
      return;
    }
    body = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    if (abort.signal.aborted) return void (await body.cancel());
    let buffered = '';
    for (;;) {
      const { value, done } = await body.read();
      if (done) return;
      buffered += value;
      for (let end = buffered.indexOf('\n\n'); end !== -1; end = buffered.indexOf('\n\n')) {
        const event = parseEvent(buffered.slice(0, end));
        buffered = buffered.slice(end + 2);
        if (event.name === 'complete') return void (await body.cancel());
        if (event.name === 'next' && event.data) yield JSON.parse(event.data) as ExecutionResult;
      }
    }
  })();
  return {
    next: () => results.next(),
    async return() {
      abort.abort();
      await body?.cancel().catch(() => {});
      return results.return(undefined);
    },
    throw: (error: unknown) => results.throw(error),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** One SSE event block: its `event:` name and `data:` lines (comments, the pings, are skipped). */
function parseEvent(block: string): { name: string; data: string } {
  let name = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) name = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  return { name, data: data.join('\n') };
}
