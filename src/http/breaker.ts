import { BrokenCircuitError, circuitBreaker, CircuitState, handleWhen, SamplingBreaker, type CircuitBreakerPolicy } from 'cockatiel';
import { codeFor, isGatewaySide, UpstreamError, upstreamLabels, type UpstreamName } from './errors.js';
import { perUpstream } from './per-upstream.js';

export interface BreakerSettings {
  /** Share of failed calls (0–1, exclusive) in the window that opens the breaker. */
  failureRatio: number;
  /** The sliding window the ratio is measured over. */
  windowMs: number;
  /** Calls the window must hold before the ratio counts, so two failures at night do not open it. */
  minRequests: number;
  /** How long the breaker stays open before one probe may pass (half-open). */
  openMs: number;
}

/**
 * Failures that say the upstream is unwell: no answer within its attempt
 * timeout, a broken connection, a 5xx. A 4xx is the caller's or the
 * credentials' business, a 429 the rate budget's, and a 200 in an unexpected
 * shape will not heal by waiting. The gateway's own refusals and deadlines
 * say nothing about the upstream.
 */
export function countsAgainst(error: unknown): boolean {
  if (!(error instanceof UpstreamError) || isGatewaySide(error)) return false;
  if (error.code === 'UPSTREAM_TIMEOUT') return true;
  return error.code === 'UPSTREAM_ERROR' && (error.details.status === undefined || error.details.status >= 500);
}

export interface Breakers {
  /** Runs `call` through the upstream's breaker; while open, throws UPSTREAM_UNAVAILABLE without calling. */
  run<T>(upstream: UpstreamName, call: () => Promise<T>): Promise<T>;
  /** Whether the upstream's breaker is open (refusing, or about to let one probe pass). */
  isOpen(upstream: UpstreamName): boolean;
}

/**
 * One circuit breaker per upstream (cockatiel), so a failing Vambe fails fast
 * without slowing Avaamo. It wraps the retries: one exhausted call counts once.
 * A call the budget refuses never reaches it (client.ts takes the first
 * token before the breaker), so a refusal can never close it.
 */
export function createBreakers(settings: BreakerSettings): Breakers {
  const breakerFor = perUpstream(() => {
    // cockatiel closes a half-open breaker on any error it does not handle. A
    // probe the gateway cut off learned nothing, so there it counts as a
    // failure: the breaker stays open for another period rather than
    // letting traffic back to an upstream nobody heard from. While closed,
    // such an error is neither success nor failure.
    const handled = (error: Error) => countsAgainst(error) || (policy.state === CircuitState.HalfOpen && isGatewaySide(error));
    const policy: CircuitBreakerPolicy = circuitBreaker(handleWhen(handled), {
      halfOpenAfter: settings.openMs,
      breaker: new SamplingBreaker({
        threshold: settings.failureRatio,
        duration: settings.windowMs,
        minimumRps: settings.minRequests / (settings.windowMs / 1000),
      }),
    });
    const created = { policy, openedAt: 0 };
    policy.onBreak(() => {
      created.openedAt = Date.now();
    });
    return created;
  });

  return {
    isOpen: (upstream) => breakerFor(upstream).policy.state === CircuitState.Open,
    async run(upstream, call) {
      const breaker = breakerFor(upstream);
      try {
        return await breaker.policy.execute(call);
      } catch (error) {
        if (!(error instanceof BrokenCircuitError)) throw error;
        const waitMs = Math.max(0, breaker.openedAt + settings.openMs - Date.now());
        throw new UpstreamError(
          upstream,
          codeFor('breaker-open'),
          `${upstreamLabels[upstream]} is failing; the gateway stopped calling it for a while`,
          { retryAfter: Math.max(1, Math.ceil(waitMs / 1000)) },
        );
      }
    },
  };
}
