import { createHash } from 'node:crypto';
import { badUserInput } from './errors.js';
import {
  SEEN_TAG_LENGTH,
  encodeCursor,
  parsePagingArgs,
  selectWindow,
  type Connection,
  type ConnectionArgs,
  type FetchedPage,
} from './pagination.js';

/** How many items one traversal of a live list remembers (about 8 KB of cursor). */
const MAX_SEEN = 1000;

/**
 * A connection over a live list that cannot be pinned (Vambe reorders by the
 * waiting time at each request): positions are absolute offsets as of each
 * upstream answer, and every cursor also carries short tags of the items
 * its traversal returned, which later pages skip. An item can therefore
 * never come twice in one traversal; one that moves ahead of the position
 * (beyond the upstream page the position is on) meanwhile is missed, and a
 * new traversal sees it. Every edge's cursor continues after the whole page.
 */
export async function resolveLiveConnection<T>(options: {
  args: ConnectionArgs;
  fingerprint: string;
  pageSize: number;
  fetchPage: (page: number) => Promise<FetchedPage<T>>;
  idOf: (item: T) => string;
}): Promise<Connection<T>> {
  const { args, fingerprint, pageSize, fetchPage, idOf } = options;
  const request = parsePagingArgs(args, fingerprint);
  const seen = new Set(request.seen);
  const pages = new Map<number, Promise<FetchedPage<T>>>();
  const page = (number: number) => {
    let pending = pages.get(number);
    if (!pending) {
      pending = fetchPage(number);
      pages.set(number, pending);
    }
    return pending;
  };
  let total: number | null = null;
  /** Unseen items of the pages read, by absolute offset. */
  const unseen = new Map<number, T>();
  const read = async (number: number) => {
    const fetched = await page(number);
    total ??= fetched.total;
    fetched.items.forEach((item, index) => {
      if (!seen.has(seenTag(idOf(item)))) unseen.set((number - 1) * pageSize + index, item);
    });
    return fetched;
  };

  // Forwards, the rest of the page holding `after` is read anyway: any item
  // there not yet returned (one that moved up as others left) is still due.
  const lower =
    request.afterOffset === null ? 0 : request.first === null ? request.afterOffset + 1 : Math.floor((request.afterOffset + 1) / pageSize) * pageSize;
  const backward = request.first === null;
  let upper: number;
  /** Candidates are the unseen items of one contiguous run of offsets read: [from, upper). */
  let from = lower;
  if (backward) {
    // From `before`, or from the end, which the total tells.
    if (request.beforeOffset === null) {
      await read(1);
      if (total === null) throw badUserInput('This list\'s upstream reports no total: page it forwards with `first`/`after`.');
    }
    upper = request.beforeOffset ?? total!;
    from = upper;
    const wanted = request.last! + 1;
    for (let number = Math.floor((upper - 1) / pageSize) + 1; number >= 1 && from > lower; number--) {
      await read(number);
      from = Math.max(lower, (number - 1) * pageSize);
      if (countIn(unseen, from, upper) >= wanted) break;
    }
  } else {
    const wanted = Math.max(request.first!, request.last ?? 0) + 1;
    let limit = request.beforeOffset ?? Number.MAX_SAFE_INTEGER;
    const firstPage = Math.floor(lower / pageSize) + 1;
    // Enough pages to pass every item already returned and find the wanted
    // ones; bounds an upstream that reports no total and only full pages.
    const maxPages = Math.ceil((wanted + seen.size) / pageSize) + 1;
    for (let number = firstPage; (number - 1) * pageSize < limit && number - firstPage < maxPages; number++) {
      const fetched = await read(number);
      if (fetched.items.length < pageSize) limit = Math.min(limit, (number - 1) * pageSize + fetched.items.length);
      if (total !== null) limit = Math.min(limit, total);
      if (countIn(unseen, lower, limit) >= wanted) break;
    }
    upper = limit;
  }

  // The window is chosen among the unseen items in range, as the spec would over that list.
  const candidates = [...unseen.entries()].filter(([offset]) => offset >= from && offset < upper).sort(([a], [b]) => a - b);
  const window = selectWindow({ first: request.first, last: request.last, afterOffset: null, beforeOffset: null }, candidates.length);
  const chosen = candidates.slice(window.start, window.end);
  const returned = [...request.seen, ...chosen.map(([, item]) => seenTag(idOf(item)))];
  if (returned.length > MAX_SEEN) {
    throw badUserInput(`A traversal of this live list can return at most ${MAX_SEEN} items; start a new one (without \`after\`/\`before\`).`);
  }
  const edges = chosen.map(([offset, node]) => ({ cursor: encodeCursor(offset, fingerprint, null, returned), node }));
  // Spec pageInfo over the unseen items in range; beyond a cursor, whether anything exists there.
  const totalCount = total ?? from + candidates.length;
  return {
    edges,
    pageInfo: {
      hasPreviousPage: request.last !== null ? candidates.length > request.last : request.afterOffset !== null,
      hasNextPage:
        request.first !== null
          ? candidates.length > request.first
          : request.beforeOffset !== null && request.beforeOffset < totalCount,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount,
  };
}

/** A short, stable tag of an item's id: 36 bits, so a 1,000-item traversal mistakes one item for another about once in 70,000 traversals (and skips it). */
function seenTag(id: string): string {
  return createHash('sha256').update(id).digest('base64url').slice(0, SEEN_TAG_LENGTH);
}

function countIn<T>(items: Map<number, T>, from: number, to: number): number {
  let count = 0;
  for (const offset of items.keys()) if (offset >= from && offset < to) count++;
  return count;
}
