import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { ResilienceSettings } from './settings.js';
import { createBreakers } from './breaker.js';
import { createBudgets, type BudgetSettings, type BudgetTicket, type Reservation } from './budget.js';
import { createUpstreamCache, type CacheSettings, type Clock, type Load, type Sized } from './cache.js';
import { createDeadline, raceSignal, type Deadline } from './deadline.js';
import { createLimiter } from './limit.js';
import { perUpstream } from './per-upstream.js';
import { UpstreamError, upstreamErrorFromResponse, upstreamLabels, type UpstreamName } from './errors.js';
import { withRetries } from './retry.js';
import type { UpstreamRoute } from './routes.js';
import { attemptSignal, createDispatcher, deadlineError, transportError } from './timeouts.js';
import { noUpstreamReads, type UpstreamReads } from './upstream-reads.js';
import { noUpstreamStats, type UpstreamStats } from './upstream-stats.js';
import { shapeProblem } from './wire-shape.js';

export type QueryValue = string | number | boolean | undefined;

export interface UpstreamRequest<T> {
  upstream: UpstreamName;
  /** Names the route for cache TTLs, budgets and stats. */
  route: UpstreamRoute;
  method: 'GET' | 'POST';
  baseUrl: string;
  /** Already encoded path segments (clients encode what they interpolate). */
  path: string;
  query?: Record<string, QueryValue>;
  headers: Record<string, string>;
  body?: unknown;
  /** The wire shape; the response is validated against it where it enters. */
  schema: z.ZodType<T>;
}

export interface HttpClient {
  request<T>(request: UpstreamRequest<T>): Promise<T>;
  /** Drops the cached answers of one route read with these credentials (a write changed them). */
  invalidate(route: UpstreamRoute, headers: Record<string, string>): void;
  /**
   * The same client (same cache, budgets, breakers, limits) for one GraphQL
   * operation: its calls count into its stats and end by its deadline.
   */
  forOperation(operation: OperationScope): HttpClient;
  /** `false` only for the benchmark's naive baseline: loaders then deduplicate nothing. */
  readonly dataloader: boolean;
}

export interface OperationScope {
  stats: UpstreamStats;
  deadline: Deadline;
  /** What the operation read through the cache, for the response cache. @default none recorded */
  reads?: UpstreamReads;
}

export interface HttpClientOptions extends ResilienceSettings {
  /** Concurrent requests per upstream, across all GraphQL requests. @default 6 */
  maxConcurrentPerUpstream?: number;
  /** The cross-request cache. @default off */
  cache?: CacheSettings;
  /** Call budgets per upstream and credential. @default none */
  budgets?: BudgetSettings;
  /** @default true */
  dataloader?: boolean;
  fetch?: typeof globalThis.fetch;
  /** For tests: the clock of cache TTLs and budget refills. */
  clock?: Clock;
  /** Told of every invalidation (a write changed what one route read with one credential), cache on or off. */
  onInvalidate?: (route: UpstreamRoute, credential: string) => void;
}

/** URL with parameters in sorted order, so one request always has one spelling. */
export function canonicalUrl(baseUrl: string, path: string, query: Record<string, QueryValue> = {}): string {
  const url = new URL(baseUrl + path);
  for (const key of Object.keys(query).sort()) {
    const value = query[key];
    if (value !== undefined) url.searchParams.append(key, String(value));
  }
  return url.toString();
}

/**
 * What makes two requests the same request: method, canonical URL, body and
 * credentials. Credentials enter only as a hash, so the key can be kept and
 * logged without carrying a token, and two tokens never share a key.
 */
export function requestKey(request: UpstreamRequest<unknown>): string {
  const fingerprint = hash([sortedHeaders(request.headers), request.body ?? null]);
  return `${request.method} ${canonicalUrl(request.baseUrl, request.path, request.query)} ${fingerprint}`;
}

/**
 * A hash of the credential actually sent (every header a request carries is
 * an auth header): what cache entries and budgets belong to.
 */
export function credentialFingerprint(headers: Record<string, string>): string {
  return hash(sortedHeaders(headers));
}

function sortedHeaders(headers: Record<string, string>) {
  return Object.entries(headers)
    .map(([name, value]) => [name.toLowerCase(), value])
    .sort(([a], [b]) => (a! < b! ? -1 : 1));
}

function hash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 22);
}

/**
 * The one way the gateway talks to an upstream. One per gateway, so the
 * cache, budgets, breakers and limits hold across all GraphQL requests. A call
 * passes, in order:
 *   cache (GETs; identical calls in flight share one load under its own deadline)
 *   -> budget token for the first attempt
 *   -> the upstream's breaker
 *   -> retries (each retry takes its own token)
 *   -> concurrency limit -> fetch, with the upstream's attempt timeouts.
 * Each caller waits only until its own operation's deadline. The breaker
 * counts only what the upstream did (attempt timeouts, broken connections,
 * 5xx), never the gateway's own refusals or deadlines. JSON in and out,
 * statuses mapped to UpstreamError, wire shapes validated.
 */
export function createHttpClient({
  maxConcurrentPerUpstream = 6,
  cache: cacheSettings,
  budgets: budgetSettings,
  dataloader = true,
  fetch = globalThis.fetch,
  clock = performance,
  onInvalidate,
  ...resilience
}: HttpClientOptions): HttpClient {
  const cache = cacheSettings ? createUpstreamCache(cacheSettings, clock) : null;
  const budgets = budgetSettings ? createBudgets(budgetSettings, clock) : null;
  const limiterFor = perUpstream(() => createLimiter(maxConcurrentPerUpstream));
  const dispatcherFor = perUpstream((upstream) => createDispatcher(resilience.timeouts[upstream]));
  const breakers = createBreakers(resilience.breaker);

  async function send<T>(request: UpstreamRequest<T>, deadline: Deadline): Promise<Sized<T>> {
    const label = upstreamLabels[request.upstream];
    const url = canonicalUrl(request.baseUrl, request.path, request.query);
    const timeouts = resilience.timeouts[request.upstream];
    const { signal, done } = attemptSignal(timeouts, deadline);
    const failed = (error: unknown) => transportError(request.upstream, error, { signal, deadline, timeouts, method: request.method });
    let response: Response;
    try {
      response = await fetch(url, {
        method: request.method,
        headers: {
          accept: 'application/json',
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...request.headers,
        },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal,
        dispatcher: dispatcherFor(request.upstream),
      } as RequestInit);
    } catch (error) {
      done();
      throw failed(error);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw failed(error);
    } finally {
      done();
    }
    const body = parseJson(text);
    if (!response.ok) {
      throw upstreamErrorFromResponse(request.upstream, response.status, body, response.headers);
    }
    if (body === undefined) {
      throw new UpstreamError(request.upstream, 'UPSTREAM_ERROR', `${label} answered with a body that is not JSON`, {
        status: response.status,
      });
    }
    const parsed = request.schema.safeParse(body);
    if (!parsed.success) {
      throw new UpstreamError(
        request.upstream,
        'UPSTREAM_ERROR',
        `${label} answered with an unexpected shape (${shapeProblem(parsed.error)})`,
        { status: response.status },
      );
    }
    return { value: parsed.data, bytes: Buffer.byteLength(text) };
  }

  const take = (ticket: BudgetTicket, wait: boolean, deadline: Deadline): Promise<Reservation> =>
    budgets ? budgets.take(ticket, { wait, deadline }) : Promise.resolve({ refund: () => undefined });

  /**
   * One attempt: a concurrency slot, then fetch. A call whose deadline passed
   * while it queued does not go out, and gives its budget token back.
   */
  function attempt<T>(request: UpstreamRequest<T>, deadline: Deadline, reservation: Reservation, onSend: () => void) {
    return limiterFor(request.upstream)(() => {
      if (deadline.signal.aborted) {
        reservation.refund();
        return Promise.reject(deadlineError(request.upstream, deadline, false));
      }
      onSend();
      return send(request, deadline);
    });
  }

  /**
   * One call: budget, breaker, retries, attempts. The first attempt's token
   * is taken before the breaker, so a call the budget refuses never reaches
   * it (a refused half-open probe would otherwise close it); retries take
   * theirs inside. A call the open breaker refuses gives its token back,
   * and does not wait for one first: an open breaker answers at once.
   */
  async function call<T>(request: UpstreamRequest<T>, deadline: Deadline, hasStale: boolean, onSend: () => void): Promise<Sized<T>> {
    const ticket = { upstream: request.upstream, route: request.route, credential: credentialFingerprint(request.headers) };
    const first = await take(ticket, !hasStale && !breakers.isOpen(request.upstream), deadline);
    let attempts = 0;
    try {
      return await breakers.run(request.upstream, () =>
        withRetries(request.method, deadline, resilience.retry, async () => {
          const reservation = attempts === 0 ? first : await take(ticket, !hasStale, deadline);
          attempts += 1;
          return attempt(request, deadline, reservation, onSend);
        }),
      );
    } finally {
      if (attempts === 0) first.refund();
    }
  }

  /**
   * Writes skip the cache but still spend budget. A load the cache shares
   * between callers runs under a deadline of its own (the operation deadline,
   * counted from the load's start), so it outlives an impatient or departed
   * first caller; each caller waits for it only until its own deadline.
   */
  function pipeline<T>(request: UpstreamRequest<T>, { stats, deadline, reads = noUpstreamReads }: OperationScope): Promise<T> {
    let sent = false;
    const onSend = () => {
      sent = true;
      stats.record(request.route, 'request');
    };
    const load: Load<T> = ({ hasStale, shared }) =>
      shared ? withOwnDeadline((own) => call(request, own, hasStale, onSend)) : call(request, deadline, hasStale, onSend);
    let answer: Promise<T>;
    if (cache && request.method === 'GET') {
      const credential = credentialFingerprint(request.headers);
      reads.reading(request.route, credential);
      answer = cache.get(
        { route: request.route, credential, request: requestKey(request) },
        load,
        (outcome) => stats.record(request.route, outcome),
        (freshUntil) => reads.answered(freshUntil),
      );
    } else {
      // A read no cache keeps: nothing built from it may be kept either.
      if (request.method === 'GET') reads.answered(null);
      answer = load({ hasStale: false, shared: false }).then((sized) => sized.value);
    }
    return raceSignal(answer, deadline.signal, () => deadlineError(request.upstream, deadline, sent && request.method !== 'GET'));
  }

  /** Runs `task` under a fresh operation deadline, released when it settles. */
  async function withOwnDeadline<T>(task: (deadline: Deadline) => Promise<T>): Promise<T> {
    const deadline = createDeadline(resilience.operationDeadlineMs);
    try {
      return await task(deadline);
    } finally {
      deadline.dispose();
    }
  }

  const scoped = (operation: OperationScope | null): HttpClient => ({
    request: (request) =>
      operation ? pipeline(request, operation) : withOwnDeadline((deadline) => pipeline(request, { stats: noUpstreamStats, deadline })),
    invalidate: (route, headers) => {
      const credential = credentialFingerprint(headers);
      cache?.invalidate(route, credential);
      onInvalidate?.(route, credential);
    },
    forOperation: scoped,
    dataloader,
  });
  return scoped(null);
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
