import { systemClock, type Clock } from './clock.js';
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
function countsAgainst(error: unknown): boolean {
  if (!(error instanceof UpstreamError) || isGatewaySide(error)) return false;
  if (error.code === 'UPSTREAM_TIMEOUT') return true;
  return error.code === 'UPSTREAM_ERROR' && (error.details.status === undefined || error.details.status >= 500);
}

export interface Breakers {
  /** Runs `call` through the upstream's breaker; while open, throws UPSTREAM_UNAVAILABLE without calling. */
  run<T>(upstream: UpstreamName, call: () => Promise<T>): Promise<T>;
  /** Throws UPSTREAM_UNAVAILABLE while the breaker is open and no probe is due yet. */
  refuseWhileOpen(upstream: UpstreamName): void;
  /** Whether the upstream's breaker is open (refusing, or about to let one probe pass). */
  isOpen(upstream: UpstreamName): boolean;
  /** Where the upstream's breaker stands, for readiness and metrics. */
  state(upstream: UpstreamName): BreakerState;
}

export type BreakerState = 'closed' | 'half-open' | 'open';

type State = { kind: 'closed' } | { kind: 'open'; openedAt: number } | { kind: 'half-open'; probe: Promise<unknown> };

/**
 * One circuit breaker per upstream, so a failing Vambe fails fast without
 * slowing Avaamo. It wraps the retries: one exhausted call counts once. A
 * call the budget refuses never reaches it (client.ts takes the first token
 * before the breaker), so a refusal can never close it.
 *
 * Closed, it counts successes and failures (`countsAgainst`) over a sliding
 * window; other errors count as neither. Open, it refuses every call for
 * `openMs`, then lets the next one through as a probe while the calls behind
 * it wait for the verdict: a probe the upstream answered closes it (a 4xx is
 * an answer), a failed one opens it again, and so does one the gateway cut
 * off, which learned nothing about the upstream. Its own code rather than a
 * library's: it runs on the injected clock, like the rest of the HTTP layer.
 */
export function createBreakers(settings: BreakerSettings, clock: Clock = systemClock): Breakers {
  const breakerFor = perUpstream((upstream) => {
    const window = createWindow(settings.windowMs, clock);
    let state: State = { kind: 'closed' };
    const open = () => {
      state = { kind: 'open', openedAt: clock.now() };
    };
    const close = () => {
      window.clear();
      state = { kind: 'closed' };
    };
    const refused = (openedAt: number) => {
      const waitMs = Math.max(0, openedAt + settings.openMs - clock.now());
      return new UpstreamError(upstream, codeFor('breaker-open'), `${upstreamLabels[upstream]} is failing; the gateway stopped calling it for a while`, {
        retryAfter: Math.max(1, Math.ceil(waitMs / 1000)),
      });
    };

    async function probe<T>(call: () => Promise<T>): Promise<T> {
      const attempt = call();
      state = { kind: 'half-open', probe: attempt };
      try {
        const value = await attempt;
        close();
        return value;
      } catch (error) {
        if (countsAgainst(error) || isGatewaySide(error)) open();
        else close();
        throw error;
      }
    }

    async function closedCall<T>(call: () => Promise<T>): Promise<T> {
      try {
        const value = await call();
        if (state.kind === 'closed') window.record(true);
        return value;
      } catch (error) {
        if (state.kind === 'closed' && countsAgainst(error)) {
          const { failures, total } = window.record(false);
          if (total >= settings.minRequests && failures > settings.failureRatio * total) open();
        }
        throw error;
      }
    }

    return {
      isOpen: () => state.kind === 'open',
      state: (): BreakerState => state.kind,
      refuseWhileOpen() {
        if (state.kind === 'open' && clock.now() - state.openedAt < settings.openMs) throw refused(state.openedAt);
      },
      async run<T>(call: () => Promise<T>): Promise<T> {
        for (;;) {
          if (state.kind === 'closed') return closedCall(call);
          if (state.kind === 'open') {
            if (clock.now() - state.openedAt < settings.openMs) throw refused(state.openedAt);
            return probe(call);
          }
          await state.probe.catch(() => undefined);
        }
      },
    };
  });

  return {
    isOpen: (upstream) => breakerFor(upstream).isOpen(),
    state: (upstream) => breakerFor(upstream).state(),
    refuseWhileOpen: (upstream) => breakerFor(upstream).refuseWhileOpen(),
    run: (upstream, call) => breakerFor(upstream).run(call),
  };
}

/** Calls over the last `windowMs`, in slots of at most a second. */
function createWindow(windowMs: number, clock: Clock) {
  const count = Math.max(5, Math.ceil(windowMs / 1000));
  const slotMs = windowMs / count;
  const slots = Array.from({ length: count }, () => ({ index: Number.NEGATIVE_INFINITY, failures: 0, successes: 0 }));
  return {
    record(success: boolean): { failures: number; total: number } {
      const index = Math.floor(clock.now() / slotMs);
      const slot = slots[((index % count) + count) % count]!;
      if (slot.index !== index) Object.assign(slot, { index, failures: 0, successes: 0 });
      if (success) slot.successes += 1;
      else slot.failures += 1;
      let failures = 0;
      let total = 0;
      for (const each of slots) {
        if (each.index <= index - count) continue;
        failures += each.failures;
        total += each.failures + each.successes;
      }
      return { failures, total };
    },
    clear() {
      for (const slot of slots) slot.index = Number.NEGATIVE_INFINITY;
    },
  };
}
