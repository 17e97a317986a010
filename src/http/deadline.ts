import { setMaxListeners } from 'node:events';

/**
 * One deadline per GraphQL operation. It travels in the request context down
 * to every upstream call, so waiting in a queue, backing off between retries
 * and reading a body all end when the operation's time is up.
 */
export interface Deadline {
  /** Aborts when the time is up or the caller went away. */
  readonly signal: AbortSignal;
  /** Epoch ms. */
  readonly expiresAt: number;
  readonly totalMs: number;
  remainingMs(): number;
}

export function createDeadline(totalMs: number, callerGone?: AbortSignal, now = Date.now()): Deadline {
  const timeout = AbortSignal.timeout(totalMs);
  const signal = callerGone ? AbortSignal.any([timeout, callerGone]) : timeout;
  // Every upstream call of a wide operation listens on it; that is by design, not a leak.
  setMaxListeners(0, signal);
  const expiresAt = now + totalMs;
  return { signal, expiresAt, totalMs, remainingMs: () => Math.max(0, expiresAt - Date.now()) };
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

/** Waits `ms`, or less if `signal` aborts first (the caller then sees the abort on its next step). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
