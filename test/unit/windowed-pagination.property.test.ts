import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCursorCodec, createCursorKeys } from '../../src/schema/cursor-codec.js';
import type { DeferredConnection } from '../../src/schema/lazy-connection.js';
import { parsePagingArgs, type ConnectionArgs } from '../../src/schema/pagination.js';
import { resolveWindowedConnection, type WindowSegment } from '../../src/schema/windowed-pagination.js';
import { relayArgsFor, specConnection, withDefaults } from '../relay-spec.js';

const cursors = createCursorCodec(createCursorKeys('unit-test cursor secret, 32+ characters long')).list('windowed', { n: 1 });
const SNAPSHOT = 1_763_758_748.25;
const FIRST_WEEK = 2_900;

/** A list of windows (newest first) over a simulated upstream that records each page asked for. */
function windowedList(sizes: readonly number[], pageSize: number) {
  const items = sizes.flatMap((size, window) => Array.from({ length: size }, (_, offset) => `w${window}-${offset}`));
  const fetched: { window: number; page: number; snapshot: number | null }[] = [];
  const windows = (): WindowSegment<string>[] =>
    sizes.map((size, window) => ({
      week: FIRST_WEEK - window,
      fetchPage: async (page, snapshot) => {
        fetched.push({ window, page, snapshot });
        const all = Array.from({ length: size }, (_, offset) => `w${window}-${offset}`);
        return { items: all.slice((page - 1) * pageSize, page * pageSize), total: size, snapshot: SNAPSHOT };
      },
    }));
  /** The cursor of the list's `offset`-th item, as the gateway would have issued it. */
  const cursorAt = (offset: number | null) => {
    if (offset === null) return null;
    let window = 0;
    let rest = offset;
    while (rest >= sizes[window]!) rest -= sizes[window++]!;
    return cursors.issue({ kind: 'window', week: FIRST_WEEK - window, snapshot: SNAPSHOT }, [rest])[0]!;
  };
  const resolve = (args: ConnectionArgs) =>
    resolveWindowedConnection({
      paging: parsePagingArgs(args, cursors),
      cursors,
      pageSize,
      windows,
      startedAt: 1_700_000_000,
      watch: (work) => work,
    });
  return { items, fetched, cursorAt, resolve };
}

const scenario = fc
  .record({ sizes: fc.array(fc.integer({ min: 0, max: 230 }), { minLength: 1, maxLength: 6 }), pageSize: fc.integer({ min: 1, max: 120 }) })
  .chain((list) => fc.record({ list: fc.constant(list), args: relayArgsFor(list.sizes.reduce((sum, size) => sum + size, 0)) }));

/**
 * The most pages one page of a windowed list may read for its edges and
 * pageInfo (issue 11: no cursor may make a field read more than its
 * `first`/`last` allows): the pages `first`/`last` spans, one for a page
 * crossing into the next window, one for whether more follow, and one more
 * paging back from the end (the oldest window's total).
 */
function readCap(args: { first: number | null; last: number | null; before: number | null }, pageSize: number): number {
  const size = args.first ?? args.last ?? 0;
  return Math.ceil(size / pageSize) + 2 + (args.first === null && args.before === null ? 1 : 0);
}

describe('a list read in windows equals the spec slice of the whole list, as far as its reads go (fast-check)', () => {
  it('for random windows, page grids and Relay arguments', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ list: { sizes, pageSize }, args }) => {
        const list = windowedList(sizes, pageSize);
        const connection = await list.resolve({ first: args.first, last: args.last, after: list.cursorAt(args.after), before: list.cursorAt(args.before) });
        const sized = withDefaults(args);
        const expected = specConnection(list.items.length, sized);
        const pageInfo = await connection.pageInfo;
        const reads = list.fetched.length;
        const cap = readCap(sized, pageSize);
        expect(reads).toBeLessThanOrEqual(cap);
        const nodes = connection.edges.map((edge) => edge.node);
        const wanted = expected.offsets.map((offset) => list.items[offset]);
        if (nodes.join(' ') !== wanted.join(' ')) {
          // Short (or, with first and last, ending early) only because the reads ran out, and it says more
          // follow, in the direction it pages.
          expect(reads).toBe(cap);
          if (sized.last !== null && sized.first === null) {
            expect(nodes).toEqual(wanted.slice(wanted.length - nodes.length));
            expect(pageInfo.hasPreviousPage).toBe(true);
          } else {
            const from = sized.after === null ? 0 : sized.after + 1;
            const read = list.items.slice(from, from + sized.first!);
            expect(read.join(' ')).toContain(nodes.join(' '));
            if (sized.last === null) expect(nodes).toEqual(wanted.slice(0, nodes.length));
            expect(pageInfo.hasNextPage).toBe(true);
          }
        } else {
          // The reads running out may leave it unsure whether more follow, never wrong that they do.
          if (reads < cap || expected.hasNextPage) expect(pageInfo.hasNextPage).toBe(expected.hasNextPage);
          if (reads < cap || expected.hasPreviousPage) expect(pageInfo.hasPreviousPage).toBe(expected.hasPreviousPage);
        }
        expect(await connection.totalCount).toBe(list.items.length);
        // Every cursor names the item's own window and position in it.
        connection.edges.forEach((edge, index) => expect(edge.cursor).toBe(list.cursorAt(list.items.indexOf(nodes[index]!))));
        if (nodes.length > 0) {
          expect(pageInfo.startCursor).toBe(connection.edges[0]!.cursor);
          expect(pageInfo.endCursor).toBe(connection.edges.at(-1)!.cursor);
        }
        // No page is read twice, and a traversal with a pin asks every page with it.
        const keys = list.fetched.map(({ window, page }) => `${window}:${page}`);
        expect(new Set(keys).size).toBe(keys.length);
        if (args.after !== null || args.before !== null) expect(list.fetched.every((entry) => entry.snapshot === SNAPSHOT)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('reads only the windows a page needs: the newest, and the next only when the newest holds too few, at most its cap', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 2, maxLength: 13 }), fc.integer({ min: 1, max: 100 }), async (sizes, first) => {
        const list = windowedList(sizes, 100);
        const connection = await list.resolve({ first });
        // The windows read are the newest up to the one where `first` items are reached, at most 3 (one page for 100).
        let needed = 0;
        for (let held = 0; needed < sizes.length && held < first; needed += 1) held += sizes[needed]!;
        const read = Math.min(Math.max(1, needed), 3);
        expect(new Set(list.fetched.map((entry) => entry.window))).toEqual(new Set(Array.from({ length: read }, (_, window) => window)));
        const held = sizes.slice(0, read).reduce((sum, size) => sum + size, 0);
        expect(connection.edges.map((edge) => edge.node)).toEqual(list.items.slice(0, Math.min(first, held)));
        if (held < first && read < needed) expect((await connection.pageInfo).hasNextPage).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('a traversal forwards, then one backwards, each return the whole list once, in order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 150 })), { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 100 }), async (sizes, size, pageSize) => {
        const { items, resolve } = windowedList(sizes, pageSize);
        const forwards: string[] = [];
        const backwards: string[] = [];
        let cursor: string | null = null;
        for (let guard = 0; guard <= items.length + sizes.length + 1; guard++) {
          const page: DeferredConnection<string> = await resolve({ first: size, after: cursor });
          forwards.push(...page.edges.map((edge) => edge.node));
          const info = await page.pageInfo;
          if (!info.hasNextPage) break;
          cursor = info.endCursor;
        }
        cursor = null;
        for (let guard = 0; guard <= items.length + sizes.length + 1; guard++) {
          const page: DeferredConnection<string> = await resolve({ last: size, before: cursor });
          backwards.unshift(...page.edges.map((edge) => edge.node));
          const info = await page.pageInfo;
          if (!info.hasPreviousPage) break;
          cursor = info.startCursor;
        }
        expect(forwards).toEqual(items);
        expect(backwards).toEqual(items);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses a cursor of the same list read whole (a snapshot pin) or of a window it does not have', async () => {
    const list = windowedList([3, 3], 100);
    const whole = cursors.issue({ kind: 'snapshot', snapshot: SNAPSHOT }, [1])[0]!;
    const elsewhere = cursors.issue({ kind: 'window', week: FIRST_WEEK + 5, snapshot: SNAPSHOT }, [1])[0]!;
    for (const after of [whole, elsewhere]) {
      await expect(list.resolve({ first: 2, after })).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', reason: 'CURSOR_INVALID' } });
    }
    expect(list.fetched).toEqual([]);
  });
});
