/** Where the shared tier is and how long a call to it may take (README, Scaling). */
export interface RedisSettings {
  /** `redis://` or `rediss://`, with any password in it; never logged. */
  url: string;
  /** Every command is answered within this, or the caller falls back to what the replica holds itself. */
  commandTimeoutMs: number;
  /** Prefix of every key and channel, so deployments may share one Redis. */
  keyPrefix: string;
  /** The largest value written to Redis (an upstream answer, a result, a traversal page); larger ones stay in process. */
  maxValueBytes: number;
}

/** How a gateway run as several replicas shares its state. */
export interface ScalingSettings {
  /** `null` without REDIS_URL: every replica keeps its state to itself. */
  redis: RedisSettings | null;
  /**
   * The share of every vendor budget and per-caller limit a replica keeps
   * to while it counts alone (no Redis, or Redis unavailable), so the
   * replicas together stay within them: 1 / REPLICAS unless set.
   */
  localShare: number;
}
