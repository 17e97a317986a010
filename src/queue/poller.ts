import type { HttpClient } from '../http/client.js';
import type { Clock } from '../http/clock.js';
import { createDeadline } from '../http/deadline.js';
import { UpstreamError } from '../http/errors.js';
import { noUpstreamStats } from '../http/upstream-stats.js';
import type { Cohort } from './cohort.js';
import { readQueuePages, toQueueRead } from './read-queue.js';
import type { QueueSettings } from './settings.js';
import type { CohortLocks } from './sharing.js';
import type { CohortUpdate, QueueFailure, QueueRead } from './types.js';

export interface PollerOptions {
  /** The gateway's one HTTP client: polls share its cache, budgets and breakers with every query. */
  http: HttpClient;
  clock: Clock;
  /** Epoch ms on `clock`. */
  now: () => number;
  settings: Pick<QueueSettings, 'pollIntervalMs' | 'maxBackoffMs'>;
  /** Nothing of one pass outlives this (OPERATION_DEADLINE_MS). */
  operationDeadlineMs: number;
  locks: CohortLocks;
  /** This process, as the locks know it. */
  holder: string;
  publish(update: CohortUpdate): Promise<void>;
  /** The cohort's last read as its subscribers got it, whichever replica polled it (null: none yet). */
  lastPublished(): QueueRead | null;
  warn(message: string): void;
}

const THROTTLED = new Set(['RATE_LIMITED', 'UPSTREAM_UNAVAILABLE']);

/**
 * Polls one cohort's whole queue until stopped: a pass at once, then one
 * every interval after the last ended (so with the interval at least the
 * cache TTL, each pass finds the cache due for a refresh and asks Vambe).
 * While Vambe answers 429 or its breaker is open (or the cache can only
 * serve what it kept), the wait doubles up to the longest back-off, and is
 * never shorter than a Retry-After. Each pass first takes the cohort's lock;
 * a replica that does not get it only listens. Stopping aborts a pass under
 * way and gives the lock back.
 */
export function startPoller(cohort: Cohort, options: PollerOptions): { stop(): void } {
  const { clock, settings, locks, holder } = options;
  const abort = new AbortController();
  let cancel = () => {};
  let previous: QueueRead | null = null;
  let throttled = 0;
  /** Said once when polls start failing, and once when they recover: not at every failed pass. */
  let failing = false;
  const report = (update: CohortUpdate) => {
    if ((update.kind === 'failure') === failing) return;
    failing = !failing;
    options.warn(
      update.kind === 'failure'
        ? `live queue: cohort ${cohort.id}: polls fail: ${update.failure.code} ${update.failure.message}`
        : `live queue: cohort ${cohort.id}: polls answer again`,
    );
  };

  const nextDelay = (update: CohortUpdate): number => {
    const refused = update.kind === 'failure' ? THROTTLED.has(update.failure.code) : update.read.stale;
    throttled = refused ? throttled + 1 : 0;
    if (!refused) return settings.pollIntervalMs;
    const retryAfterMs = update.kind === 'failure' ? (update.failure.retryAfter ?? 0) * 1000 : 0;
    return Math.max(Math.min(settings.maxBackoffMs, settings.pollIntervalMs * 2 ** throttled), retryAfterMs);
  };

  const tick = async () => {
    let delay = settings.pollIntervalMs;
    try {
      if (await locks.acquire(cohort.id, holder, delay + options.operationDeadlineMs)) {
        // Steadied against what subscribers hold: another replica's read when it polled last (a takeover).
        const published = options.lastPublished();
        const steadyAgainst = published && (!previous || published.readAt > previous.readAt) ? published : previous;
        const update = await pass(cohort, steadyAgainst, abort.signal, options);
        if (abort.signal.aborted) return;
        if (update.kind === 'queue') previous = update.read;
        report(update);
        delay = nextDelay(update);
        // Held through the wait, so a back-off is not another replica's cue to poll.
        await locks.acquire(cohort.id, holder, delay + options.operationDeadlineMs);
        await options.publish(update);
      }
    } catch (error) {
      // The sharing failed (Redis): this pass is lost, the next one tries again.
      options.warn(`live queue: cohort ${cohort.id}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!abort.signal.aborted) cancel = clock.after(delay, () => void tick());
  };
  void tick();

  return {
    stop() {
      abort.abort();
      cancel();
      locks.release(cohort.id, holder).catch(() => {});
    },
  };
}

/** One pass over the queue, as an update: the read, or the failure as callers will see it. */
async function pass(cohort: Cohort, previous: QueueRead | null, stopped: AbortSignal, options: PollerOptions): Promise<CohortUpdate> {
  const { clock, now } = options;
  const deadline = createDeadline(options.operationDeadlineMs, stopped, clock);
  try {
    const http = options.http.forOperation({ stats: noUpstreamStats, deadline });
    const pages = await readQueuePages(async (page) => {
      const answer = await http.read(cohort.page(page));
      // The HTTP layer stamps answers on the system's wall clock; the queue counts on `now`'s
      // (the injected clock in tests): what carries over is the answer's age.
      return { ...answer, fetchedAt: now() - Math.max(0, Date.now() - answer.fetchedAt) };
    });
    return { kind: 'queue', read: toQueueRead(pages, previous) };
  } catch (error) {
    if (!(error instanceof UpstreamError)) options.warn(`live queue: cohort ${cohort.id}: unexpected ${error instanceof Error ? error.stack : String(error)}`);
    return { kind: 'failure', failure: toFailure(error), at: now() };
  } finally {
    deadline.dispose();
  }
}

function toFailure(error: unknown): QueueFailure {
  if (!(error instanceof UpstreamError)) return { code: 'INTERNAL_SERVER_ERROR', message: 'Unexpected error.', upstream: 'vambe' };
  return {
    code: error.code,
    message: error.message,
    upstream: error.upstream,
    ...(error.details.status === undefined ? {} : { upstreamStatus: error.details.status }),
    ...(error.details.retryAfter === undefined ? {} : { retryAfter: error.details.retryAfter }),
  };
}
