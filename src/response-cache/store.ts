import { LRUCache } from 'lru-cache';
import { systemClock, type Clock } from '../http/clock.js';

/** One cached result, kept as the text sent: a hit is answered without serializing anything. */
export interface StoredResponse {
  /** The result as JSON, `{"data":…}`. */
  text: string;
  /** Clock ms from which it is no longer served. */
  expiresAt: number;
  /** The upstream reads it was built from (upstream-reads.ts readTag): invalidating any drops it. */
  tags: readonly string[];
}

/**
 * Where cached results live. Small on purpose, so a shared tier (Redis) can
 * stand behind it too: `get` may answer later; `set` and `invalidate` are
 * fire-and-forget.
 */
export interface ResponseStore {
  get(key: string): StoredResponse | undefined | Promise<StoredResponse | undefined>;
  set(key: string, response: StoredResponse): void;
  invalidate(tag: string): void;
  /** The estimated bytes held, where the store can tell (metrics). */
  bytes?(): number;
}

/**
 * Memory per character of text: ×2, because a string holding one character
 * outside Latin-1 (a name, an emoji) takes two bytes for each, and, as for the
 * upstream cache, evicted entries linger in old space until a major GC.
 */
const BYTES_PER_CHAR = 2;
const ENTRY_OVERHEAD_BYTES = 300;

/**
 * The in-process store: lru-cache bounded by the estimated bytes held, each
 * entry until its own expiry, with an index from each upstream read to the
 * entries built from it.
 */
export function createMemoryResponseStore(
  maxBytes: number,
  clock: Pick<Clock, 'now'> = systemClock,
  onEvict: () => void = () => {},
): ResponseStore {
  const byTag = new Map<string, Set<string>>();
  const untag = (key: string, tags: readonly string[]) => {
    for (const tag of tags) {
      const keys = byTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) byTag.delete(tag);
    }
  };
  const lru = new LRUCache<string, StoredResponse>({
    maxSize: Math.max(1, maxBytes),
    sizeCalculation: (response, key) =>
      (response.text.length + key.length + response.tags.reduce((sum, tag) => sum + tag.length, 0)) * BYTES_PER_CHAR +
      ENTRY_OVERHEAD_BYTES,
    perf: clock,
    // Read the clock on every check (lru-cache otherwise reuses one reading for 1 ms).
    ttlResolution: 0,
    // Evicted, expired, replaced or invalidated: the index forgets it too.
    dispose: (response, key, reason) => {
      untag(key, response.tags);
      if (reason === 'evict') onEvict();
    },
  });

  return {
    get(key) {
      const found = lru.get(key);
      // lru-cache still serves an entry in the very millisecond it expires.
      return found && found.expiresAt > clock.now() ? found : undefined;
    },
    set(key, response) {
      const ttl = response.expiresAt - clock.now();
      if (ttl <= 0) return;
      lru.set(key, response, { ttl });
      // lru-cache refuses an entry larger than the whole bound: then nothing is indexed.
      if (lru.peek(key) !== response) return;
      for (const tag of response.tags) {
        let keys = byTag.get(tag);
        if (!keys) byTag.set(tag, (keys = new Set()));
        keys.add(key);
      }
    },
    invalidate(tag) {
      for (const key of [...(byTag.get(tag) ?? [])]) lru.delete(key);
    },
    bytes: () => lru.calculatedSize,
  };
}
