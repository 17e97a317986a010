import { createHash } from 'node:crypto';
import { z } from 'zod';
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
  /** A bound the upstream can be asked to hold the list at (Avaamo: its `time_token`); absent when it has none. */
  snapshot?: number | null;
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

/**
 * What a cursor says about a position: the absolute offset in the list, the
 * snapshot bound its traversal is pinned to (null for lists that cannot pin),
 * and, for live lists, short tags of the items the traversal already returned.
 */
export interface CursorState {
  offset: number;
  snapshot: number | null;
  seen: readonly string[];
}

/** Length of one seen-item tag in a cursor (base64url characters, 36 bits). */
export const SEEN_TAG_LENGTH = 6;
/** Room for a live list's 1,000 seen tags; anything longer is no cursor of ours. */
const MAX_CURSOR_LENGTH = 12_000;

/**
 * Opaque and versioned: base64url JSON of {v, o, s?, n?, k}, where k is a
 * checksum over the list's fingerprint and the rest. A cursor from another
 * list or other arguments, or one garbled in transit, fails the checksum and
 * is refused rather than read as some other page.
 */
export function encodeCursor(offset: number, fingerprint: string, snapshot: number | null = null, seen: readonly string[] = []): string {
  const payload: CursorPayload = { v: CURSOR_VERSION, o: offset };
  if (snapshot !== null) payload.s = snapshot;
  if (seen.length > 0) payload.n = seen.join('');
  return Buffer.from(JSON.stringify({ ...payload, k: checksum(payload, fingerprint) })).toString('base64url');
}

export function decodeCursor(cursor: string, fingerprint: string): CursorState {
  if (cursor.length > MAX_CURSOR_LENGTH) throw invalidCursor();
  let record: unknown;
  try {
    record = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const parsed = cursorRecord.safeParse(record);
  if (!parsed.success || Buffer.from(cursor, 'base64url').toString('base64url') !== cursor) throw invalidCursor();
  const { k, ...payload } = parsed.data;
  if (k !== checksum(payload, fingerprint)) throw invalidCursor();
  const tags = payload.n ?? '';
  const seen: string[] = [];
  for (let at = 0; at < tags.length; at += SEEN_TAG_LENGTH) seen.push(tags.slice(at, at + SEEN_TAG_LENGTH));
  return { offset: payload.o, snapshot: payload.s ?? null, seen };
}

interface CursorPayload {
  v: number;
  o: number;
  s?: number;
  n?: string;
}

const cursorRecord = z.strictObject({
  v: z.literal(CURSOR_VERSION),
  o: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  s: z.number().finite().positive().optional(),
  n: z.string().regex(new RegExp(`^(?:[A-Za-z0-9_-]{${SEEN_TAG_LENGTH}})+$`)).optional(),
  k: z.string(),
});

function checksum(payload: CursorPayload, fingerprint: string): string {
  return createHash('sha256').update(`${fingerprint}\n${canonicalKey(payload)}`).digest('base64url').slice(0, 16);
}

function invalidCursor() {
  return badUserInput('invalid cursor: it is garbled or belongs to another list or other arguments');
}

interface PagingRequest {
  first: number | null;
  last: number | null;
  afterOffset: number | null;
  beforeOffset: number | null;
  /** The snapshot the cursors pin this traversal to; null without cursors (a new traversal) or on lists that cannot pin. */
  snapshot: number | null;
  /** Items this traversal already returned (live lists only). */
  seen: readonly string[];
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
  const after = typeof args.after === 'string' ? decodeCursor(args.after, fingerprint) : null;
  const before = typeof args.before === 'string' ? decodeCursor(args.before, fingerprint) : null;
  // Two cursors of one request must come from one traversal.
  if (after && before && after.snapshot !== before.snapshot) throw invalidCursor();
  // Without a size, page backwards from `before` and forwards otherwise.
  if (first === null && last === null) {
    if (before !== null && after === null) last = DEFAULT_PAGE_SIZE;
    else first = DEFAULT_PAGE_SIZE;
  }
  const seen = [...new Set([...(after?.seen ?? []), ...(before?.seen ?? [])])];
  return {
    first,
    last,
    afterOffset: after?.offset ?? null,
    beforeOffset: before?.offset ?? null,
    snapshot: after?.snapshot ?? before?.snapshot ?? null,
    seen,
  };
}

export type WindowRequest = Pick<PagingRequest, 'first' | 'last' | 'afterOffset' | 'beforeOffset'>;
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
  fingerprint: string;
  pageSize: number;
  /** One grid page (1-based); `snapshot` is the traversal's pin, null when it has none yet. */
  fetchPage: (page: number, snapshot: number | null) => Promise<FetchedPage<T>>;
}): Promise<Connection<T>> {
  const { args, fingerprint, pageSize, fetchPage } = options;
  const request = parsePagingArgs(args, fingerprint);
  let snapshot = request.snapshot;
  // Only a traversal's first page may pin; a cursor without a pin stays unpinned.
  const learnsPin = request.afterOffset === null && request.beforeOffset === null;
  const pages = new Map<number, Promise<FetchedPage<T>>>();
  const page = (number: number) => {
    let pending = pages.get(number);
    if (!pending) {
      pending = fetchPage(number, snapshot);
      pages.set(number, pending);
    }
    return pending;
  };

  // A forward window is known from the cursor alone; a backward one without
  // `before` needs the total first, which any page reports. A new traversal
  // (no cursor) reads its first page alone, to learn the snapshot to pin.
  const guessStart = request.afterOffset === null ? 0 : request.afterOffset + 1;
  let size: ListSize;
  if (request.last !== null && request.beforeOffset === null) {
    const firstPage = Math.floor(guessStart / pageSize) + 1;
    const fetched = await page(firstPage);
    if (learnsPin) snapshot = fetched.snapshot ?? null;
    size = listSize([[firstPage, fetched]], pageSize);
    if (size.open) throw badUserInput('This list\'s upstream reports no total: page it forwards with `first`/`after`.');
  } else {
    const guess = selectWindow(request, Number.MAX_SAFE_INTEGER);
    const numbers = pagesCovering(guess.start, guess.end, pageSize);
    if (learnsPin) snapshot = (await page(numbers[0]!)).snapshot ?? null;
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
  const cursor = (offset: number) => encodeCursor(offset, fingerprint, snapshot);
  return buildConnection(items, window.start, windowTotal, size.total, request, window, cursor);
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
  const cursor = (offset: number) => encodeCursor(offset, fingerprint);
  return buildConnection(list.slice(window.start, window.end), window.start, list.length, list.length, request, window, cursor);
}

function buildConnection<T>(
  items: readonly T[],
  start: number,
  total: number,
  totalCount: number,
  request: WindowRequest,
  window: Window,
  cursor: (offset: number, index: number) => string,
): Connection<T> {
  const edges = items.map((node, index) => ({ cursor: cursor(start + index, index), node }));
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
