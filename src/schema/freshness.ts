import type { Answer } from '../http/client.js';

/**
 * How fresh what a connection or summary shows is: `asOf`, when the upstream
 * produced the oldest answer it was built from (Avaamo's `time_token` where
 * the answer has one, else when the gateway fetched it: for a cached answer,
 * when it was cached), and `stale`, whether any of them was served past its
 * TTL.
 */
export interface Freshness {
  asOf(): Promise<Date>;
  stale(): Promise<boolean>;
}

/**
 * Collects the freshness of every upstream answer one connection reads,
 * including those read lazily when a sibling field (totalCount, pageInfo)
 * asks for more. `asOf`/`stale` resolve once that work has settled: graphql-js
 * starts every field of an object before any of them continues, so after one
 * turn of the event loop every read the selection causes has begun.
 */
export class FreshnessTracker implements Freshness {
  #oldest: number | null = null;
  #stale = false;
  readonly #pending = new Set<Promise<unknown>>();
  /** What a connection that read nothing upstream is as of: when it was built. */
  readonly #builtAt = Date.now();

  /** Records one answer: `asOfMs` is when its upstream produced it. */
  note(asOfMs: number, stale: boolean): void {
    if (this.#oldest === null || asOfMs < this.#oldest) this.#oldest = asOfMs;
    if (stale) this.#stale = true;
  }

  /** Records an answer that carries no upstream time of its own: it is as of its fetch. */
  noteAnswer(answer: Pick<Answer<unknown>, 'fetchedAt' | 'stale'>, upstreamTimeMs: number | null = null): void {
    this.note(upstreamTimeMs ?? answer.fetchedAt, answer.stale);
  }

  /** Work whose answers count before asOf/stale can say. */
  watch<T>(work: Promise<T>): Promise<T> {
    this.#pending.add(work);
    const done = () => this.#pending.delete(work);
    work.then(done, done);
    return work;
  }

  async asOf(): Promise<Date> {
    await this.#settled();
    return new Date(this.#oldest ?? this.#builtAt);
  }

  async stale(): Promise<boolean> {
    await this.#settled();
    return this.#stale;
  }

  async #settled(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }
}

/** The freshness of what the gateway holds itself (its configured agents): now, never stale. */
export function gatewayFreshness(): Freshness {
  return new FreshnessTracker();
}

/** What `asOf` means, on every connection and summary. */
export const ASOF_DESCRIPTION =
  "When the upstream produced the data shown: the oldest of the upstream answers it was built from, each as of Avaamo's time_token where the answer carries one, else when the gateway fetched it (a cached answer keeps the time it was fetched, however long it was cached). What the gateway holds itself (its agents) is as of now.";

/** What `stale` means, on every connection and summary. */
export const STALE_DESCRIPTION =
  'Whether any upstream answer it was built from was served past its cache TTL: its refresh was refused by a call budget or an open circuit breaker, failed, or is still running in the background. `asOf` says how old it is.';
