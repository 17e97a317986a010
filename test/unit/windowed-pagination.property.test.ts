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

describe('a list read in windows equals the spec slice of the whole list (fast-check)', () => {
  it('for random windows, page grids and Relay arguments', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ list: { sizes, pageSize }, args }) => {
        const list = windowedList(sizes, pageSize);
        const connection = await list.resolve({ first: args.first, last: args.last, after: list.cursorAt(args.after), before: list.cursorAt(args.before) });
        const expected = specConnection(list.items.length, withDefaults(args));
        expect(connection.edges.map((edge) => edge.node)).toEqual(expected.offsets.map((offset) => list.items[offset]));
        const pageInfo = await connection.pageInfo;
        expect(pageInfo.hasNextPage).toBe(expected.hasNextPage);
        expect(pageInfo.hasPreviousPage).toBe(expected.hasPreviousPage);
        expect(await connection.totalCount).toBe(list.items.length);
        // Every cursor names the item's own window and position in it.
        connection.edges.forEach((edge, index) => expect(edge.cursor).toBe(list.cursorAt(expected.offsets[index]!)));
        expect(pageInfo.startCursor).toBe(connection.edges[0]?.cursor ?? null);
        expect(pageInfo.endCursor).toBe(connection.edges.at(-1)?.cursor ?? null);
        // No page is read twice, and a traversal with a pin asks every page with it.
        const keys = list.fetched.map(({ window, page }) => `${window}:${page}`);
        expect(new Set(keys).size).toBe(keys.length);
        if (args.after !== null || args.before !== null) expect(list.fetched.every((entry) => entry.snapshot === SNAPSHOT)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('reads only the windows a page needs: the newest, and the next only when the newest holds too few', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 2, maxLength: 13 }), fc.integer({ min: 1, max: 100 }), async (sizes, first) => {
        const list = windowedList(sizes, 100);
        const connection = await list.resolve({ first });
        expect(connection.edges.map((edge) => edge.node)).toEqual(list.items.slice(0, first));
        // The windows read are the newest up to the one where `first` items are reached.
        let needed = 0;
        for (let held = 0; needed < sizes.length && held < first; needed += 1) held += sizes[needed]!;
        expect(new Set(list.fetched.map((entry) => entry.window))).toEqual(new Set(Array.from({ length: Math.max(1, needed) }, (_, window) => window)));
      }),
      { numRuns: 200 },
    );
  });

  it('a traversal forwards, then one backwards, each return the whole list once, in order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 150 }), { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 100 }), async (sizes, size) => {
        const { items, resolve } = windowedList(sizes, 100);
        const forwards: string[] = [];
        const backwards: string[] = [];
        let cursor: string | null = null;
        for (let guard = 0; guard <= items.length + 1; guard++) {
          const page: DeferredConnection<string> = await resolve({ first: size, after: cursor });
          forwards.push(...page.edges.map((edge) => edge.node));
          const info = await page.pageInfo;
          if (!info.hasNextPage) break;
          cursor = info.endCursor;
        }
        cursor = null;
        for (let guard = 0; guard <= items.length + 1; guard++) {
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
