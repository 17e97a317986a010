import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { HitPath } from './response-cache/hit-path.js';

/** A request as Yoga's node adapter reads it: a `body` already read is used instead of the stream. */
type ReadRequest = IncomingMessage & { body?: Buffer };

/**
 * The node:http handler of the gateway. A POST body of declared length up to
 * `maxBodyBytes` is read whole first, once: a response-cache hit is then
 * answered from it straight away (response-cache/hit-path.ts), and anything
 * else is handed to Yoga with the body read (Yoga's node adapter takes
 * `req.body` as the body, and plugins/use-utf8-body.ts checks those bytes
 * without streaming them again). Any other request (GET, OPTIONS, a body
 * sent chunked or declared larger) goes to Yoga untouched, which reads or
 * refuses it as before.
 */
export function createGatewayHandler(yoga: RequestListener, hitPath: HitPath | null, maxBodyBytes: number): RequestListener {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readWhole(req);
    // The client left before its body was in: there is no one to answer.
    if (body === null) return;
    (req as ReadRequest).body = body;
    try {
      if (hitPath && (await hitPath(req, res, body))) return;
    } catch {
      // Whatever failed there, Yoga answers the request as it would any other.
      if (res.headersSent) return void res.destroy();
    }
    await yoga(req, res);
  };
  return (req, res) => {
    const declared = req.method === 'POST' && req.headers['transfer-encoding'] === undefined ? Number(req.headers['content-length']) : Number.NaN;
    if (!(declared > 0 && declared <= maxBodyBytes)) return void yoga(req, res);
    void handle(req, res);
  };
}

/** The whole body, or null if the request ended before it did (aborted, reset). */
function readWhole(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.once('error', () => resolve(null));
    req.once('close', () => {
      if (!req.complete) resolve(null);
    });
  });
}
