import type { Logger } from 'pino';
import { settlesWithin } from '../http/deadline.js';

/**
 * Past SHUTDOWN_GRACE_MS, how long the close phase (pools, Redis, the span
 * flush) may still take before the process exits 1 by itself. Kubernetes'
 * default terminationGracePeriodSeconds (30 s) leaves 5 s past the default
 * grace (25 s); this stays inside it, so the operator sees 0 or 1, not 137.
 */
export const EXIT_MARGIN_MS = 3_000;
/** The span flush gets at least this long, even when the drain used the whole grace. */
const TRACING_FLOOR_MS = 1_000;
/** The last log lines get this long to be written out before the exit. */
const LOG_FLUSH_MS = 1_000;

export interface StopOptions {
  graceMs: number;
  /** Drains and closes the app; resolves with the requests cut short. */
  shutdown(graceMs: number): Promise<{ cut: number }>;
  /** Sends the spans still buffered; `null` without tracing. */
  flushTracing: (() => Promise<void>) | null;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Writes what the logger still buffers, in order (before `exit`); on a second signal it is not waited for. */
  flushLogs(): void | Promise<void>;
  exit(code: number): void;
  /** @default EXIT_MARGIN_MS */
  marginMs?: number;
  /** @default Date.now */
  now?: () => number;
}

/**
 * What SIGTERM and SIGINT do: drain, close, flush the spans, exit 0 (or 1 when
 * requests were cut short). Every step after the drain is bounded: a watchdog
 * exits 1 at grace + margin whatever still hangs, and the span flush gets only
 * the grace that is left. A second signal exits 1 at once.
 */
export function createStop({ graceMs, shutdown, flushTracing, logger, flushLogs, exit, marginMs = EXIT_MARGIN_MS, now = Date.now }: StopOptions) {
  let stopping = false;
  let exited = false;
  const leave = (code: number, wait = true) => {
    if (exited) return;
    exited = true;
    const flushed = flushLogs();
    if (!wait || !flushed) return exit(code);
    void settlesWithin(flushed, LOG_FLUSH_MS).then(() => exit(code));
  };
  return (signal: NodeJS.Signals): void => {
    if (stopping) {
      // A second signal: the operator does not want to wait.
      logger.warn({ signal }, 'second signal: exiting at once');
      return leave(1, false);
    }
    stopping = true;
    const startedAt = now();
    // Unref'd: it never holds the process up, it only ends one that hangs.
    const watchdog = setTimeout(() => {
      logger.error({ graceMs, marginMs }, `still closing ${marginMs} ms after SHUTDOWN_GRACE_MS: exiting`);
      leave(1);
    }, graceMs + marginMs);
    watchdog.unref();
    const stopped = shutdown(graceMs);
    // Said once it is true: /readyz answers 503 and no new connection is accepted.
    logger.info({ signal, graceMs }, `${signal}: shutting down (in flight: up to ${graceMs} ms to finish)`);
    void (async () => {
      // app.shutdown settles every step; should it throw all the same, that is a failed stop.
      const result = await stopped.catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        return null;
      });
      if (!result) return leave(1);
      const { cut } = result;
      if (flushTracing) {
        const left = Math.max(TRACING_FLOOR_MS, graceMs - (now() - startedAt));
        if (!(await settlesWithin(flushTracing(), left))) logger.warn({ waitedMs: left }, 'tracing: spans still unsent when the grace ran out; dropped');
      }
      clearTimeout(watchdog);
      if (cut > 0) logger.error({ cut }, `stopped with ${cut} request(s) cut short after SHUTDOWN_GRACE_MS`);
      else logger.info('stopped: every request in flight was answered');
      leave(cut > 0 ? 1 : 0);
    })();
  };
}
