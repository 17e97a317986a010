import type { BreakerState } from '../http/breaker.js';
import type { HttpLayerState } from '../http/client.js';
import type { UpstreamName } from '../http/errors.js';
import type { RedisHealth } from '../redis/health.js';

/** `degraded`: serving, with less (Redis down: in-process state instead); `down`: not ready. */
export type CheckState = 'up' | 'degraded' | 'down';

export interface CheckResult {
  state: CheckState;
  /** Said in the 503's `reason` when down; never a secret or a URL with credentials. */
  reason?: string;
}

/** One thing /readyz asks; the list is open (a Redis check joins it when REDIS_URL is set). */
export interface ReadinessCheck {
  name: string;
  check(): CheckResult | Promise<CheckResult>;
}

export interface ReadinessReport {
  ready: boolean;
  body: {
    status: 'ready' | 'not ready' | 'shutting down';
    reason?: string;
    checks: Record<string, CheckState>;
    /** Each configured upstream's circuit breaker. */
    breakers: Partial<Record<UpstreamName, BreakerState>>;
  };
}

export interface Readiness {
  /** From now on /readyz answers 503: the process is draining. */
  beginShutdown(): void;
  report(): Promise<ReadinessReport>;
}

const CHECK_TIMEOUT_MS = 2_000;

/**
 * /readyz's answer: ready when every check is up or degraded and shutdown
 * has not begun. Checks run together, each bounded in time, so a hanging
 * dependency makes the probe fail rather than hang.
 */
export function createReadiness(http: HttpLayerState, upstreams: readonly UpstreamName[], checks: ReadinessCheck[] = []): Readiness {
  const all: ReadinessCheck[] = [{ name: 'config', check: () => ({ state: 'up' }) }, breakerCheck(http, upstreams), ...checks];
  let stopping = false;
  return {
    beginShutdown() {
      stopping = true;
    },
    async report() {
      const results = await Promise.all(all.map(async (check) => ({ name: check.name, ...(await bounded(check)) })));
      const down = results.filter((result) => result.state === 'down');
      const breakers = Object.fromEntries(upstreams.map((upstream) => [upstream, http.breaker(upstream)]));
      const checksByName = Object.fromEntries(results.map((result) => [result.name, result.state]));
      if (stopping) return { ready: false, body: { status: 'shutting down', reason: 'the gateway is shutting down', checks: checksByName, breakers } };
      if (down.length > 0) {
        const reason = down.map((result) => `${result.name}: ${result.reason ?? 'down'}`).join('; ');
        return { ready: false, body: { status: 'not ready', reason, checks: checksByName, breakers } };
      }
      return { ready: true, body: { status: 'ready', checks: checksByName, breakers } };
    },
  };
}

/** Down only when every configured upstream's breaker is open: one failing vendor still leaves a useful gateway. */
function breakerCheck(http: HttpLayerState, upstreams: readonly UpstreamName[]): ReadinessCheck {
  return {
    name: 'upstreams',
    check() {
      const open = upstreams.filter((upstream) => http.breaker(upstream) === 'open');
      if (upstreams.length > 0 && open.length === upstreams.length) return { state: 'down', reason: "every upstream's circuit breaker is open" };
      return { state: open.length > 0 ? 'degraded' : 'up' };
    },
  };
}

/**
 * Redis, when REDIS_URL is set: `degraded` while it is unreachable (each
 * replica then serves from its own state, so the gateway stays ready).
 */
export function redisCheck(health: RedisHealth): ReadinessCheck {
  return { name: 'redis', check: () => ({ state: health.state === 'up' ? 'up' : 'degraded' }) };
}

/** The embedded sandbox answers its health route (it is reached over HTTP, like a real upstream). */
export function sandboxCheck(sandboxUrl: string): ReadinessCheck {
  return {
    name: 'sandbox',
    async check() {
      try {
        const response = await fetch(`${sandboxUrl}/__sandbox/health`, { signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) });
        await response.body?.cancel();
        return response.ok ? { state: 'up' } : { state: 'down', reason: `the embedded sandbox answered ${response.status}` };
      } catch {
        return { state: 'down', reason: 'the embedded sandbox does not answer' };
      }
    },
  };
}

async function bounded(check: ReadinessCheck): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ state: 'down', reason: `no answer within ${CHECK_TIMEOUT_MS} ms` }), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([Promise.resolve().then(() => check.check()), late]);
  } catch {
    return { state: 'down', reason: 'the check failed' };
  } finally {
    clearTimeout(timer);
  }
}
