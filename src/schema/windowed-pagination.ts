import { invalidCursor, isPinnableSnapshot, type DecodedCursor, type ListCursors } from './cursor-codec.js';
import { LazyCursors, LazyEdge, LazyPageInfo, type DeferredConnection, type PageInfoShape } from './lazy-connection.js';
import { pinsOf, type PagingRequest } from './pagination.js';
import { WindowReader, next, type Located, type Position, type Walk, type WindowSegment } from './window-reader.js';

export type { SegmentPage, WindowSegment } from './window-reader.js';

/**
 * Pages one field may read beyond those its `first`/`last` spans: one for
 * a page that crosses into the next window, one for whether more follow,
 * and, paging back from the end of the list, one for the oldest window's
 * total. [gateway choice: as the other lists, whatever the cursors say]
 */
const SPARE_READS = 2;

/** The most upstream pages the edges and pageInfo of one windowed page read (totalCount is costed apart: range-cost.ts). */
export function windowedReads(paging: Pick<PagingRequest, 'first' | 'last'> & { before: unknown }, pageSize: number): number {
  const size = paging.first ?? paging.last ?? 0;
  return Math.ceil(size / pageSize) + SPARE_READS + (paging.first === null && paging.before === null ? 1 : 0);
}

/**
 * A Relay connection over a list read in windows, newest window first, each
 * window paged on the upstream grid. A position is a window and an offset in
 * it, so a cursor carries its window (the pin) and a page reads only the
 * windows it reaches: `first: 10` reads the newest window and the next only
 * if that holds fewer than 10. The total (every window's) and whether more
 * follow a full page past its window are read only when selected.
 *
 * A page reads at most windowedReads() pages for its edges and pageInfo,
 * whatever the range and the cursors: over empty windows it comes back
 * short, or empty with a cursor to page on from (startCursor = endCursor),
 * and says more may follow (hasNextPage, or hasPreviousPage backwards).
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
  const windowPins = pinsOf(paging).map((pin) => (pin.kind === 'window' ? pin : null));
  if (windowPins.some((pin) => pin === null)) throw invalidCursor();
  if (windowPins.length === 2 && windowPins[0]!.snapshot !== windowPins[1]!.snapshot) throw invalidCursor();
  const maxReads = windowedReads(paging, pageSize);
  let snapshot = windowPins[0]?.snapshot ?? null;
  let segments = windows(snapshot);
  let reader: WindowReader<T>;
  if (snapshot === null) {
    // A new traversal reads its first page alone, to learn the pin.
    const start = paging.first === null ? segments.length - 1 : 0;
    const opening = await watch(segments[start]!.fetchPage(1, null));
    snapshot = opening.snapshot !== null && isPinnableSnapshot(opening.snapshot) ? opening.snapshot : startedAt;
    const pinned = windows(snapshot);
    // The opening read counts against the page's reads when the pin's windows cannot use it.
    const reused = sameWeeks(pinned, segments);
    reader = new WindowReader(pinned, pageSize, snapshot, watch, reused ? maxReads : maxReads - 1);
    if (reused) reader.prime(start, opening);
    segments = pinned;
  } else {
    reader = new WindowReader(segments, pageSize, snapshot, watch, maxReads);
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
  const start = after ? next(after) : { index: 0, offset: 0 };

  let walk: Walk<T>;
  let nodes: Located<T>[];
  let hasNextPage: () => Promise<boolean>;
  let hasPreviousPage: () => Promise<boolean>;
  // Relay Cursor Connections spec, PageInfo: `first` and `last` decide when
  // set; otherwise a cursor implies the elements beyond it exist.
  if (paging.last === null) {
    const first = paging.first!;
    walk = await reader.forward(start, first, before);
    nodes = walk.found;
    hasNextPage = () => reader.continuesAfter(walk, first, start, before);
    hasPreviousPage = async () => after !== null;
  } else if (paging.first === null) {
    const last = paging.last;
    const end = before ?? (await reader.end());
    walk = await reader.backward(end, last, after);
    nodes = walk.found;
    hasPreviousPage = () => reader.continuesBefore(walk, last, end, after);
    hasNextPage = async () => before !== null;
  } else {
    const { first, last } = paging;
    walk = await reader.forward(start, first, before);
    nodes = walk.found.slice(Math.max(0, walk.found.length - last));
    hasNextPage = () => reader.continuesAfter(walk, first, start, before);
    hasPreviousPage = async () =>
      walk.found.length > last || walk.resume !== null || (walk.found.length === first && (await reader.holdsMore(start, last, before)));
  }

  // An empty page that stopped for its reads still needs a cursor to page on from.
  const continuation = nodes.length === 0 ? walk.resume : null;
  const positions = [...nodes.map((node) => node.position), ...(continuation ? [continuation] : [])];
  const lazyCursors = new LazyCursors(() => windowCursors(positions, segments, pinned, cursors));
  const boundary = positions.length > 0 ? { start: 0, end: positions.length - 1 } : null;
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

/** One cursor per position, each pinned to its own window. */
function windowCursors(positions: readonly Position[], segments: readonly WindowSegment<unknown>[], snapshot: number, cursors: ListCursors): string[] {
  const issued: string[] = [];
  for (let from = 0; from < positions.length; ) {
    const { index } = positions[from]!;
    let to = from;
    while (to < positions.length && positions[to]!.index === index) to += 1;
    const offsets = positions.slice(from, to).map((position) => position.offset);
    issued.push(...cursors.issue({ kind: 'window', week: segments[index]!.week, snapshot }, offsets));
    from = to;
  }
  return issued;
}
