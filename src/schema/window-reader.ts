import { Memo } from '../memo.js';
import { pagesCovering } from './pagination.js';

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

export interface Position {
  /** The window's index, newest first. */
  index: number;
  offset: number;
}

export interface Located<T> {
  position: Position;
  item: T;
}

/** What one walk over the windows found, and where it stopped when the field's reads ran out first. */
export interface Walk<T> {
  found: Located<T>[];
  /**
   * Null when the walk went as far as it was asked; else the position to
   * page on from (after it, forwards; before it, backwards), past every
   * window the walk read.
   */
  resume: Position | null;
}

/** The position just after `position` in its window. */
export const next = (position: Position): Position => ({ index: position.index, offset: position.offset + 1 });

/**
 * Reads windows' pages once each, and walks positions across windows,
 * within the pages one field may read (`maxReads`): the pages its walks
 * use count, whoever loaded them, so what a page returns does not depend on
 * which sibling field (totalCount) ran first. A walk that runs out stops
 * and says where to page on from.
 */
export class WindowReader<T> {
  readonly #pages: Memo<number, SegmentPage<T>>[];
  /** Windows' totals as the walks learnt them: a total totalCount read does not spare a walk its read. */
  readonly #totals = new Map<number, number>();
  /** The pages (`index:page`) the walks used. */
  readonly #used = new Set<string>();

  constructor(
    private readonly segments: readonly WindowSegment<T>[],
    private readonly pageSize: number,
    snapshot: number,
    watch: <R>(work: Promise<R>) => Promise<R>,
    private readonly maxReads: number,
  ) {
    this.#pages = segments.map(
      (segment, index) =>
        new Memo((page: number) => watch(segment.fetchPage(page, snapshot))),
    );
  }

  /** A first page read before the pin was known, still valid under it: the first the walks use. */
  prime(index: number, fetched: SegmentPage<T>): void {
    this.#pages[index]!.prime(1, fetched);
    this.#totals.set(index, fetched.total);
    this.#used.add(`${index}:1`);
  }

  /** A page for a walk; null when it is one more than the field may read. */
  #page(index: number, page: number): Promise<SegmentPage<T>> | null {
    const key = `${index}:${page}`;
    if (!this.#used.has(key)) {
      if (this.#used.size >= this.maxReads) return null;
      this.#used.add(key);
    }
    return this.#pages[index]!.get(page).then((fetched) => {
      this.#totals.set(index, fetched.total);
      return fetched;
    });
  }

  /** A window's total for totalCount: from a page the walks read, else its first. Not within the walks' reads (the cost limit counts it). */
  async total(index: number): Promise<number> {
    return this.#totals.get(index) ?? (await this.#pages[index]!.get(1)).total;
  }

  /** The end of the oldest window, where a backward walk without `before` starts: the field's first read. */
  async end(): Promise<Position> {
    const index = this.segments.length - 1;
    const total = await this.#totalNear(index, 0);
    if (total === null) throw new Error('a windowed connection reads the end of its list first');
    return { index, offset: total };
  }

  /** A window's total for a walk, reading the page holding `near` if none of it was read; null when the reads ran out. */
  async #totalNear(index: number, near: number): Promise<number | null> {
    const known = this.#totals.get(index);
    if (known !== undefined) return known;
    const page = this.#page(index, Math.floor(near / this.pageSize) + 1);
    return page && (await page).total;
  }

  /**
   * The window's items at offsets [start, end) as far as it holds them and
   * the reads allow: forwards, the pages nearest `start` first; backwards,
   * those nearest `end`. `from` is the offset of the first item returned,
   * `to` where they stop.
   */
  async #slice(index: number, start: number, end: number, backward: boolean): Promise<{ items: T[]; from: number; to: number; capped: boolean }> {
    const total = await this.#totalNear(index, backward ? Math.max(start, end - 1) : start);
    const stop = total === null ? end : Math.min(end, total);
    const none = (capped: boolean) => ({ items: [], from: backward ? stop : start, to: backward ? stop : start, capped });
    if (total === null) return none(true);
    if (stop <= start) return none(false);
    const numbers = pagesCovering(start, stop, this.pageSize);
    const read: { number: number; page: Promise<SegmentPage<T>> }[] = [];
    for (const number of backward ? [...numbers].reverse() : numbers) {
      const page = this.#page(index, number);
      if (!page) break;
      read.push({ number, page });
    }
    if (read.length === 0) return none(true);
    read.sort((a, b) => a.number - b.number);
    const firstOffset = (read[0]!.number - 1) * this.pageSize;
    const from = Math.max(start, firstOffset);
    const to = Math.min(stop, read.at(-1)!.number * this.pageSize);
    const pages = await Promise.all(read.map((entry) => entry.page));
    const items = pages.flatMap((page) => page.items).slice(from - firstOffset, to - firstOffset);
    return { items, from, to, capped: read.length < numbers.length };
  }

  /** Up to `count` items from `from` on, newest first, stopping before `stop`. */
  async forward(from: Position, count: number, stop: Position | null): Promise<Walk<T>> {
    const found: Located<T>[] = [];
    for (let { index, offset } = from; found.length < count && index < this.segments.length; index += 1, offset = 0) {
      if (stop && (index > stop.index || (index === stop.index && offset >= stop.offset))) break;
      const limit = stop && stop.index === index ? stop.offset : Number.POSITIVE_INFINITY;
      const slice = await this.#slice(index, offset, Math.min(limit, offset + count - found.length), false);
      slice.items.forEach((item, at) => found.push({ position: { index, offset: slice.from + at }, item }));
      if (slice.capped) return { found, resume: this.#resumeAfter(index, slice.from + slice.items.length) };
      if (stop && stop.index === index) break;
    }
    return { found, resume: null };
  }

  /** Up to `count` items just before `end`, in list order, none at or before `stop`. */
  async backward(end: Position, count: number, stop: Position | null): Promise<Walk<T>> {
    const found: Located<T>[] = [];
    for (let { index, offset } = end; found.length < count && index >= 0; ) {
      if (stop && index < stop.index) break;
      const lower = stop && stop.index === index ? stop.offset + 1 : 0;
      const from = Math.max(lower, offset - (count - found.length));
      if (from < offset) {
        const slice = await this.#slice(index, from, offset, true);
        found.unshift(...slice.items.map((item, at) => ({ position: { index, offset: slice.from + at }, item })));
        if (slice.capped) return { found, resume: { index, offset: slice.from } };
      }
      if (stop && stop.index === index) break;
      index -= 1;
      if (index < 0) break;
      const total = await this.#totalNear(index, 0);
      // Every item before the start of the window just read: the end of this one, read next time.
      if (total === null) return { found, resume: { index: index + 1, offset: 0 } };
      offset = total;
    }
    return { found, resume: null };
  }

  /** Whether the list goes on after a forward walk of `count` from `from`: it stopped for its reads, or it filled and one more item follows. */
  async continuesAfter(walk: Walk<T>, count: number, from: Position, stop: Position | null): Promise<boolean> {
    if (walk.resume !== null) return true;
    if (walk.found.length < count) return false;
    return this.holdsMore(walk.found.length > 0 ? next(walk.found.at(-1)!.position) : from, 0, stop);
  }

  /** The same before a backward walk of `count` that ended at `end`. */
  async continuesBefore(walk: Walk<T>, count: number, end: Position, stop: Position | null): Promise<boolean> {
    if (walk.resume !== null) return true;
    if (walk.found.length < count) return false;
    const probe = await this.backward(walk.found[0]?.position ?? end, 1, stop);
    return probe.found.length > 0 || probe.resume !== null;
  }

  /** Whether more than `count` items follow from `from` on (before `stop`), or the reads ran out before it could tell. */
  async holdsMore(from: Position, count: number, stop: Position | null): Promise<boolean> {
    const probe = await this.forward(from, count + 1, stop);
    return probe.found.length > count || probe.resume !== null;
  }

  /**
   * Where a forward walk that stopped before (index, offset) pages on from:
   * the position before it, or, at a window's start, past the end of the
   * window before, which the walk read to get there (a walk starts at a
   * window's start only at the list's, whose first page is always the
   * field's first read).
   */
  #resumeAfter(index: number, offset: number): Position {
    if (offset > 0) return { index, offset: offset - 1 };
    const total = this.#totals.get(index - 1);
    if (total === undefined) throw new Error('a forward walk stopped at a window it did not reach');
    return { index: index - 1, offset: total };
  }
}
