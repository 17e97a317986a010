import { Memo } from '../memo.js';
import { invalidCursor, type DecodedCursor, type ListCursors } from './cursor-codec.js';
import { badUserInput } from './errors.js';
import { lazyConnection, type Connection } from './lazy-connection.js';
import { parsePagingArgs, selectWindow, type ConnectionArgs, type FetchedPage } from './pagination.js';
import type { TraversalPosition, TraversalStore } from './traversal-store.js';

/** How many items one traversal of a live list may return: what the gateway keeps of it is bounded. */
export const MAX_TRAVERSAL_ITEMS = 10_000;

/**
 * A connection over a live list that cannot be pinned (Vambe reorders by the
 * waiting time at each request). Positions are absolute offsets as of each
 * upstream answer; the gateway keeps what each traversal returned
 * (TraversalStore), and its cursors carry the id of their page, so later
 * pages skip every item the traversal returned: an item never comes twice
 * in one traversal, and a cursor stays the same size however far it goes.
 * An item that moves ahead of the position (beyond the upstream page the
 * position is on) meanwhile is missed; a new traversal sees it. Every
 * edge's cursor continues after the whole page.
 *
 * One field reads at most the pages its `first`/`last` spans plus one (and
 * one more for the total when paging back from the end), whatever its
 * cursors. When items already returned fill those pages, the page comes
 * back short, or empty with a cursor to page on from, and says more follows.
 */
export async function resolveLiveConnection<T>(options: {
  args: ConnectionArgs;
  cursors: ListCursors;
  traversals: TraversalStore;
  pageSize: number;
  fetchPage: (page: number) => Promise<FetchedPage<T>>;
  idOf: (item: T) => string;
}): Promise<Connection<T>> {
  const { args, cursors, traversals, pageSize, fetchPage, idOf } = options;
  const request = parsePagingArgs(args, cursors);
  const after = request.after && (await positionOf(request.after, traversals));
  const before = request.before && (await positionOf(request.before, traversals));
  const seen = union(after?.returned, before?.returned);
  const size = request.first ?? request.last!;
  if (seen.size + size > MAX_TRAVERSAL_ITEMS) {
    throw badUserInput(`A traversal of this live list can return at most ${MAX_TRAVERSAL_ITEMS} items; start a new one (without \`after\`/\`before\`).`);
  }
  const backward = request.first === null;
  const wanted = Math.max(request.first ?? 0, request.last ?? 0) + 1;
  const maxPages = Math.ceil(wanted / pageSize) + 1 + (backward && before === null ? 1 : 0);

  const pages = new Memo(fetchPage);
  let total: number | null = null;
  /** Unseen items of the pages read, by absolute offset. */
  const unseen = new Map<number, T>();
  const read = async (number: number) => {
    const fetched = await pages.get(number);
    total ??= fetched.total;
    fetched.items.forEach((item, index) => {
      if (!seen.has(idOf(item))) unseen.set((number - 1) * pageSize + index, item);
    });
    return fetched;
  };

  const afterOffset = request.after?.offset ?? null;
  const beforeOffset = request.before && Math.min(request.before.offset, before?.resumeBefore ?? request.before.offset);
  // Forwards, the rest of the page holding `after` is read anyway: any item
  // there not yet returned (one that moved up as others left) is still due.
  const lower =
    afterOffset === null ? 0 : backward ? afterOffset + 1 : after?.resumeAfter ?? Math.floor((afterOffset + 1) / pageSize) * pageSize;
  let upper: number;
  /** Candidates are the unseen items of one contiguous run of offsets read: [from, upper). */
  let from = lower;
  /** The page budget ran out before the range did: more may follow. */
  let capped = false;
  let lastRead = 0;
  if (backward) {
    // From `before`, or from the end, which the total tells.
    if (beforeOffset === null) {
      await read(1);
      if (total === null) throw badUserInput('This list\'s upstream reports no total: page it forwards with `first`/`after`.');
    }
    upper = beforeOffset ?? total!;
    from = upper;
    for (let number = Math.floor((upper - 1) / pageSize) + 1; number >= 1 && from > lower; number--) {
      if (!pages.has(number) && pages.size >= maxPages) {
        capped = true;
        break;
      }
      await read(number);
      from = Math.max(lower, (number - 1) * pageSize);
      if (countIn(unseen, from, upper) >= wanted) break;
    }
  } else {
    let limit = beforeOffset ?? Number.MAX_SAFE_INTEGER;
    for (let number = Math.floor(lower / pageSize) + 1; (number - 1) * pageSize < limit; number++) {
      if (pages.size >= maxPages) {
        capped = true;
        break;
      }
      const fetched = await read(number);
      lastRead = number;
      if (fetched.items.length < pageSize) limit = Math.min(limit, (number - 1) * pageSize + fetched.items.length);
      if (total !== null) limit = Math.min(limit, total);
      if (countIn(unseen, lower, limit) >= wanted) break;
    }
    upper = capped ? lastRead * pageSize : limit;
  }

  // The window is chosen among the unseen items in range, as the spec would over that list.
  const candidates = [...unseen.entries()].filter(([offset]) => offset >= from && offset < upper).sort(([a], [b]) => a - b);
  const window = selectWindow({ first: request.first, last: request.last, afterOffset: null, beforeOffset: null }, candidates.length);
  const chosen = candidates.slice(window.start, window.end);
  // A capped page that returned every unseen item it read is paged on from
  // past what it read (the last page read, as the rule above), not from its
  // cursors' offsets, which may lie pages before; an empty one needs a cursor of its own.
  const resume = capped && chosen.length === candidates.length;
  const lastChosen = chosen.at(-1)?.[0] ?? -1;
  const resumeAfter = resume && !backward ? Math.max((lastRead - 1) * pageSize, Math.floor((lastChosen + 1) / pageSize) * pageSize) : null;
  const resumeBefore = resume && backward ? from : null;
  const continues = resume && chosen.length === 0;
  const totalCount = total ?? from + candidates.length;
  return lazyConnection({
    nodes: chosen.map(([, item]) => item),
    // Spec pageInfo over the unseen items in range; beyond a cursor, whether anything exists there.
    hasPreviousPage: request.last !== null ? candidates.length > request.last || (backward && capped) : afterOffset !== null,
    hasNextPage: request.first !== null ? candidates.length > request.first || capped : beforeOffset !== null && beforeOffset < totalCount,
    totalCount,
    continues,
    cursors: () => {
      // Recorded only when a cursor is read: a page nobody pages on from costs no state.
      // With both cursors, the page continues `after`'s branch and takes in what `before`'s returned.
      const joined = after && before ? [...before.returned].filter((id) => !after.returned.has(id)) : [];
      const page = traversals.record({
        parent: after?.page ?? before?.page ?? null,
        returned: [...joined, ...chosen.map(([, item]) => idOf(item))],
        resumeAfter,
        resumeBefore,
      });
      const offsets = chosen.map(([offset]) => offset);
      if (continues) offsets.push(resumeAfter ?? resumeBefore!);
      return cursors.issue({ kind: 'page', page }, offsets);
    },
  });
}

async function positionOf(cursor: DecodedCursor, traversals: TraversalStore): Promise<TraversalPosition & { page: string }> {
  if (cursor.pin.kind !== 'page') throw invalidCursor();
  const { page } = cursor.pin;
  const position = await traversals.load(page);
  if (!position) {
    throw badUserInput(
      'expired cursor: the gateway no longer holds this traversal (it keeps one for an hour after its last page: in Redis when the replicas share one, else in the process that served it); start a new one without `after`/`before`',
      { reason: 'CURSOR_EXPIRED' },
    );
  }
  return { ...position, page };
}

function union(a: ReadonlySet<string> | undefined, b: ReadonlySet<string> | undefined): ReadonlySet<string> {
  if (!a || !b) return a ?? b ?? new Set();
  return new Set([...a, ...b]);
}

function countIn<T>(items: Map<number, T>, from: number, to: number): number {
  let count = 0;
  for (const offset of items.keys()) if (offset >= from && offset < to) count++;
  return count;
}
