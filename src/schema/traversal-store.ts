import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/** One page a live traversal returned, as the pages after it need it (live-pagination.ts). */
export interface TraversalPage {
  /** The page this one continued from; null on a traversal's first page. */
  parent: string | null;
  /** The items this page added to what its traversal returned. */
  returned: readonly string[];
  /** Where paging on from this page starts reading (absolute offsets), when not at its cursors' offsets. */
  resumeAfter: number | null;
  resumeBefore: number | null;
}

/** A page with everything its traversal had returned up to it. */
export interface TraversalPosition {
  returned: ReadonlySet<string>;
  resumeAfter: number | null;
  resumeBefore: number | null;
}

/**
 * Where live traversals are kept, so their cursors need carry only a page
 * id. Pages are never changed once recorded: paging again from an older
 * cursor (a refetch, back and forward) starts a branch of its own and leaves
 * every other branch as it was. This one lives in the process; a shared
 * implementation lets a traversal go on at another replica, and must make a
 * recorded page readable there before the response that carries its id is
 * sent.
 */
export interface TraversalStore {
  /** Keeps a page and returns its id. */
  record(page: TraversalPage): string;
  /** The page and the way to it; undefined once any of it is forgotten. */
  load(id: string): Promise<TraversalPosition | undefined>;
}

export interface MemoryTraversalStoreOptions {
  /** Item ids kept in all, across traversals; the least recently used pages go first. @default 250_000 (about 20 MB) */
  maxIds?: number;
  /** A page not read for this long is forgotten. @default one hour */
  idleMs?: number;
  /** @default performance */
  clock?: { now(): number };
}

export function createMemoryTraversalStore({
  maxIds = 250_000,
  idleMs = 60 * 60 * 1000,
  clock = performance,
}: MemoryTraversalStoreOptions = {}): TraversalStore {
  const pages = new LRUCache<string, TraversalPage>({
    maxSize: maxIds,
    sizeCalculation: (page) => page.returned.length + 1,
    ttl: idleMs,
    // Reading a traversal reads its whole way, so a traversal in use keeps all its pages.
    updateAgeOnGet: true,
    perf: clock,
    ttlResolution: 0,
  });
  // Ids from an earlier process never name a page of this one.
  const prefix = randomBytes(6).toString('base64url');
  let next = 0;
  return {
    record(page) {
      const id = `${prefix}${(next++).toString(36)}`;
      pages.set(id, page);
      return id;
    },
    async load(id) {
      const page = pages.get(id);
      if (!page) return undefined;
      const returned = new Set<string>();
      for (let at: TraversalPage | undefined = page; at; ) {
        for (const item of at.returned) returned.add(item);
        if (at.parent === null) return { returned, resumeAfter: page.resumeAfter, resumeBefore: page.resumeBefore };
        at = pages.get(at.parent);
      }
      return undefined;
    },
  };
}
