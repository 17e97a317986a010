import { invalidCursor, isPinnableSnapshot, type CursorPin, type DecodedCursor, type ListCursors } from './cursor-codec.js';
import { LazyCursors, LazyEdge, LazyPageInfo, type DeferredConnection, type PageInfoShape } from './lazy-connection.js';
import { pagesCovering, type PagingRequest } from './pagination.js';

/** One window of a list read in windows: its pages on the upstream grid. */
export interface WindowSegment<T> {
  /** What its cursors name it by (the week of the grid). */
  week: number;
  /** One page (1-based); `snapshot` is the traversal's pin, null on its first page. */
  fetchPage(page: number, snapshot: number | null): Promise<SegmentPage<T>>;
}

export interface SegmentPage<T> {
  items: T[];
  /** How many the whole window holds. */
  total: number;
  /** The upstream's time of the answer (Avaamo's time_token), null when it sent none. */
  snapshot: number | null;
}

interface Position {
  /** The window's index, newest first. */
  index: number;
  offset: number;
}

interface Located<T> {
  position: Position;
  item: T;
}

/**
 * A Relay connection over a list read in windows, newest window first, each
 * window paged on the upstream grid. A position is a window and an offset in
 * it, so a cursor carries its window (the pin) and a page reads only the
 * windows it reaches: `first: 10` reads the newest window and the next only
 * if that holds fewer than 10. The total (every window's) and whether more
 * follow a full page past its window are read only when selected.
 *
 * Pinned like a single list: the traversal's first answer gives the snapshot
 * (Avaamo's time_token; when it sends none, the time the traversal began),
 * which bounds the newest window in every later request and decides the
 * windows; a first page whose windows the pin moves (a week boundary passed
 * between the gateway's clock and Avaamo's) is read again under the pin.
 */
export async function resolveWindowedConnection<T>(options: {
  paging: PagingRequest;
  cursors: ListCursors;
  pageSize: number;
  /** The windows, newest first, as a traversal pinned at `snapshot` sees them (null: now). */
  windows: (snapshot: number | null) => WindowSegment<T>[];
  /** The pin of a traversal whose first answer carries none (epoch seconds). */
  startedAt: number;
  /** Registers work that reads upstream, so the connection's freshness waits for it. */
  watch: <R>(work: Promise<R>) => Promise<R>;
}): Promise<DeferredConnection<T>> {
  const { paging, cursors, pageSize, windows, startedAt, watch } = options;
  const pins = [paging.after?.pin, paging.before?.pin].filter((pin): pin is CursorPin => pin !== undefined);
  const windowPins = pins.map((pin) => (pin.kind === 'window' ? pin : null));
  if (windowPins.some((pin) => pin === null)) throw invalidCursor();
  if (windowPins.length === 2 && windowPins[0]!.snapshot !== windowPins[1]!.snapshot) throw invalidCursor();
  let snapshot = windowPins[0]?.snapshot ?? null;
  let segments = windows(snapshot);
  let reader: WindowReader<T>;
  if (snapshot === null) {
    // A new traversal reads its first page alone, to learn the pin.
    const start = paging.first === null ? segments.length - 1 : 0;
    const opening = await watch(segments[start]!.fetchPage(1, null));
    snapshot = opening.snapshot !== null && isPinnableSnapshot(opening.snapshot) ? opening.snapshot : startedAt;
    const pinned = windows(snapshot);
    reader = new WindowReader(pinned, pageSize, snapshot, watch);
    if (sameWeeks(pinned, segments)) reader.prime(start, opening);
    segments = pinned;
  } else {
    reader = new WindowReader(segments, pageSize, snapshot, watch);
  }
  const pinned = snapshot;
  const positionOf = (cursor: DecodedCursor | null): Position | null => {
    if (!cursor || cursor.pin.kind !== 'window') return null;
    const { week } = cursor.pin;
    const index = segments.findIndex((segment) => segment.week === week);
    if (index < 0) throw invalidCursor();
    return { index, offset: cursor.offset };
  };
  const after = positionOf(paging.after);
  const before = positionOf(paging.before);
  const next = (position: Position): Position => ({ index: position.index, offset: position.offset + 1 });
  const start = after ? next(after) : { index: 0, offset: 0 };

  let nodes: Located<T>[];
  let hasNextPage: () => Promise<boolean>;
  let hasPreviousPage: () => Promise<boolean>;
  // Relay Cursor Connections spec, PageInfo: `first` and `last` decide when
  // set; otherwise a cursor implies the elements beyond it exist.
  if (paging.last === null) {
    const first = paging.first!;
    nodes = await reader.forward(start, first, before);
    hasNextPage = async () => nodes.length === first && (await reader.forward(nodes.length > 0 ? next(nodes.at(-1)!.position) : start, 1, before)).length > 0;
    hasPreviousPage = async () => after !== null;
  } else if (paging.first === null) {
    const last = paging.last;
    const end = before ?? { index: segments.length - 1, offset: await reader.total(segments.length - 1) };
    nodes = await reader.backward(end, last, after);
    hasPreviousPage = async () => nodes.length === last && (await reader.backward(nodes[0]?.position ?? end, 1, after)).length > 0;
    hasNextPage = async () => before !== null;
  } else {
    const { first, last } = paging;
    const leading = await reader.forward(start, first, before);
    nodes = leading.slice(Math.max(0, leading.length - last));
    hasNextPage = async () =>
      leading.length === first && (await reader.forward(leading.length > 0 ? next(leading.at(-1)!.position) : start, 1, before)).length > 0;
    hasPreviousPage = async () => leading.length > last || (leading.length === first && (await reader.forward(start, last + 1, before)).length > last);
  }

  const lazyCursors = new LazyCursors(() => windowCursors(nodes, segments, pinned, cursors));
  const boundary = nodes.length > 0 ? { start: 0, end: nodes.length - 1 } : null;
  let pageInfo: Promise<PageInfoShape> | null = null;
  let totalCount: Promise<number> | null = null;
  return {
    edges: nodes.map((node, index) => new LazyEdge(node.item, lazyCursors, index)),
    get pageInfo() {
      pageInfo ??= watch(
        Promise.all([hasNextPage(), hasPreviousPage()]).then(([hasNext, hasPrevious]) => new LazyPageInfo(hasNext, hasPrevious, lazyCursors, boundary)),
      );
      return pageInfo;
    },
    get totalCount() {
      totalCount ??= watch(Promise.all(segments.map((_, index) => reader.total(index))).then((totals) => totals.reduce((sum, n) => sum + n, 0)));
      return totalCount;
    },
  };
}

function sameWeeks(a: readonly WindowSegment<unknown>[], b: readonly WindowSegment<unknown>[]): boolean {
  return a.length === b.length && a.every((segment, index) => segment.week === b[index]!.week);
}

/** One cursor per node, each pinned to its own window. */
function windowCursors<T>(nodes: readonly Located<T>[], segments: readonly WindowSegment<T>[], snapshot: number, cursors: ListCursors): string[] {
  const issued: string[] = [];
  for (let from = 0; from < nodes.length; ) {
    const { index } = nodes[from]!.position;
    let to = from;
    while (to < nodes.length && nodes[to]!.position.index === index) to += 1;
    const offsets = nodes.slice(from, to).map((node) => node.position.offset);
    issued.push(...cursors.issue({ kind: 'window', week: segments[index]!.week, snapshot }, offsets));
    from = to;
  }
  return issued;
}

/** Reads windows' pages once each, and walks positions across windows. */
class WindowReader<T> {
  readonly #pages = new Map<string, Promise<SegmentPage<T>>>();
  readonly #totals = new Map<number, number>();

  constructor(
    private readonly segments: readonly WindowSegment<T>[],
    private readonly pageSize: number,
    private readonly snapshot: number,
    private readonly watch: <R>(work: Promise<R>) => Promise<R>,
  ) {}

  /** A first page read before the pin was known, still valid under it. */
  prime(index: number, fetched: SegmentPage<T>): void {
    this.#pages.set(`${index}:1`, Promise.resolve(fetched));
    this.#totals.set(index, fetched.total);
  }

  #page(index: number, page: number): Promise<SegmentPage<T>> {
    const key = `${index}:${page}`;
    let pending = this.#pages.get(key);
    if (!pending) {
      pending = this.watch(this.segments[index]!.fetchPage(page, this.snapshot)).then((fetched) => {
        this.#totals.set(index, fetched.total);
        return fetched;
      });
      this.#pages.set(key, pending);
    }
    return pending;
  }

  /** A window's total, from a page already read or the one holding `near`. */
  async total(index: number, near = 0): Promise<number> {
    return this.#totals.get(index) ?? (await this.#page(index, Math.floor(near / this.pageSize) + 1)).total;
  }

  /** The window's items at offsets [start, end), as far as it holds them. */
  async #slice(index: number, start: number, end: number): Promise<T[]> {
    const stop = Math.min(end, await this.total(index, start));
    if (stop <= start) return [];
    const numbers = pagesCovering(start, stop, this.pageSize);
    const fetched = await Promise.all(numbers.map((page) => this.#page(index, page)));
    const firstOffset = (numbers[0]! - 1) * this.pageSize;
    return fetched.flatMap((page) => page.items).slice(start - firstOffset, stop - firstOffset);
  }

  /** Up to `count` items from `from` on, newest first, stopping before `stop`. */
  async forward(from: Position, count: number, stop: Position | null): Promise<Located<T>[]> {
    const found: Located<T>[] = [];
    for (let { index, offset } = from; found.length < count && index < this.segments.length; index += 1, offset = 0) {
      if (stop && (index > stop.index || (index === stop.index && offset >= stop.offset))) break;
      const limit = stop && stop.index === index ? stop.offset : Number.POSITIVE_INFINITY;
      const items = await this.#slice(index, offset, Math.min(limit, offset + count - found.length));
      items.forEach((item, at) => found.push({ position: { index, offset: offset + at }, item }));
      if (stop && stop.index === index) break;
    }
    return found;
  }

  /** Up to `count` items just before `end`, in list order, none at or before `stop`. */
  async backward(end: Position, count: number, stop: Position | null): Promise<Located<T>[]> {
    const found: Located<T>[] = [];
    for (let { index, offset } = end; found.length < count && index >= 0; ) {
      if (stop && index < stop.index) break;
      const lower = stop && stop.index === index ? stop.offset + 1 : 0;
      const from = Math.max(lower, offset - (count - found.length));
      const items = from < offset ? await this.#slice(index, from, offset) : [];
      found.unshift(...items.map((item, at) => ({ position: { index, offset: from + at }, item })));
      if (stop && stop.index === index) break;
      index -= 1;
      if (index >= 0) offset = await this.total(index);
    }
    return found;
  }
}
