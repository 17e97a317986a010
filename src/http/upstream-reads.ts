import type { UpstreamRoute } from './routes.js';

/**
 * What one GraphQL operation read through the cross-request cache: which
 * route with which credential (so a response built from those answers can be
 * dropped when a write invalidates one of them), and until when the answers
 * were fresh (so such a response is kept no longer than its inputs).
 */
export interface UpstreamReads {
  /**
   * A cacheable GET begins. Recorded before it is answered, so an
   * invalidation while it is under way already counts against it.
   */
  reading(route: UpstreamRoute, credential: string): void;
  /**
   * It was answered with an answer fresh until `freshUntil` (clock ms): in
   * the past for one served stale, `null` for one no cache keeps (TTL 0, or
   * the cache off).
   */
  answered(freshUntil: number | null): void;
  /** Every (route, credential) read, as readTag spells them. */
  readonly tags: ReadonlySet<string>;
  /** The earliest `freshUntil` answered; +Infinity when nothing was; `null` when any answer is not kept. */
  readonly freshUntil: number | null;
}

/** One spelling of a (route, credential) pair, shared by the reads and the invalidations. */
export const readTag = (route: UpstreamRoute, credential: string) => `${route} ${credential}`;

/** One per GraphQL operation. */
export function createUpstreamReads(): UpstreamReads {
  const tags = new Set<string>();
  let freshUntil: number | null = Number.POSITIVE_INFINITY;
  return {
    reading(route, credential) {
      tags.add(readTag(route, credential));
    },
    answered(until) {
      if (until === null) freshUntil = null;
      else if (freshUntil !== null && until < freshUntil) freshUntil = until;
    },
    tags,
    get freshUntil() {
      return freshUntil;
    },
  };
}

/** Records nothing: for calls made outside any GraphQL operation. */
export const noUpstreamReads: UpstreamReads = {
  reading: () => {},
  answered: () => {},
  tags: new Set(),
  freshUntil: null,
};
