/** The live queue's polls and subscription limits (README, Configuration). */
export interface QueueSettings {
  /** Between the end of one poll of a cohort and the start of the next (QUEUE_POLL_SECONDS, at least the contacts cache TTL). */
  pollIntervalMs: number;
  /** The longest wait between polls while Vambe answers 429 or its breaker is open. */
  maxBackoffMs: number;
  /** Subscriptions one caller (API key; on an open gateway, address) may hold at once. */
  maxSubscriptionsPerCaller: number;
  /** Subscriptions this process holds at once, across callers. */
  maxSubscriptions: number;
  /** Between two keep-alive pings on a WebSocket; a peer that misses one pong is dropped. */
  heartbeatMs: number;
}
