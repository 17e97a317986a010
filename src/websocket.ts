import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { getOperationAST, GraphQLError, parse, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Context as WsContext, SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { createCallerIdentifier } from './auth/callers.js';
import type { SecuritySettings } from './auth/settings.js';
import { settlesWithin } from './http/deadline.js';
import type { Drain } from './lifecycle/drain.js';
import { schema } from './schema/index.js';
import type { Gateway } from './server.js';
import type { Logger } from './telemetry/logger.js';
import { logRequest } from './telemetry/operation-log.js';
import { REQUEST_ID_HEADER, requestIdFrom } from './telemetry/request-id.js';
import type { RequestRecords } from './telemetry/request-record.js';
import { traceRequest } from './telemetry/tracing.js';

type Yoga = Gateway['yoga'];

export interface WebSocketSettings {
  security: Pick<SecuritySettings, 'auth' | 'apiKeys' | 'rateLimitPerMinute' | 'corsOrigins' | 'maxBodyBytes'>;
  /** Between keep-alive pings; a peer that has not answered one by the next is dropped (SUBSCRIPTION_HEARTBEAT_SECONDS). */
  heartbeatMs: number;
  /** Where each operation's log line and span read what the plugins recorded, as for a request over HTTP. */
  records: RequestRecords;
  logger: Logger;
  /** Queries and mutations in flight are counted in it, as requests over HTTP are. */
  drain: Drain;
}

export interface GraphQLWebSocket {
  /**
   * Shutdown's first step: no new connection or operation; subscriptions end
   * (the gateway ends their streams); queries and mutations under way run on,
   * counted in the drain.
   */
  stopAccepting(): void;
  /** Closes every connection (after the drain, or when a test stops the app); a peer that has not answered the close within a second is cut. */
  close(): Promise<void>;
}

const shuttingDown = new GraphQLError('The gateway is shutting down: reconnect, and another instance will take the operation.', {
  extensions: { code: 'SHUTTING_DOWN' },
});

/** How long closing waits for peers to answer the close handshake before it cuts them. */
const CLOSE_HANDSHAKE_MS = 1_000;

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
export function attachGraphQLWebSocket(server: Server, gateway: Yoga, settings: WebSocketSettings): GraphQLWebSocket {
  const callers = createCallerIdentifier(settings.security);
  let accepting = true;
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
      onSubscribe: (connection, _id, payload): ExecutionArgs | readonly GraphQLError[] => {
        if (!accepting) return [shuttingDown];
        return { schema, document: THROUGH_THE_GATEWAY, contextValue: { payload, connection } satisfies Operation };
      },
      subscribe: (args) => throughGateway(gateway, endpoint, args.contextValue as Operation, settings),
      // The results are the gateway's JSON already (errors formatted, scrubbed): sent as they are.
      onNext: (_connection, _id, _payload, _args, result) => result as never,
    },
    sockets,
    settings.heartbeatMs,
  );

  let closing: Promise<void> | null = null;
  const stopAccepting = () => {
    accepting = false;
    server.off('upgrade', onUpgrade);
  };
  return {
    stopAccepting,
    // Once: shutdown closes everything after the drain; a test's app.close() at once.
    close() {
      stopAccepting();
      closing ??= (async () => {
        // dispose() waits for every peer's close handshake (ws gives each 30 s): one that never answers
        // would hold the close phase past the exit watchdog. Past a second, the rest are cut.
        const disposed = Promise.resolve(graphqlWs.dispose());
        if (!(await settlesWithin(disposed, CLOSE_HANDSHAKE_MS))) for (const peer of sockets.clients) peer.terminate();
        await disposed;
      })();
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

/** The operation as an SSE request to the gateway, with the connection's headers and params, and its request id. */
function requestFor(endpoint: string, { payload, connection }: Operation, requestId: string, signal: AbortSignal): Request {
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
  // Checked as over HTTP: the upstreams receive only an id that passed (request-id.ts).
  headers.set(REQUEST_ID_HEADER, requestId);
  headers.set('content-type', 'application/json');
  headers.set('accept', 'text/event-stream');
  return new Request(`http://${connection.extra.request.headers.host ?? 'gateway'}${endpoint}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(payload),
    signal,
  });
}

/** Whether the operation is a subscription (then it is not drained: shutdown ends it); one that does not parse is not. */
function isSubscription({ query, operationName }: SubscribePayload): boolean {
  if (!query) return false;
  try {
    return getOperationAST(parse(query), operationName ?? undefined)?.operation === 'subscription';
  } catch {
    return false;
  }
}

/**
 * The gateway's answer as results: each SSE `next` event, or the one JSON
 * body of a request refused before it ran. `return()` cancels the request
 * and its body at once, so the operation ends even while a read waits.
 * Each operation is one request as the request handler makes it: a checked
 * request id, a record the plugins fill in, a span and a log line when it
 * ends (499 when the client ended it first), and, unless a subscription, a
 * place in the drain.
 */
function throughGateway(
  gateway: Yoga,
  endpoint: string,
  operation: Operation,
  { records, logger, drain }: Pick<WebSocketSettings, 'records' | 'logger' | 'drain'>,
): AsyncIterableIterator<ExecutionResult> {
  const abort = new AbortController();
  let body: ReadableStreamDefaultReader<string> | null = null;
  const upgrade = operation.connection.extra.request;
  const params = operation.connection.connectionParams ?? {};
  const sentId = Object.entries(params).find(([name, value]) => name.toLowerCase() === REQUEST_ID_HEADER && typeof value === 'string')?.[1];
  const requestId = requestIdFrom(typeof sentId === 'string' ? sentId : upgrade.headers[REQUEST_ID_HEADER]);
  // The plugins find an operation's record by its server context's `req`: one object per operation (reading through to the upgrade's socket and headers), since one upgrade carries many.
  const req = Object.create(upgrade) as IncomingMessage;
  const record = records.open(req, requestId);
  const release = isSubscription(operation.payload) ? () => undefined : drain.hold();
  let status = 200;
  let answered: Promise<Response> | undefined;
  const endSpan = traceRequest(upgrade.headers, 'POST', endpoint, () => {
    answered = Promise.resolve(gateway.fetch(requestFor(endpoint, operation, requestId, abort.signal), { req }));
    // Read by the first next(); a failure is its to report, never an unhandled rejection.
    answered.catch(() => undefined);
  });
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    release();
    endSpan(record, status);
    logRequest(logger, record, status);
  };
  const results = (async function* (): AsyncGenerator<ExecutionResult> {
    const response = await answered!;
    // A client that left first stays 499, whatever the gateway then answered.
    if (!abort.signal.aborted) status = response.status;
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
  const settled = <T>(step: Promise<IteratorResult<T>>) =>
    step.then(
      (result) => {
        if (result.done) end();
        return result;
      },
      (error: unknown) => {
        // Failing because the client left (the request aborted) is its 499, not the gateway's 500.
        if (!abort.signal.aborted) status = 500;
        end();
        throw error;
      },
    );
  return {
    next: () => settled(results.next()),
    async return() {
      // The client completed it, or its socket went: as a caller that left over HTTP.
      if (!ended) status = 499;
      abort.abort();
      await body?.cancel().catch(() => {});
      const result = await results.return(undefined);
      end();
      return result;
    },
    throw: (error: unknown) => settled(results.throw(error)),
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
