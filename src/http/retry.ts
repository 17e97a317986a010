import { sleep, type Deadline } from './deadline.js';
import { isGatewaySide, UpstreamError } from './errors.js';

export interface RetrySettings {
  /** Attempts in all, the first included; 1 turns retries off. */
  maxAttempts: number;
  /** The backoff cap of the first retry; it doubles each retry. */
  baseDelayMs: number;
  maxDelayMs: number;
}

const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

/**
 * Only what is safe and likely to help: a request that never left (any
 * method), and for idempotent GETs a broken connection or a status that says
 * "try again". A write that may have reached the upstream is never repeated
 * (it could post a message twice); an attempt that timed out is not repeated
 * either, as a slow upstream is not helped by more load.
 */
export function isRetryable(method: string, error: unknown): boolean {
  if (!(error instanceof UpstreamError)) return false;
  if (error.details.transport === 'connect') return true;
  if (method !== 'GET') return false;
  if (error.details.transport === 'network') return true;
  return error.details.status !== undefined && RETRYABLE_STATUSES.has(error.details.status);
}

/**
 * Exponential backoff with full jitter (a random wait up to the doubling cap),
 * but never sooner than the upstream's Retry-After.
 */
export function retryDelayMs(retry: number, settings: RetrySettings, retryAfterSeconds?: number, random = Math.random): number {
  const cap = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (retry - 1));
  const backoff = Math.round(random() * cap);
  return retryAfterSeconds === undefined ? backoff : Math.max(backoff, retryAfterSeconds * 1000);
}

/**
 * Runs `attempt` until it succeeds, fails in a way not worth repeating, runs
 * out of attempts, or the next wait would not end before the deadline: then
 * the last failure is what the caller sees. A retry the gateway itself cut
 * short (the call budget could not pay for it, or the deadline passed while
 * it waited or ran) ends with the upstream failure that prompted it: the
 * caller learns what the upstream did, and the breaker counts that.
 */
export async function withRetries<T>(
  method: string,
  deadline: Deadline,
  settings: RetrySettings,
  attempt: () => Promise<T>,
): Promise<T> {
  let prompting: unknown;
  for (let attempts = 1; ; attempts += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (prompting !== undefined && isGatewaySide(error)) throw prompting;
      if (attempts >= settings.maxAttempts || !isRetryable(method, error)) throw error;
      prompting = error;
      const delay = retryDelayMs(attempts, settings, (error as UpstreamError).details.retryAfter);
      if (delay >= deadline.remainingMs()) throw error;
      await sleep(delay, deadline);
      if (deadline.signal.aborted) throw error;
    }
  }
}
