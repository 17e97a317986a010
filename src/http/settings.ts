import type { BreakerSettings } from './breaker.js';
import type { UpstreamName } from './errors.js';
import type { RetrySettings } from './retry.js';
import type { UpstreamTimeouts } from './timeouts.js';

/** How upstream failures are bounded (issue 5): deadlines, timeouts, retries, breakers. */
export interface ResilienceSettings {
  /** Nothing of one GraphQL operation outlives this. */
  operationDeadlineMs: number;
  timeouts: Record<UpstreamName, UpstreamTimeouts>;
  retry: RetrySettings;
  breaker: BreakerSettings;
}
