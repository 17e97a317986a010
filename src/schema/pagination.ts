import { createHash } from 'node:crypto';
import { badUserInput } from './errors.js';

/** Largest `first`/`last` a caller may ask for (one Avaamo page). */
export const MAX_PAGE_SIZE = 100;
/** What a connection returns when the caller gives neither `first` nor `last`. */
export const DEFAULT_PAGE_SIZE = 25;
const CURSOR_VERSION = 1;

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number;
}

/** One upstream page: its items and the total the upstream reports for the whole list (null: it did not say). */
export interface FetchedPage<T> {
  items: T[];
  total: number | null;
}

/**
 * A stable spelling of a value: object keys sorted, Dates as ISO strings,
 * undefined left out, so equal arguments always spell the same (list
 * fingerprints in cursors rely on it).
 */
export function canonicalKey(value: unknown): string {
  return JSON.stringify(value, (_key, raw: unknown) => {
    if (raw && typeof raw === 'object' && !Array.isArray(raw) && !(raw instanceof Date)) {
      const record = raw as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys(record)
          .sort()
          .filter((key) => record[key] !== undefined)
          .map((key) => [key, record[key]]),
      );
    }
    return raw;
  });
}

/**
 * Identifies one list with its filters. A cursor carries it, so a cursor
 * from another list, or from the same list with other filters, is refused
 * instead of silently returning a wrong page.
 */
export function listFingerprint(list: string, filters: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalKey({ list, filters })).digest('base64url').slice(0, 12);
}

export function encodeCursor(offset: number, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ v: CURSOR_VERSION, o: offset, f: fingerprint })).toString('base64url');
}

export function decodeCursor(cursor: string, fingerprint: string): number {
  let record: unknown;
  try {
    record = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (
    typeof record !== 'object' ||
    record === null ||
    (record as { v?: unknown }).v !== CURSOR_VERSION ||
    (record as { f?: unknown }).f !== fingerprint
  ) {
    throw invalidCursor();
  }
  const offset = (record as { o?: unknown }).o;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) throw invalidCursor();
  return offset;
}

function invalidCursor() {
  return badUserInput('invalid cursor: it is garbled or belongs to another list or other arguments');
}

interface PagingRequest {
  first: number | null;
  last: number | null;
  afterOffset: number | null;
  beforeOffset: number | null;
}

/** Validates and decodes the four Relay arguments (caps, signs, cursors). */
export function parsePagingArgs(args: ConnectionArgs, fingerprint: string): PagingRequest {
  const count = (name: 'first' | 'last') => {
    const value = args[name];
    if (value === null || value === undefined) return null;
    if (value < 0) throw badUserInput(`\`${name}\` must not be negative (got ${value})`);
    if (value > MAX_PAGE_SIZE) throw badUserInput(`\`${name}\` must be at most ${MAX_PAGE_SIZE} (got ${value})`);
    return value;
  };
  let first = count('first');
  let last = count('last');
  // An empty cursor is no cursor the gateway ever issued: refused like any garbled one.
  const afterOffset = args.after != null ? decodeCursor(args.after, fingerprint) : null;
  const beforeOffset = args.before != null ? decodeCursor(args.before, fingerprint) : null;
  // Without a size, page backwards from `before` and forwards otherwise.
  if (first === null && last === null) {
    if (beforeOffset !== null && afterOffset === null) last = DEFAULT_PAGE_SIZE;
    else first = DEFAULT_PAGE_SIZE;
  }
  return { first, last, afterOffset, beforeOffset };
}

/** The half-open range of absolute offsets a request selects from a list of `total` items. */
export function selectWindow(request: PagingRequest, total: number): { start: number; end: number; rangeStart: number; rangeEnd: number } {
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
 */
export async function resolvePagedConnection<T>(options: {
  args: ConnectionArgs;
  fingerprint: string;
  pageSize: number;
  fetchPage: (page: number) => Promise<FetchedPage<T>>;
}): Promise<Connection<T>> {
  const { args, fingerprint, pageSize, fetchPage } = options;
  const request = parsePagingArgs(args, fingerprint);
  const pages = new Map<number, Promise<FetchedPage<T>>>();
  const page = (number: number) => {
    let pending = pages.get(number);
    if (!pending) {
      pending = fetchPage(number);
      pages.set(number, pending);
    }
    return pending;
  };

  // A forward window is known from the cursor alone; a backward one without
  // `before` needs the total first, which any page reports.
  const guessStart = request.afterOffset === null ? 0 : request.afterOffset + 1;
  let size: ListSize;
  if (request.last !== null && request.beforeOffset === null) {
    const firstPage = Math.floor(guessStart / pageSize) + 1;
    size = listSize([[firstPage, await page(firstPage)]], pageSize);
    if (size.open) throw badUserInput('This list\'s upstream reports no total: page it forwards with `first`/`after`.');
  } else {
    const guess = selectWindow(request, Number.MAX_SAFE_INTEGER);
    const numbers = pagesCovering(guess.start, guess.end, pageSize);
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
  return buildConnection(items, window.start, windowTotal, size.total, request, window, fingerprint);
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

/** A connection over a list the gateway already holds whole (agents, Rocket.Chat rows). */
export function resolveArrayConnection<T>(args: ConnectionArgs, fingerprint: string, list: readonly T[]): Connection<T> {
  const request = parsePagingArgs(args, fingerprint);
  const window = selectWindow(request, list.length);
  return buildConnection(list.slice(window.start, window.end), window.start, list.length, list.length, request, window, fingerprint);
}

function buildConnection<T>(
  items: readonly T[],
  start: number,
  total: number,
  totalCount: number,
  request: PagingRequest,
  window: ReturnType<typeof selectWindow>,
  fingerprint: string,
): Connection<T> {
  const edges = items.map((node, index) => ({ cursor: encodeCursor(start + index, fingerprint), node }));
  const rangeLength = window.rangeEnd - window.rangeStart;
  // Relay Cursor Connections spec, PageInfo: `first` and `last` decide when
  // set; otherwise a cursor implies the elements beyond it exist.
  const hasNextPage =
    request.first !== null ? rangeLength > request.first : request.beforeOffset !== null && request.beforeOffset < total;
  const hasPreviousPage =
    request.last !== null ? rangeLength > request.last : request.afterOffset !== null && total > 0;
  return {
    edges,
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount,
  };
}
