import type { IncomingHttpHeaders } from 'node:http';
import type { RateLimiter } from './rate-limit.js';
import type { SandboxDataset } from './data.js';
import type { QueueMotion } from './vambe/queue-motion.js';

/** What every route handler gets: the parsed request and the shared simulator state. */
export interface SandboxRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Raw request body (POST only; empty otherwise). */
  body: string;
  /** Who is calling, for per-client rate limits (the remote address). */
  client: string;
  /** Captures of the route pattern, e.g. the agent id. */
  params: string[];
}

export interface SandboxState {
  dataset: SandboxDataset;
  /** The simulated wall clock, in epoch ms: the dataset's `now` plus the time since start. */
  clock(): number;
  /** Vambe's queue over time: every Vambe route and control route brings it to `clock()` first. */
  vambeQueue: QueueMotion;
  /** Present only when vendor rate limits are enforced. */
  limits: { avaamo: RateLimiter; rocketchat: RateLimiter } | null;
}

export interface RouteResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: 'GET' | 'POST';
  /** The path template, as stats report it: `GET /api/v1/agents/{id}.json`. */
  template: string;
  pattern: RegExp;
  /** Which kind of credential the request presents, for the request log; never the secret itself. */
  credential(headers: IncomingHttpHeaders): string;
  handle(request: SandboxRequest, state: SandboxState): RouteResponse;
}

export function respond(status: number, body: unknown, headers?: Record<string, string>): RouteResponse {
  return headers ? { status, body, headers } : { status, body };
}

/** A header's single value; repeated headers count as absent, so they fail auth cleanly. */
export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** The one value of a query parameter; `null` when absent, `undefined` when repeated. */
export function single(query: URLSearchParams, name: string): string | null | undefined {
  const values = query.getAll(name);
  if (values.length === 0) return null;
  return values.length === 1 ? values[0] : undefined;
}
