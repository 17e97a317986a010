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
 * every other branch as it was. The in-process store keeps them in the
 * process that served them; a shared one (src/redis/traversal-store.ts) lets
 * a traversal go on at another replica.
 */
export interface TraversalStore {
  /**
   * Keeps a page and returns its id, readable here at once. A shared store
   * hands `settle` the write that makes it readable elsewhere: the response
   * carrying the id must wait for it.
   */
  record(page: TraversalPage, settle?: (written: Promise<void>) => void): string;
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

export const TRAVERSAL_IDLE_MS = 60 * 60 * 1000;

/** Pages held in this process, by id: the in-process store, and what a shared one keeps near. */
export interface LocalPages {
  set(id: string, page: TraversalPage): void;
  position(id: string): TraversalPosition | undefined;
}

export function createLocalPages({ maxIds = 250_000, idleMs = TRAVERSAL_IDLE_MS, clock = performance }: MemoryTraversalStoreOptions = {}): LocalPages {
  const pages = new LRUCache<string, TraversalPage>({
    maxSize: maxIds,
    sizeCalculation: (page) => page.returned.length + 1,
    ttl: idleMs,
    // Reading a traversal reads its whole way, so a traversal in use keeps all its pages.
    updateAgeOnGet: true,
    perf: clock,
    ttlResolution: 0,
  });
  return {
    set: (id, page) => void pages.set(id, page),
    position(id) {
      const way: TraversalPage[] = [];
      for (let at = pages.get(id); at; at = at.parent === null ? undefined : pages.get(at.parent)) {
        way.push(at);
        if (at.parent === null) return positionOf(way);
      }
      return undefined;
    },
  };
}

/** A page's position from its way back to its traversal's first page (`way[0]` the page itself). */
export function positionOf(way: readonly TraversalPage[]): TraversalPosition {
  const returned = new Set<string>();
  for (const page of way) for (const item of page.returned) returned.add(item);
  return { returned, resumeAfter: way[0]!.resumeAfter, resumeBefore: way[0]!.resumeBefore };
}

export function createMemoryTraversalStore(options: MemoryTraversalStoreOptions = {}): TraversalStore {
  const pages = createLocalPages(options);
  // Ids from an earlier process never name a page of this one.
  const prefix = randomBytes(6).toString('base64url');
  let next = 0;
  return {
    record(page) {
      const id = `${prefix}${(next++).toString(36)}`;
      pages.set(id, page);
      return id;
    },
    load: async (id) => pages.position(id),
  };
}
