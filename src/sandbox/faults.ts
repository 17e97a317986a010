import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { RouteResponse } from './route.js';

/**
 * Upstream misbehaviour on demand, per route: what real APIs do on a bad day,
 * so the gateway's timeouts, retries and breaker can be exercised end to end.
 * Set at start (SANDBOX_FAULTS, a JSON list) or at run time with
 * `POST /__sandbox/faults {"faults": [...]}` (an empty list clears them).
 */
export const faultKinds = [
  /** Answer normally, `ms` later. */
  'latency',
  /** Answer `status` (with `Retry-After: retryAfter` when given) instead of running the route. */
  'status',
  /** Accept the request and never answer. */
  'hang',
  /** Reset the connection (TCP RST) instead of answering. */
  'reset',
  /** Announce the whole body, send half of it, close the connection. */
  'truncated',
  /** A complete answer whose body is not valid JSON. */
  'malformed',
  /** Valid JSON in a shape no contract documents. */
  'wrong-shape',
  /** Headers at once, the body dribbled out over `ms`. */
  'slow-body',
  /**
   * The route's answer after whitespace, `bytes` in all: valid JSON of the
   * right shape, only too big. Streamed, chunked unless `contentLength`
   * announces the size up front.
   */
  'huge',
] as const;
export type FaultKind = (typeof faultKinds)[number];

export const faultSchema = z.object({
  /** `METHOD /template` as the stats name routes (`GET /v1/messages.json`), or `*` for every upstream route. */
  route: z.string().min(1),
  kind: z.enum(faultKinds),
  status: z.number().int().min(100).max(599).optional(),
  /** Seconds, sent as Retry-After with a `status` fault. */
  retryAfter: z.number().int().min(0).optional(),
  /** Milliseconds, for `latency` and `slow-body`. */
  ms: z.number().int().min(0).max(600_000).optional(),
  /** The body's size for `huge`. @default 16 MiB */
  bytes: z.number().int().min(1).max(2 ** 32).optional(),
  /** `huge` sends Content-Length (else the size shows only while reading). @default false */
  contentLength: z.boolean().optional(),
  /** The share of matching requests that fail, spread evenly (0.3: 3 in every 10). @default 1 */
  fraction: z.number().gt(0).max(1).optional(),
  /** Fail only this many requests, then let the rest through. */
  times: z.number().int().min(1).optional(),
});
export type Fault = z.infer<typeof faultSchema>;
export const faultListSchema = z.array(faultSchema);

export const FAULTS_PATH = '/__sandbox/faults';

/** How one request is damaged: `response` replaces the route's answer, `deliver` sends it. */
export interface Injection {
  response?: RouteResponse;
  deliver(res: ServerResponse, response: RouteResponse): Promise<void>;
}

interface ArmedFault {
  fault: Fault;
  seen: number;
  injected: number;
}

export interface Faults {
  /** The fault this request draws, if any. */
  draw(routeKey: string): Injection | null;
  /** `GET` lists the faults with their counts; `POST {"faults": [...]}` replaces them. */
  control(method: string, req: IncomingMessage, res: ServerResponse): Promise<void>;
}

export function createFaults(initial: readonly Fault[] = []): Faults {
  let armed: ArmedFault[] = arm(initial);

  const list = () => armed.map(({ fault, seen, injected }) => ({ ...fault, seen, injected }));

  return {
    draw(routeKey) {
      for (const entry of armed) {
        if (entry.fault.route !== '*' && entry.fault.route !== routeKey) continue;
        entry.seen += 1;
        if (entry.fault.times !== undefined && entry.injected >= entry.fault.times) continue;
        // Evenly spread, not random: a test of "30%" sees exactly 3 in every 10.
        const fraction = entry.fault.fraction ?? 1;
        if (Math.floor(entry.seen * fraction) === Math.floor((entry.seen - 1) * fraction)) continue;
        entry.injected += 1;
        return injection(entry.fault);
      }
      return null;
    },
    async control(method, req, res) {
      if (method === 'GET') return sendJson(res, 200, { faults: list() });
      if (method !== 'POST') return sendJson(res, 404, { error: 'Not found' });
      const parsed = z.object({ faults: faultListSchema }).safeParse(await readJson(req));
      if (!parsed.success) {
        return sendJson(res, 400, { error: 'Expected {"faults": [...]}', issues: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) });
      }
      armed = arm(parsed.data.faults);
      sendJson(res, 200, { faults: list() });
    },
  };
}

function arm(faults: readonly Fault[]): ArmedFault[] {
  return faults.map((fault) => ({ fault, seen: 0, injected: 0 }));
}

function injection(fault: Fault): Injection {
  const answer = async (res: ServerResponse, response: RouteResponse) => sendJson(res, response.status, response.body, response.headers);
  switch (fault.kind) {
    case 'latency':
      return {
        async deliver(res, response) {
          await sleep(fault.ms ?? 1000);
          await answer(res, response);
        },
      };
    case 'status': {
      const status = fault.status ?? 503;
      const headers = fault.retryAfter === undefined ? undefined : { 'retry-after': String(fault.retryAfter) };
      return { response: { status, body: { error: `Injected fault: ${status}` }, ...(headers ? { headers } : {}) }, deliver: answer };
    }
    case 'hang':
      // The socket stays open until the client gives up or the sandbox closes.
      return { deliver: async () => undefined };
    case 'reset':
      return {
        async deliver(res) {
          res.socket?.resetAndDestroy();
        },
      };
    case 'truncated':
      return {
        async deliver(res, response) {
          const payload = Buffer.from(JSON.stringify(response.body));
          res.writeHead(response.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': payload.length });
          res.write(payload.subarray(0, Math.floor(payload.length / 2)), () => res.destroy());
        },
      };
    case 'malformed':
      return {
        async deliver(res, response) {
          const payload = JSON.stringify(response.body);
          sendRaw(res, response.status, payload.slice(0, Math.max(1, Math.floor(payload.length / 2))));
        },
      };
    case 'wrong-shape':
      return {
        async deliver(res, response) {
          sendJson(res, response.status, { unexpected: 'shape', items: 'none' });
        },
      };
    case 'slow-body':
      return {
        async deliver(res, response) {
          const payload = Buffer.from(JSON.stringify(response.body));
          res.writeHead(response.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': payload.length });
          const chunks = 10;
          const size = Math.ceil(payload.length / chunks);
          for (let offset = 0; offset < payload.length && !res.destroyed; offset += size) {
            await sleep((fault.ms ?? 2000) / chunks);
            res.write(payload.subarray(offset, offset + size));
          }
          res.end();
        },
      };
    case 'huge':
      return {
        async deliver(res, response) {
          const payload = Buffer.from(JSON.stringify(response.body));
          const total = Math.max(fault.bytes ?? 16 * 1024 * 1024, payload.length);
          res.writeHead(response.status, {
            'content-type': 'application/json; charset=utf-8',
            ...(fault.contentLength ? { 'content-length': total } : {}),
          });
          // One chunk of padding, written again and again as the socket drains: nothing the size of the body is held.
          const padding = Buffer.alloc(64 * 1024, ' ');
          for (let left = total - payload.length; left > 0 && !res.destroyed; left -= padding.length) {
            const chunk = left >= padding.length ? padding : padding.subarray(0, left);
            if (!res.write(chunk)) await drained(res);
          }
          if (!res.destroyed) res.end(payload);
        },
      };
  }
}

/** Resolves when `res` can take more, or has closed (a client that stopped reading). */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) return resolve();
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendRaw(res, status, JSON.stringify(body), headers);
}

function sendRaw(res: ServerResponse, status: number, payload: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > 100_000) return undefined;
    chunks.push(buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
