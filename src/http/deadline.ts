import { setMaxListeners } from 'node:events';
import { systemClock, type Clock } from './clock.js';

/**
 * One deadline per GraphQL operation. It travels in the request context down
 * to every upstream call, so waiting in a queue, backing off between retries
 * and reading a body all end when the operation's time is up.
 */
export interface Deadline {
  /** Aborts when the time is up or the caller went away. */
  readonly signal: AbortSignal;
  readonly totalMs: number;
  /** What the operation's waits and timers run on. */
  readonly clock: Clock;
  remainingMs(): number;
  /**
   * Releases the timer and the listener on the caller's signal once the
   * operation is over; the signal then never aborts. Idempotent.
   */
  dispose(): void;
}

export function createDeadline(totalMs: number, callerGone?: AbortSignal, clock: Clock = systemClock): Deadline {
  // A timer and a controller rather than AbortSignal.any(AbortSignal.timeout()):
  // Node 20 may collect a timeout signal only `any` refers to (nodejs/node#57736),
  // and the deadline never fires.
  const controller = new AbortController();
  const expire = () => controller.abort(new DOMException('The operation deadline passed', 'TimeoutError'));
  const cancel = clock.after(totalMs, expire);
  const unfollow = callerGone ? followAbort(callerGone, controller) : () => undefined;
  // Every upstream call of a wide operation listens on it; that is by design, not a leak.
  setMaxListeners(0, controller.signal);
  const expiresAt = clock.now() + totalMs;
  return {
    signal: controller.signal,
    totalMs,
    clock,
    remainingMs: () => Math.max(0, expiresAt - clock.now()),
    dispose() {
      cancel();
      unfollow();
    },
  };
}

/** Aborts `controller` when `source` aborts; returns how to stop listening. */
export function followAbort(source: AbortSignal, controller: AbortController): () => void {
  if (source.aborted) {
    controller.abort(source.reason);
    return () => undefined;
  }
  const abort = () => controller.abort(source.reason);
  source.addEventListener('abort', abort, { once: true });
  return () => source.removeEventListener('abort', abort);
}

/** Settles with `task`, or rejects with `onAbort()` as soon as `signal` aborts, whichever comes first. */
export function raceSignal<T>(task: Promise<T>, signal: AbortSignal, onAbort: () => Error): Promise<T> {
  if (signal.aborted) {
    task.catch(() => undefined);
    return Promise.reject(onAbort());
  }
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(onAbort());
    signal.addEventListener('abort', abort, { once: true });
    task.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * Waits `ms` on the deadline's clock, or less if the deadline aborts first
 * (the caller then sees the abort on its next step).
 */
export function sleep(ms: number, deadline: Pick<Deadline, 'signal' | 'clock'>): Promise<void> {
  const { signal, clock } = deadline;
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      cancel();
      signal.removeEventListener('abort', done);
      resolve();
    };
    const cancel = clock.after(ms, done);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Whether `task` settles (either way) within `ms`, on real time (unref'd: it
 * never holds the process up). What shutdown's close phase waits for is
 * bounded this way: a pod past its grace period is SIGKILLed, and the
 * operator then sees exit 137 instead of 0 or 1.
 */
export function settlesWithin(task: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), Math.max(0, ms));
    timer.unref();
    const done = () => {
      clearTimeout(timer);
      resolve(true);
    };
    task.then(done, done);
  });
}
