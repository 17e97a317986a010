import { Agent, type Dispatcher } from 'undici';
import { followAbort, settlesWithin, type Deadline } from './deadline.js';
import { codeFor, UpstreamError, upstreamLabels, type UpstreamName } from './errors.js';

export interface UpstreamTimeouts {
  /** Time to open the TCP (and TLS) connection. */
  connectMs: number;
  /** Time for one attempt: connect, send, headers and the whole body. */
  totalMs: number;
}

/**
 * One connection pool per upstream, carrying its connect timeout: fetch has no
 * connect timeout of its own, and a dead host should fail in seconds, not
 * after the OS gives up.
 */
export function createDispatcher(timeouts: UpstreamTimeouts): Dispatcher {
  return new Agent({ connect: { timeout: timeouts.connectMs } });
}

/** How long closing a pool waits for the calls still in it before it destroys them. */
const CLOSE_PATIENCE_MS = 1_000;

/**
 * Closes a pool, destroying it (its calls fail) when calls still run after
 * `patienceMs`. `close()` alone waits for every call in the pool, and some
 * (a background refresh, a shared load whose callers left) belong to no
 * operation the drain waited for: they run until their own deadline.
 */
export async function closeDispatcher(dispatcher: Dispatcher, patienceMs = CLOSE_PATIENCE_MS): Promise<void> {
  if (await settlesWithin(dispatcher.close(), patienceMs)) return;
  await dispatcher.destroy().catch(() => undefined);
}

/**
 * Aborts when this attempt has taken too long or the operation's deadline has
 * passed; `done()` releases the timer and the listener once the body is read.
 */
export function attemptSignal(timeouts: UpstreamTimeouts, deadline: Deadline): { signal: AbortSignal; done(): void } {
  const controller = new AbortController();
  const cancel = deadline.clock.after(timeouts.totalMs, () =>
    controller.abort(new DOMException('The upstream timeout passed', 'TimeoutError')),
  );
  const unfollow = followAbort(deadline.signal, controller);
  return {
    signal: controller.signal,
    done() {
      cancel();
      unfollow();
    },
  };
}

/** Error codes of failures that happen before any byte of the request left. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * A failure below HTTP as an UpstreamError. `sent` says whether a write may
 * have reached the upstream, which turns a timeout into an unknown outcome.
 */
export function transportError(
  upstream: UpstreamName,
  error: unknown,
  { signal, deadline, timeouts, method }: { signal: AbortSignal; deadline: Deadline; timeouts: UpstreamTimeouts; method: string },
): UpstreamError {
  const label = upstreamLabels[upstream];
  const unknownWrite = method === 'GET' ? {} : { outcome: 'unknown' as const };
  if (signal.aborted) {
    // Whose abort it was: the deadline's (gateway side) or the attempt's own timer (the upstream's slowness).
    if (deadline.signal.aborted && signal.reason === deadline.signal.reason) {
      return deadlineError(upstream, deadline, method !== 'GET');
    }
    return new UpstreamError(upstream, codeFor('timeout'), `${label} did not answer within ${timeouts.totalMs} ms`, {
      transport: 'timeout',
      ...unknownWrite,
    });
  }
  const code = causeCode(error);
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new UpstreamError(upstream, codeFor('timeout'), `${label} did not accept a connection within ${timeouts.connectMs} ms`, {
      transport: 'connect',
    });
  }
  if (code !== undefined && NOT_SENT.has(code)) {
    return new UpstreamError(upstream, codeFor('unreachable'), `${label} could not be reached`, { transport: 'connect' });
  }
  return new UpstreamError(upstream, codeFor('unreachable'), `${label} closed the connection before answering`, {
    transport: 'network',
    ...unknownWrite,
  });
}

/** fetch wraps the socket's error as `cause` (undici), sometimes twice. */
function causeCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 4; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * The error of an operation whose deadline passed (or whose caller left)
 * while this call was still waiting or running. The caller sees
 * UPSTREAM_TIMEOUT; `transport: 'deadline'` keeps it out of the breaker.
 */
export function deadlineError(upstream: UpstreamName, deadline: Deadline, writeInFlight: boolean): UpstreamError {
  // The deadline's own timer aborts with a TimeoutError; any other reason is the caller's request ending.
  const reason: unknown = deadline.signal.reason;
  const callerLeft = deadline.signal.aborted && !(reason instanceof DOMException && reason.name === 'TimeoutError');
  return new UpstreamError(
    upstream,
    codeFor('timeout'),
    callerLeft
      ? `The caller went away before ${upstreamLabels[upstream]} answered`
      : `${upstreamLabels[upstream]} did not answer within the operation's deadline (${deadline.totalMs} ms)`,
    writeInFlight ? { transport: 'deadline', outcome: 'unknown' } : { transport: 'deadline' },
  );
}
