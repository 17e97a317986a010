import { invalidCursor, isPinnableSnapshot, type CursorPin, type DecodedCursor, type ListCursors } from './cursor-codec.js';
import { Memo } from '../memo.js';
import { badUserInput } from './errors.js';
import { lazyConnection, type Connection } from './lazy-connection.js';

export type { Connection } from './lazy-connection.js';

/** Largest `first`/`last` a caller may ask for (one Avaamo page). */
export const MAX_PAGE_SIZE = 100;
/** What a connection returns when the caller gives neither `first` nor `last`. */
export const DEFAULT_PAGE_SIZE = 25;

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** One upstream page: its items and the total the upstream reports for the whole list (null: it did not say). */
export interface FetchedPage<T> {
  items: T[];
  total: number | null;
  /** A bound the upstream can be asked to hold the list at (Avaamo: its `time_token`); absent when it has none. */
  snapshot?: number | null;
}

export interface PagingRequest {
  first: number | null;
  last: number | null;
  after: DecodedCursor | null;
  before: DecodedCursor | null;
}

/**
 * Validates the four Relay arguments (caps, signs) and reads the cursors:
 * every mistake is BAD_USER_INPUT here, before any upstream call.
 */
export function parsePagingArgs(args: ConnectionArgs, cursors: ListCursors): PagingRequest {
  const count = (name: 'first' | 'last') => {
    const value = args[name];
    if (value === null || value === undefined) return null;
    if (value < 0) throw badUserInput(`\`${name}\` must not be negative (got ${value})`);
    if (value > MAX_PAGE_SIZE) throw badUserInput(`\`${name}\` must be at most ${MAX_PAGE_SIZE} (got ${value})`);
    return value;
  };
  let first = count('first');
  let last = count('last');
  const after = typeof args.after === 'string' ? cursors.decode(args.after) : null;
  const before = typeof args.before === 'string' ? cursors.decode(args.before) : null;
  // Without a size, page backwards from `before` and forwards otherwise.
  if (first === null && last === null) {
    if (before !== null && after === null) last = DEFAULT_PAGE_SIZE;
    else first = DEFAULT_PAGE_SIZE;
  }
  return { first, last, after, before };
}

/** What the request's cursors pin, `after`'s first. */
export function pinsOf(request: PagingRequest): CursorPin[] {
  return [request.after?.pin, request.before?.pin].filter((pin): pin is CursorPin => pin !== undefined);
}

/** The snapshot a request's cursors pin it to (null: none); two cursors of one request must come from one traversal. */
export function snapshotOf(request: PagingRequest): number | null {
  const snapshots = pinsOf(request).map((pin) => {
    if (pin.kind === 'page' || pin.kind === 'window') throw invalidCursor();
    return pin.kind === 'snapshot' ? pin.snapshot : null;
  });
  if (snapshots.length === 2 && snapshots[0] !== snapshots[1]) throw invalidCursor();
  return snapshots[0] ?? null;
}

/** The absolute offsets the cursors point at. */
export function windowRequest(request: PagingRequest): WindowRequest {
  return {
    first: request.first,
    last: request.last,
    afterOffset: request.after?.offset ?? null,
    beforeOffset: request.before?.offset ?? null,
  };
}

export interface WindowRequest {
  first: number | null;
  last: number | null;
  afterOffset: number | null;
  beforeOffset: number | null;
}
export interface Window {
  start: number;
  end: number;
  rangeStart: number;
  rangeEnd: number;
}

/** The half-open range of absolute offsets a request selects from a list of `total` items. */
export function selectWindow(request: WindowRequest, total: number): Window {
  const rangeEnd = Math.min(request.beforeOffset ?? total, total);
  const rangeStart = Math.min(request.afterOffset === null ? 0 : request.afterOffset + 1, rangeEnd);
  let start = rangeStart;
  let end = rangeEnd;
  if (request.first !== null) end = Math.min(end, start + request.first);
  if (request.last !== null) start = Math.max(start, end - request.last);
  return { start, end, rangeStart, rangeEnd };
}

/** The upstream pages (1-based) of size `pageSize` that cover offsets [start, end). */
export function pagesCovering(start: number, end: number, pageSize: number): number[] {
  if (end <= start) return [Math.floor(start / pageSize) + 1];
  const pages: number[] = [];
  for (let page = Math.floor(start / pageSize) + 1; (page - 1) * pageSize < end; page += 1) pages.push(page);
  return pages;
}

/**
 * Maps a Relay window onto a fixed upstream page grid: fetches only the pages
 * covering it (concurrently, through the caller's loader) and slices. The grid
 * never depends on `first`/`last`, so different windows share pages.
 *
 * A list that can pin a snapshot (`fetchPage` reports one) is read as of the
 * first page of its traversal: that page's snapshot goes into every cursor,
 * and every later page is asked for with it, so entries added meanwhile
 * neither repeat nor shift what the traversal sees.
 */
export async function resolvePagedConnection<T>(options: {
  args: ConnectionArgs;
  cursors: ListCursors;
  pageSize: number;
  /** One grid page (1-based); `snapshot` is the traversal's pin, null when it has none yet. */
  fetchPage: (page: number, snapshot: number | null) => Promise<FetchedPage<T>>;
  /** The arguments already read with parsePagingArgs (the caller looked at the cursors' pins first). */
  paging?: PagingRequest;
}): Promise<Connection<T>> {
  const { args, cursors, pageSize, fetchPage } = options;
  const parsed = options.paging ?? parsePagingArgs(args, cursors);
  const request = windowRequest(parsed);
  let snapshot = snapshotOf(parsed);
  // Only a traversal's first page may pin; a cursor without a pin stays unpinned.
  const learnsPin = request.afterOffset === null && request.beforeOffset === null;
  const learn = (fetched: FetchedPage<T>) => {
    snapshot = typeof fetched.snapshot === 'number' && isPinnableSnapshot(fetched.snapshot) ? fetched.snapshot : null;
  };
  const pages = new Memo((number: number) => fetchPage(number, snapshot));
  const page = (number: number) => pages.get(number);

  // A forward window is known from the cursor alone; a backward one without
  // `before` needs the total first, which any page reports. A new traversal
  // (no cursor) reads its first page alone, to learn the snapshot to pin.
  const guessStart = request.afterOffset === null ? 0 : request.afterOffset + 1;
  let size: ListSize;
  if (request.last !== null && request.beforeOffset === null) {
    const firstPage = Math.floor(guessStart / pageSize) + 1;
    const fetched = await page(firstPage);
    if (learnsPin) learn(fetched);
    size = listSize([[firstPage, fetched]], pageSize);
    if (size.open) throw badUserInput('This list\'s upstream reports no total: page it forwards with `first`/`after`.');
  } else {
    const guess = selectWindow(request, Number.MAX_SAFE_INTEGER);
    const numbers = pagesCovering(guess.start, guess.end, pageSize);
    if (learnsPin) learn(await page(numbers[0]!));
    const fetched = await Promise.all(numbers.map(page));
    size = listSize(numbers.map((number, index) => [number, fetched[index]!] as const), pageSize);
  }
  // An open-ended list is treated as endless for the window: slicing stops
  // where the items do, and pageInfo says more may follow.
  const windowTotal = size.open ? Number.MAX_SAFE_INTEGER : size.total;
  const window = selectWindow(request, windowTotal);
  const covering = pagesCovering(window.start, window.end, pageSize);
  const fetched = await Promise.all(covering.map(page));
  const firstOffset = (covering[0]! - 1) * pageSize;
  const items = fetched.flatMap((result) => result.items).slice(window.start - firstOffset, window.end - firstOffset);
  const pin: CursorPin = snapshot === null ? { kind: 'none' } : { kind: 'snapshot', snapshot };
  return windowConnection(items, windowTotal, size.total, request, window, cursors, pin);
}

interface ListSize {
  total: number;
  /** The upstream gave no total and the last page read was full: more may follow. */
  open: boolean;
}

/** The list's size from the pages read: the upstream's total, or what the pages show when it gives none. */
function listSize(pages: ReadonlyArray<readonly [number, FetchedPage<unknown>]>, pageSize: number): ListSize {
  const reported = pages.find(([, fetched]) => fetched.total !== null)?.[1].total;
  if (typeof reported === 'number') return { total: reported, open: false };
  const filled = pages.filter(([, fetched]) => fetched.items.length > 0);
  const [number, last] = filled.at(-1) ?? [1, { items: [] }];
  return { total: (number - 1) * pageSize + last.items.length, open: last.items.length === pageSize };
}

/** A connection over a list the gateway already holds whole (agents). */
export function resolveArrayConnection<T>(args: ConnectionArgs, cursors: ListCursors, list: readonly T[]): Connection<T> {
  return arrayConnection(parsePagingArgs(args, cursors), cursors, list);
}

/**
 * The same over a list loaded after its arguments were checked (parsePagingArgs), as Rocket.Chat rows are;
 * `pin` is what the list was computed as of, carried by its cursors (a report's snapshot).
 */
export function arrayConnection<T>(paging: PagingRequest, cursors: ListCursors, list: readonly T[], pin: CursorPin = { kind: 'none' }): Connection<T> {
  const request = windowRequest(paging);
  const window = selectWindow(request, list.length);
  return windowConnection(list.slice(window.start, window.end), list.length, list.length, request, window, cursors, pin);
}

/** The connection of a window of consecutive offsets; its cursors are built only if read. */
function windowConnection<T>(
  items: readonly T[],
  total: number,
  totalCount: number,
  request: WindowRequest,
  window: Window,
  cursors: ListCursors,
  pin: CursorPin,
): Connection<T> {
  const rangeLength = window.rangeEnd - window.rangeStart;
  // Relay Cursor Connections spec, PageInfo: `first` and `last` decide when
  // set; otherwise a cursor implies the elements beyond it exist.
  const hasNextPage =
    request.first !== null ? rangeLength > request.first : request.beforeOffset !== null && request.beforeOffset < total;
  const hasPreviousPage =
    request.last !== null ? rangeLength > request.last : request.afterOffset !== null && total > 0;
  return lazyConnection({
    nodes: items,
    hasNextPage,
    hasPreviousPage,
    totalCount,
    cursors: () => cursors.issue(pin, items.map((_, index) => window.start + index)),
  });
}
