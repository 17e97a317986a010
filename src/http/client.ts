import type { z } from 'zod';
import type { QueryValue } from './request-key.js';
import type { ResilienceSettings } from './settings.js';
import { createBreakers } from './breaker.js';
import { formatBytes, parseJson, readBounded, type BodyText } from './body.js';
import { createBudgets, type BudgetSettings, type BudgetTicket, type Budgets, type Reservation } from './budget.js';
import { createUpstreamCache, type CacheOutcome, type CacheSettings, type Load, type Sized } from './cache.js';
import { systemClock, type Clock } from './clock.js';
import { createDeadline, raceSignal, type Deadline } from './deadline.js';
import { createLimiter, LimiterRefusal } from './limit.js';
import { perUpstream } from './per-upstream.js';
import { canonicalUrl, credentialFingerprint, requestKey } from './request-key.js';
import { codeFor, GatewayRefusal, UpstreamError, upstreamErrorFromResponse, upstreamLabels, type UpstreamName } from './errors.js';
import { withRetries } from './retry.js';
import type { UpstreamRoute } from './routes.js';
import { createTieredLoad, decoderFor, type SharedAnswers } from './shared-tier.js';
import { attemptSignal, createDispatcher, deadlineError, transportError } from './timeouts.js';
import { noUpstreamReads, type UpstreamReads } from './upstream-reads.js';
import { noUpstreamStats, type UpstreamStats } from './upstream-stats.js';
import { shapeProblem } from './wire-shape.js';

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

/**
 * An upstream answer with what a caller needs to say how fresh it is: when it
 * was fetched (wall clock, epoch ms; for a cached answer, when the cache got
 * it, not now) and whether it was served past its TTL (the refresh was
 * refused by a budget or an open breaker, failed, or still runs).
 */
export interface Answer<T> {
  value: T;
  fetchedAt: number;
  stale: boolean;
}

export interface HttpClient {
  request<T>(request: UpstreamRequest<T>): Promise<T>;
  /** The same call, with how fresh its answer is. */
  read<T>(request: UpstreamRequest<T>): Promise<Answer<T>>;
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

/** What the cache holds of an answer: the parsed body and when it was fetched. */
interface Fetched<T> {
  body: T;
  fetchedAt: number;
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
  /** Calls waiting for one of those per upstream; more are refused at once (UPSTREAM_UNAVAILABLE). @default 1000 */
  maxQueuedPerUpstream?: number;
  /** The cross-request cache. @default off */
  cache?: CacheSettings;
  /** Call budgets per upstream and credential; a shared implementation replaces the in-process one. @default none */
  budgets?: BudgetSettings | Budgets;
  /** The tier the replicas share behind the cache (L2, one load per key across replicas). @default none */
  shared?: SharedAnswers;
  /** @default true */
  dataloader?: boolean;
  fetch?: typeof globalThis.fetch;
  /** For tests: the clock of cache TTLs, budget refills, breakers, back-off, timeouts and deadlines. */
  clock?: Clock;
  /** Told of every invalidation (a write changed what one route read with one credential), cache on or off, this replica's or another's (`shared`). */
  onInvalidate?: (route: UpstreamRoute, credential: string) => void;
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
  maxQueuedPerUpstream = 1000,
  cache: cacheSettings,
  budgets: budgetSettings,
  shared,
  dataloader = true,
  fetch = globalThis.fetch,
  clock = systemClock,
  onInvalidate,
  ...resilience
}: HttpClientOptions): HttpClient {
  const cache = cacheSettings ? createUpstreamCache(cacheSettings, clock) : null;
  const budgets = !budgetSettings ? null : 'take' in budgetSettings ? budgetSettings : createBudgets(budgetSettings, clock);
  const tiered = cache && shared && cacheSettings?.enabled ? createTieredLoad(shared, cacheSettings) : null;
  shared?.onInvalidated((route, credential) => {
    cache?.invalidate(route, credential);
    onInvalidate?.(route, credential);
  });
  const limiterFor = perUpstream(() => createLimiter(maxConcurrentPerUpstream, maxQueuedPerUpstream));
  const dispatcherFor = perUpstream((upstream) => createDispatcher(resilience.timeouts[upstream]));
  const breakers = createBreakers(resilience.breaker, clock);

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
    const maxBytes = resilience.maxResponseBytes[request.upstream];
    let read: BodyText | null;
    try {
      read = await readBounded(response, maxBytes);
    } catch (error) {
      throw failed(error);
    } finally {
      done();
    }
    // A failure's status says what happened, whatever its body's size.
    const body = read ? parseJson(read.text) : undefined;
    if (!response.ok) {
      throw upstreamErrorFromResponse(request.upstream, response.status, body, response.headers);
    }
    if (!read) {
      throw new UpstreamError(
        request.upstream,
        'UPSTREAM_ERROR',
        `${label} answered more than ${formatBytes(maxBytes)}, the gateway's limit for one answer (UPSTREAM_MAX_RESPONSE_BYTES)`,
        { status: response.status },
      );
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
    return { value: parsed.data, bytes: read.bytes, text: read.text };
  }

  const take = (ticket: BudgetTicket, wait: boolean, deadline: Deadline): Promise<Reservation> =>
    budgets ? budgets.take(ticket, { wait, deadline }) : Promise.resolve({ refund: () => undefined });

  /**
   * One attempt: a concurrency slot, then fetch. A call that finds the queue
   * full, or whose deadline passes (or caller leaves) while it queues, does
   * not go out, and gives its budget token back at once.
   */
  async function attempt<T>(request: UpstreamRequest<T>, deadline: Deadline, reservation: Reservation, onSend: () => void) {
    try {
      return await limiterFor(request.upstream)(() => {
        onSend();
        return send(request, deadline);
      }, deadline.signal);
    } catch (error) {
      if (!(error instanceof LimiterRefusal)) throw error;
      reservation.refund();
      if (error.reason === 'aborted') throw deadlineError(request.upstream, deadline, false);
      throw new GatewayRefusal(
        request.upstream,
        codeFor('queue-full'),
        `${upstreamLabels[request.upstream]} has too many calls waiting at the gateway (UPSTREAM_MAX_QUEUE: ${maxQueuedPerUpstream}); try again shortly`,
        { retryAfter: 1 },
      );
    }
  }

  /**
   * One call: budget, breaker, retries, attempts. An open breaker refuses
   * first, before any token is taken: it answers at once, and its
   * UPSTREAM_UNAVAILABLE (with the time until it probes again) says more
   * than a spent budget would. The first attempt's token is taken before the
   * breaker runs the call, so a call the budget refuses never reaches it (a
   * refused half-open probe would otherwise close it); retries take theirs
   * inside. A call the breaker refuses after all (a probe failed while it
   * waited) gives its token back.
   */
  async function call<T>(request: UpstreamRequest<T>, deadline: Deadline, hasStale: boolean, onSend: () => void): Promise<Sized<T>> {
    const ticket = { upstream: request.upstream, route: request.route, credential: credentialFingerprint(request.headers) };
    breakers.refuseWhileOpen(request.upstream);
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
  function pipeline<T>(request: UpstreamRequest<T>, { stats, deadline, reads = noUpstreamReads }: OperationScope): Promise<Answer<T>> {
    let sent = false;
    let stale = false;
    const onSend = () => {
      sent = true;
      stats.record(request.route, 'request');
    };
    type Fill = (own: Deadline, hasStale: boolean) => Promise<Sized<T>>;
    const upstreamCall: Fill = (own, hasStale) => call(request, own, hasStale, onSend);
    // The fetch time travels with the answer into the cache, so a cached answer keeps it (one from another replica: its age).
    const loadWith =
      (fill: Fill): Load<Fetched<T>> =>
      async ({ hasStale, shared }) => {
        const sized = await (shared ? withOwnDeadline((own) => fill(own, hasStale)) : fill(deadline, hasStale));
        return { ...sized, value: { body: sized.value, fetchedAt: Date.now() - (sized.ageMs ?? 0) } };
      };
    const served = (outcome: CacheOutcome) => {
      if (outcome === 'stale' || outcome === 'staleOnError') stale = true;
      stats.record(request.route, outcome);
    };
    let answer: Promise<Fetched<T>>;
    if (cache && request.method === 'GET') {
      const credential = credentialFingerprint(request.headers);
      const key = { route: request.route, credential, request: requestKey(request) };
      // Routes the cache keeps go through L2 too (a TTL of 0 never does). Another replica's answer counts as the cache's.
      const fill: Fill =
        tiered && cacheSettings!.policies[request.route].ttlSeconds > 0
          ? (own, hasStale) =>
              tiered(key, own, {
                upstream: request.upstream,
                decode: decoderFor(request.schema),
                load: (staleShared) => upstreamCall(own, hasStale || staleShared),
                served,
              })
          : upstreamCall;
      reads.reading(request.route, credential);
      answer = cache.get(
        key,
        loadWith(fill),
        served,
        (freshUntil) => reads.answered(freshUntil),
      );
    } else {
      // A read no cache keeps: nothing built from it may be kept either.
      if (request.method === 'GET') reads.answered(null);
      answer = loadWith(upstreamCall)({ hasStale: false, shared: false }).then((sized) => sized.value);
    }
    const answered = answer.then(({ body, fetchedAt }) => ({ value: body, fetchedAt, stale }));
    return raceSignal(answered, deadline.signal, () => deadlineError(request.upstream, deadline, sent && request.method !== 'GET'));
  }

  /** Runs `task` under a fresh operation deadline, released when it settles. */
  async function withOwnDeadline<T>(task: (deadline: Deadline) => Promise<T>): Promise<T> {
    const deadline = createDeadline(resilience.operationDeadlineMs, undefined, clock);
    try {
      return await task(deadline);
    } finally {
      deadline.dispose();
    }
  }

  const read = <T>(request: UpstreamRequest<T>, operation: OperationScope | null) =>
    operation ? pipeline(request, operation) : withOwnDeadline((deadline) => pipeline(request, { stats: noUpstreamStats, deadline }));
  const scoped = (operation: OperationScope | null): HttpClient => ({
    request: async (request) => (await read(request, operation)).value,
    read: (request) => read(request, operation),
    invalidate: (route, headers) => {
      const credential = credentialFingerprint(headers);
      cache?.invalidate(route, credential);
      onInvalidate?.(route, credential);
      shared?.invalidate(route, credential);
    },
    forOperation: scoped,
    dataloader,
  });
  return scoped(null);
}
