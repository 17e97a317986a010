import { createBreakers } from './breaker.js';
import { createBudgets, type BudgetTicket, type Reservation } from './budget.js';
import type { Answer, HttpClient, HttpClientOptions, HttpLayerState, OperationScope, UpstreamRequest } from './client-api.js';
import { BudgetSpent } from './errors.js';
import { createUpstreamCache, type CacheOutcome, type Load, type Sized } from './cache.js';
import { systemClock } from './clock.js';
import { createDeadline, raceSignal, type Deadline } from './deadline.js';
import { createLimiter, LimiterRefusal } from './limit.js';
import { perUpstream } from './per-upstream.js';
import { credentialFingerprint, requestKey } from './request-key.js';
import { codeFor, GatewayRefusal, upstreamLabels } from './errors.js';
import { withRetries } from './retry.js';
import { createSend } from './send.js';
import { createTieredLoad, decoderFor } from './shared-tier.js';
import { closeDispatcher, createDispatcher, deadlineError } from './timeouts.js';
import { noUpstreamReads } from './upstream-reads.js';
import { noUpstreamStats, type UpstreamEvent } from './upstream-stats.js';

export type { Answer, HttpClient, HttpClientOptions, HttpLayerState, OperationScope, UpstreamRequest } from './client-api.js';

/** What the cache holds of an answer: the parsed body and when it was fetched. */
interface Fetched<T> {
  body: T;
  fetchedAt: number;
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
  dataloader = true,
  fetch = globalThis.fetch,
  clock = systemClock,
  onInvalidate,
  shared,
  observer = {},
  ...resilience
}: HttpClientOptions): HttpClient {
  const cache = cacheSettings ? createUpstreamCache(cacheSettings, clock, () => observer.evicted?.()) : null;
  const budgets = !budgetSettings ? null : 'take' in budgetSettings ? budgetSettings : createBudgets(budgetSettings, clock);
  const tiered = cache && shared && cacheSettings?.enabled ? createTieredLoad(shared, cacheSettings) : null;
  shared?.onInvalidated((route, credential) => {
    cache?.invalidate(route, credential);
    onInvalidate?.(route, credential);
  });
  const limiterFor = perUpstream(() => createLimiter(maxConcurrentPerUpstream, maxQueuedPerUpstream));
  const dispatchers = new Set<ReturnType<typeof createDispatcher>>();
  const dispatcherFor = perUpstream((upstream) => {
    const dispatcher = createDispatcher(resilience.timeouts[upstream]);
    dispatchers.add(dispatcher);
    return dispatcher;
  });
  const breakers = createBreakers(resilience.breaker, clock);

  const send = createSend({ fetch, resilience, dispatcherFor, observer });

  /** A budget token; its waits and refusals are told to the observer, whichever budgets (this process's or shared). */
  async function take(ticket: BudgetTicket, wait: boolean, deadline: Deadline): Promise<Reservation> {
    if (!budgets) return { refund: () => undefined };
    try {
      return await budgets.take(ticket, { wait, deadline, onWait: () => observer.budget?.(ticket, 'wait') });
    } catch (error) {
      if (error instanceof BudgetSpent) observer.budget?.(ticket, 'refusal');
      throw error;
    }
  }

  /**
   * One attempt: a concurrency slot, then fetch. A call that finds the queue
   * full, or whose deadline passes (or caller leaves) while it queues, does
   * not go out, and gives its budget token back at once.
   */
  async function attempt<T>(request: UpstreamRequest<T>, deadline: Deadline, reservation: Reservation, sending: Sending, retry: number) {
    try {
      return await limiterFor(request.upstream)(() => {
        sending.onSend();
        return send(request, deadline, { retry, cache: sending.cache(), requestId: sending.requestId });
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
  async function call<T>(request: UpstreamRequest<T>, deadline: Deadline, hasStale: boolean, sending: Sending): Promise<Sized<T>> {
    const ticket = { upstream: request.upstream, route: request.route, credential: credentialFingerprint(request.headers) };
    breakers.refuseWhileOpen(request.upstream);
    const first = await take(ticket, !hasStale && !breakers.isOpen(request.upstream), deadline);
    let attempts = 0;
    try {
      return await breakers.run(request.upstream, () =>
        withRetries(request.method, deadline, resilience.retry, async () => {
          const reservation = attempts === 0 ? first : await take(ticket, !hasStale, deadline);
          attempts += 1;
          return attempt(request, deadline, reservation, sending, attempts - 1);
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
  function pipeline<T>(request: UpstreamRequest<T>, { stats, deadline, reads = noUpstreamReads, requestId }: OperationScope): Promise<Answer<T>> {
    let sent = false;
    let stale = false;
    let cached: CacheOutcome | 'none' = 'none';
    const record = (event: UpstreamEvent) => {
      if (event !== 'request') cached = event;
      if (event === 'stale' || event === 'staleOnError') stale = true;
      stats.record(request.route, event);
      observer.event?.(request.upstream, request.route, event);
    };
    const sending: Sending = {
      onSend() {
        sent = true;
        record('request');
      },
      cache: () => cached,
      ...(requestId === undefined ? {} : { requestId }),
    };
    type Fill = (own: Deadline, hasStale: boolean) => Promise<Sized<T>>;
    const upstreamCall: Fill = (own, hasStale) => call(request, own, hasStale, sending);
    // The fetch time travels with the answer into the cache, so a cached answer keeps it (one from another replica: its age).
    const loadWith =
      (fill: Fill): Load<Fetched<T>> =>
      async ({ hasStale, shared }) => {
        const sized = await (shared ? withOwnDeadline((own) => fill(own, hasStale)) : fill(deadline, hasStale));
        return { ...sized, value: { body: sized.value, fetchedAt: Date.now() - (sized.ageMs ?? 0) } };
      };
    let answer: Promise<Fetched<T>>;
    if (cache && request.method === 'GET') {
      const credential = credentialFingerprint(request.headers);
      reads.reading(request.route, credential);
      const key = { route: request.route, credential, request: requestKey(request) };
      // Routes the cache keeps go through L2 too (a TTL of 0 never does). Another replica's answer counts as the cache's.
      const fill: Fill =
        tiered && cacheSettings!.policies[request.route].ttlSeconds > 0
          ? (own, hasStale) =>
              tiered(key, own, {
                upstream: request.upstream,
                decode: decoderFor(request.schema),
                load: (staleShared) => upstreamCall(own, hasStale || staleShared),
                served: record,
              })
          : upstreamCall;
      answer = cache.get(
        key,
        loadWith(fill),
        record,
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
    state,
    close: async () => {
      await Promise.all([...dispatchers].map((dispatcher) => closeDispatcher(dispatcher)));
    },
  });
  const state: HttpLayerState = {
    breaker: (upstream) => breakers.state(upstream),
    inFlight: (upstream) => limiterFor(upstream).running(),
    budgetTokens: (ticket) => budgets?.tokens(ticket) ?? null,
    cacheBytes: () => cache?.bytes() ?? 0,
  };
  return scoped(null);
}

/** What an attempt needs to know of the call it serves. */
interface Sending {
  onSend(): void;
  /** Read when the attempt leaves: by then the cache has said what it did. */
  cache(): CacheOutcome | 'none';
  requestId?: string;
}
