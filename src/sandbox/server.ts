import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { liveEntryControlRoute } from './avaamo/live-entries.js';
import { avaamoRoutes } from './avaamo/routes.js';
import { generateDataset, streamSeed, type SandboxDataset } from './data.js';
import { createFaults, FAULTS_PATH, type Fault, type Faults } from './faults.js';
import { createRateLimiter } from './rate-limit.js';
import { createRng } from './rng.js';
import { createRequestLog, queryRecord, traceHeaders, type RequestLog, type SandboxRequestRecord, type SandboxStats } from './request-log.js';
import { rocketchatRoutes } from './rocketchat/routes.js';
import type { Route, RouteResponse, SandboxRequest, SandboxState } from './route.js';
import { CONTACTS_CONTROL_PATH, contactsControlRoute } from './vambe/live-contacts.js';
import { createQueueMotion } from './vambe/queue-motion.js';
import { vambeRoutes } from './vambe/routes.js';

export type { SandboxRequestRecord, SandboxStats } from './request-log.js';

export interface SandboxOptions {
  /** Port to listen on; 0 picks any free port. @default 0 */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** Delay added before every upstream response, in ms. @default 0 */
  latencyMs?: number;
  /** Seed of the generated dataset. @default 42 */
  seed?: number;
  /** Epoch ms the dataset is anchored at (its Avaamo data covers the 120 days before, the rest 30). @default Date.now() at start */
  now?: number;
  /**
   * Enforce the vendors' rate limits: Avaamo 50 calls/min per token, Rocket.Chat 10 calls
   * per 60 s per client per route, both answered 429. @default false
   */
  rateLimits?: boolean;
  /** Injected upstream failures (faults.ts); changed at run time through POST /__sandbox/faults. @default [] */
  faults?: readonly Fault[];
  /** Vambe contacts with an active ticket in each status. @default 30 to 78 per status, from the seed */
  contactsPerStatus?: number;
  /**
   * Vambe's queue moves on its own: contacts arrive, get attended, tickets
   * close (vambe/queue-motion.ts), deterministically from the seed and `now`.
   * Off, the queue changes only through POST /__sandbox/contacts. @default false
   */
  liveQueue?: boolean;
  /**
   * For tests: what the simulated clock runs on (only differences of `now()`
   * count; the gateway's test clock fits), so a test moves the sandbox's time
   * together with the gateway's. @default real time
   */
  clock?: { now(): number };
}

export interface Sandbox {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:4010. */
  url: string;
  port: number;
  /** The live data: POSTed messages land here too, so it stays the reference for assertions. */
  dataset: SandboxDataset;
  /** The simulated wall clock, epoch ms: what waiting times are computed at (Vambe's queue brought up to it first). */
  now(): number;
  stats(): SandboxStats;
  requests(): SandboxRequestRecord[];
  /** Zeroes the stats, clears the request log and the rate-limit windows; keeps the data. */
  reset(): void;
  close(): Promise<void>;
}

const ROUTES: readonly Route[] = [...avaamoRoutes, ...vambeRoutes, ...rocketchatRoutes];
const MAX_BODY_BYTES = 1_000_000;

/** Starts the upstream simulator: Avaamo, Vambe and Rocket.Chat behind one HTTP server. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const { port = 0, host = '127.0.0.1', latencyMs = 0, seed = 42, rateLimits = false } = options;
  const startedAt = Date.now();
  const runsOn = options.clock ?? performance;
  const startedPerf = runsOn.now();
  const anchor = options.now ?? startedAt;
  const dataset = generateDataset(seed, anchor, { contactsPerStatus: options.contactsPerStatus });
  const state: SandboxState = {
    dataset,
    // The simulated clock starts at the anchor and runs in real time, so a fixed `now` keeps "recent" data recent.
    // Sub-millisecond, like a real server's: an entry added after a response is later than its time_token.
    clock: () => anchor + (runsOn.now() - startedPerf),
    vambeQueue: createQueueMotion(
      dataset.vambe,
      { motion: createRng(streamSeed(seed, 4)), posted: createRng(streamSeed(seed, 5)) },
      anchor,
      options.liveQueue ?? false,
    ),
    limits: rateLimits ? { avaamo: createRateLimiter(50, 60_000), rocketchat: createRateLimiter(10, 60_000) } : null,
  };
  const log = createRequestLog();
  const faults = createFaults(options.faults);
  const reset = (): void => {
    log.reset();
    state.limits?.avaamo.clear();
    state.limits?.rocketchat.clear();
  };

  const server = createServer((req, res) => {
    handle(req, res, { state, log, reset, latencyMs, faults }).catch(() => {
      if (!res.headersSent) send(res, { status: 500, body: { error: 'Internal sandbox error' } });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    port: bound,
    dataset: state.dataset,
    now: () => {
      const now = state.clock();
      state.vambeQueue.advanceTo(now);
      return now;
    },
    stats: log.stats,
    requests: log.requests,
    reset,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

interface Handling {
  state: SandboxState;
  log: RequestLog;
  reset(): void;
  latencyMs: number;
  faults: Faults;
}

async function handle(req: IncomingMessage, res: ServerResponse, { state, log, reset, latencyMs, faults }: Handling): Promise<void> {
  const at = Date.now();
  const method = req.method ?? 'GET';
  const target = req.url ?? '/';
  const queryAt = target.indexOf('?');
  const path = queryAt === -1 ? target : target.slice(0, queryAt);
  const query = new URLSearchParams(queryAt === -1 ? '' : target.slice(queryAt + 1));

  if (path === FAULTS_PATH) return faults.control(method, req, res);
  if (path.startsWith(CONTACTS_CONTROL_PATH)) {
    const control = contactsControlRoute(method, path, await readBody(req), state);
    if (control) return send(res, control);
  }
  const control = controlRoute(method, path, log, reset) ?? liveEntryControlRoute(method, path, query, state);
  if (control) {
    req.resume();
    return send(res, control);
  }
  const match = findRoute(method, path);
  if (!match) {
    req.resume();
    return send(res, { status: 404, body: { error: 'Not found', path } });
  }
  const { route, params } = match;
  const body = await readBody(req);
  const request: SandboxRequest = { method, path, query, headers: req.headers, body: body ?? '', client: req.socket.remoteAddress ?? 'unknown', params };
  const fault = faults.draw(`${method} ${route.template}`);
  const response = fault?.response ?? (body === null ? { status: 413, body: { error: 'Request body too large' } } : safely(() => route.handle(request, state)));
  log.record({
    method,
    route: route.template,
    path,
    query: queryRecord(query),
    status: response.status,
    credential: route.credential(req.headers),
    at,
    trace: traceHeaders(req),
  });
  if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
  if (fault) return fault.deliver(res, response);
  send(res, response);
}

/** The sandbox's own routes: not upstream calls, so neither counted nor delayed. */
function controlRoute(method: string, path: string, log: RequestLog, reset: () => void): RouteResponse | null {
  if (method === 'GET' && path === '/__sandbox/health') return { status: 200, body: { status: 'ok' } };
  if (method === 'GET' && path === '/__sandbox/stats') return { status: 200, body: log.stats() };
  if (method === 'GET' && path === '/__sandbox/requests') return { status: 200, body: log.requests() };
  if (method === 'POST' && path === '/__sandbox/reset') {
    reset();
    return { status: 200, body: { ok: true } };
  }
  return null;
}

/** [I] a known path with the wrong method is a plain 404, like an unknown path, and is not counted. */
function findRoute(method: string, path: string): { route: Route; params: string[] } | null {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (match) return { route, params: match.slice(1).map((param) => param ?? '') };
  }
  return null;
}

/** The body as text, or null when it exceeds the limit (read to the end anyway, so the 413 reaches the client). */
async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size <= MAX_BODY_BYTES) chunks.push(buffer);
  }
  return size > MAX_BODY_BYTES ? null : Buffer.concat(chunks).toString('utf8');
}

function safely(run: () => RouteResponse): RouteResponse {
  try {
    return run();
  } catch {
    return { status: 500, body: { error: 'Internal sandbox error' } };
  }
}

function send(res: ServerResponse, response: RouteResponse): void {
  const payload = JSON.stringify(response.body);
  res.writeHead(response.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    ...response.headers,
  });
  res.end(payload);
}
