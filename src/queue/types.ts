import type { UpstreamErrorCode, UpstreamName } from '../http/errors.js';
import type { VambeContactWire } from '../upstreams/vambe/types.js';

/**
 * What the live queue holds and sends between processes: plain JSON (times
 * as epoch ms on the wall clock), so a poll's result can cross Redis pub/sub
 * unchanged when replicas share one poller.
 */

/** A Vambe contact and since when it has waited: the upstream's waiting time, taken back from the moment it was read. */
export type QueuedContact = VambeContactWire & { waitingSince: number };

/** One pass over a cohort's queue. */
export interface QueueRead {
  /** Longest waiting first (earliest `waitingSince`, then id); at most MAX_QUEUE_CONTACTS. */
  contacts: QueuedContact[];
  /** How many the queue holds, as Vambe reports it (the contacts counted, should it send no total). */
  totalCount: number;
  /** False when the queue holds more than the gateway reads of it. */
  complete: boolean;
  /** When Vambe gave the oldest of the answers (epoch ms): when the pass fetched it, or when the cache did. */
  readAt: number;
  /** Some answer was served from the cache past its TTL (Vambe refused or could not be reached). */
  stale: boolean;
}

/** A failed pass, as the caller will see it (http/errors.ts codes). */
export interface QueueFailure {
  code: UpstreamErrorCode | 'INTERNAL_SERVER_ERROR';
  message: string;
  upstream: UpstreamName;
  upstreamStatus?: number;
  /** Seconds, when Vambe or the gateway said when to try again. */
  retryAfter?: number;
}

/** What a cohort's poller publishes after each pass. */
export type CohortUpdate = { kind: 'queue'; read: QueueRead } | { kind: 'failure'; failure: QueueFailure; at: number };
