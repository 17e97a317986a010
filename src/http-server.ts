import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** How long a client may take to send a request, and to keep an idle connection (README, Configuration). */
export interface HttpServerSettings {
  /** The whole request, headers and body, must arrive within this; a slower client is answered 408 and closed. */
  requestTimeoutMs: number;
  /** The request's headers must arrive within this (at most requestTimeoutMs). */
  headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
}

/**
 * The most of a refused request's body the server still reads, and drops, to
 * keep the connection for the client's next request: a refused dashboard
 * POST keeps its connection, a refused upload of megabytes loses it instead.
 */
const MAX_DRAIN_BYTES = 1024 * 1024;

/**
 * The node:http server in front of the gateway: timeouts set so a slow or
 * trickling client (slowloris) never holds a socket past a bound, and every
 * early refusal leaves its connection usable or closes it cleanly.
 */
export function createHttpServer(handler: RequestListener, settings: HttpServerSettings): Server {
  const server = createServer(
    {
      requestTimeout: settings.requestTimeoutMs,
      headersTimeout: settings.headersTimeoutMs,
      keepAliveTimeout: settings.keepAliveTimeoutMs,
      // Node checks both timeouts on this interval (30 s by default), so a
      // trickling client is cut at most a quarter of the headers timeout late.
      connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(settings.headersTimeoutMs / 4))),
    },
    (req, res) => {
      // The request is in: the bound on a silent connection (below) is done.
      req.socket.setTimeout(0);
      settleUnreadBody(req, res);
      void handler(req, res);
    },
  );
  // A connection that has not sent a byte yet is no request to Node, so
  // neither timeout above runs for it: it gets as long as headers would, and
  // Node closes it once it times out.
  server.on('connection', (socket: Socket) => socket.setTimeout(settings.headersTimeoutMs));
  return server;
}

/** Listens on `port` (0: a free one) and resolves once it does. */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * A refusal (413, 401 before the body is read, 429, 405) can be answered
 * before the body is read. Node then leaves the rest of the body on the
 * socket, and the connection's next request waits behind it until the
 * socket times out and is reset (issue 12). So a body of known, small length
 * is read and dropped once the answer is out, which keeps the connection; an
 * answer that goes out before a larger body, or one of unknown length, has
 * fully arrived says `Connection: close`, and Node closes the connection
 * after it instead of reading on.
 */
function settleUnreadBody(req: IncomingMessage, res: ServerResponse): void {
  const declared = req.headers['content-length'] === undefined ? null : Number(req.headers['content-length']);
  const hasBody = declared !== null ? declared > 0 : req.headers['transfer-encoding'] !== undefined;
  if (!hasBody) return;
  if (declared === null || declared > MAX_DRAIN_BYTES) {
    // Node has no hook for "the head is about to go out": wrap this response's
    // writeHead, which Node's implicit head calls too (as on-headers does).
    const writeHead = res.writeHead;
    res.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse['writeHead']>) {
      if (!req.complete) this.setHeader('connection', 'close');
      return writeHead.apply(this, args);
    } as ServerResponse['writeHead'];
    return;
  }
  res.once('finish', () => {
    if (req.complete) return;
    // The answer is out, so nothing reads this body any more: the reader it
    // was handed to still holds it paused through its listeners.
    req.removeAllListeners('readable');
    req.removeAllListeners('data');
    // Node's requestTimeout still bounds how long the rest may take to arrive.
    req.resume();
  });
}
