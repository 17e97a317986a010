import type { Clock } from '../http/clock.js';
import type { Cohort } from './cohort.js';
import type { QueueRegistry } from './registry.js';
import { createQueueView, type CohortState, type QueueEvent, type ViewOptions } from './view.js';

export interface WatchOptions extends ViewOptions {
  /** Whose subscription it is, for MAX_SUBSCRIPTIONS_PER_CALLER. */
  callerKey: string;
}

/**
 * One subscriber's events, as an async iterator GraphQL pulls from. It
 * joins the cohort at once (throwing SubscriptionRefusal over a limit) and
 * leaves it the moment the transport calls `return()` (the client ended it
 * or its connection dropped), even while a pull is waiting. Between polls,
 * a timer on `clock` wakes it when a contact crosses the SLA.
 */
export function watchQueue(
  registry: QueueRegistry,
  cohort: Cohort,
  options: WatchOptions,
  time: { clock: Clock; now: () => number },
): AsyncIterableIterator<QueueEvent> {
  const view = createQueueView(options);
  const state: CohortState = { read: null, failure: null };
  let changed = false;
  let done = false;
  let waiting: ((result: IteratorResult<QueueEvent>) => void) | null = null;
  let cancelTimer = () => {};

  const take = (resolve: (result: IteratorResult<QueueEvent>) => void) => {
    changed = false;
    const event = view.next(state, time.now());
    cancelTimer();
    const due = view.nextBreachAt(state);
    if (due !== null) cancelTimer = time.clock.after(Math.max(0, due - time.now()), wake);
    if (event) resolve({ value: event, done: false });
    else waiting = resolve;
  };
  function wake() {
    changed = true;
    if (!waiting) return;
    const resolve = waiting;
    waiting = null;
    take(resolve);
  }

  const leave = registry.join(
    cohort,
    options.callerKey,
    (update) => {
      if (update.kind === 'queue') {
        state.read = update.read;
        state.failure = null;
      } else {
        state.failure = update.failure;
      }
      wake();
    },
    () => finish(),
  );
  function finish() {
    if (done) return;
    done = true;
    cancelTimer();
    leave();
    waiting?.({ value: undefined, done: true });
    waiting = null;
  }

  return {
    next: () =>
      new Promise((resolve) => {
        if (done) resolve({ value: undefined, done: true });
        else if (changed) take(resolve);
        else waiting = resolve;
      }),
    return: () => {
      finish();
      return Promise.resolve({ value: undefined, done: true });
    },
    throw: (error: unknown) => {
      finish();
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
