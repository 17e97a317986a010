import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCursorCodec, createCursorKeys } from '../../src/schema/cursor-codec.js';
import { resolveArrayConnection, resolvePagedConnection, type Connection } from '../../src/schema/pagination.js';
import { relayArgsFor, specConnection, withDefaults } from '../relay-spec.js';

const cursors = createCursorCodec(createCursorKeys('unit-test cursor secret, 32+ characters long')).list('property', { n: 1 });

const cursorOfArray = (offset: number | null) => (offset === null ? null : cursors.issue({ kind: 'none' }, [offset])[0]!);

const scenario = fc
  .record({ size: fc.integer({ min: 0, max: 260 }), pageSize: fc.integer({ min: 1, max: 120 }), snapshot: fc.option(fc.double({ min: 1e9, max: 2e9, noNaN: true }), { nil: null }) })
  .chain((list) => fc.record({ list: fc.constant(list), args: relayArgsFor(list.size) }));

describe('connections equal the spec slice of the list (fast-check)', () => {
  it('for random list sizes, windows and page grids', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ list: { size, pageSize, snapshot }, args }) => {
        const items = Array.from({ length: size }, (_, offset) => `item-${offset}`);
        const fetched: { page: number; snapshot: number | null }[] = [];
        const fetchPage = async (page: number, pin: number | null) => {
          fetched.push({ page, snapshot: pin });
          return { items: items.slice((page - 1) * pageSize, page * pageSize), total: size, snapshot };
        };
        const pin = snapshot === null ? ({ kind: 'none' } as const) : ({ kind: 'snapshot', snapshot } as const);
        const cursor = (offset: number | null) => (offset === null ? null : cursors.issue(pin, [offset])[0]!);
        const relayArgs = { first: args.first, last: args.last, after: cursor(args.after), before: cursor(args.before) };
        const connection = await resolvePagedConnection({ args: relayArgs, cursors, pageSize, fetchPage });
        const expected = specConnection(size, withDefaults(args));

        expect(connection.edges.map((edge) => edge.node)).toEqual(expected.offsets.map((offset) => items[offset]));
        expect(connection.pageInfo.hasNextPage).toBe(expected.hasNextPage);
        expect(connection.pageInfo.hasPreviousPage).toBe(expected.hasPreviousPage);
        expect(connection.totalCount).toBe(size);
        // Cursors round-trip to their absolute offsets and keep the traversal's pin.
        connection.edges.forEach((edge, index) => {
          expect(cursors.decode(edge.cursor)).toEqual({ offset: expected.offsets[index], pin });
        });
        expect(connection.pageInfo.startCursor).toBe(connection.edges[0]?.cursor ?? null);
        expect(connection.pageInfo.endCursor).toBe(connection.edges.at(-1)?.cursor ?? null);
        // Pages are read concurrently before the total is known, so a window
        // running past the end may read pages past it, but never more than
        // the pages its cursor and size span, plus one for the total.
        const distinct = new Set(fetched.map((entry) => entry.page));
        expect(distinct.size).toBe(fetched.length);
        const sized = withDefaults(args);
        const pagesOf = (start: number, end: number) => Math.floor((Math.max(end, start + 1) - 1) / pageSize) - Math.floor(start / pageSize) + 1;
        const from = args.after === null ? 0 : args.after + 1;
        const spanPages =
          sized.first !== null
            ? pagesOf(from, from + sized.first)
            : pagesOf(Math.max(from, (args.before ?? size) - sized.last!), args.before ?? size);
        expect(fetched.length).toBeLessThanOrEqual(spanPages + 1);
        // A traversal with a pin asks every page with it; a new one asks its first page without.
        if (args.after !== null || args.before !== null) expect(fetched.every((entry) => entry.snapshot === snapshot)).toBe(true);
        else expect(fetched.slice(1).every((entry) => entry.snapshot === snapshot)).toBe(true);
        // The same window over a list held whole agrees (agents, Rocket.Chat rows).
        const whole = resolveArrayConnection({ first: args.first, last: args.last, after: cursorOfArray(args.after), before: cursorOfArray(args.before) }, cursors, items);
        expect(whole.edges.map((edge) => edge.node)).toEqual(connection.edges.map((edge) => edge.node));
        expect(whole.pageInfo.hasNextPage).toBe(expected.hasNextPage);
        expect(whole.pageInfo.hasPreviousPage).toBe(expected.hasPreviousPage);
      }),
      { numRuns: 400 },
    );
  });

  it('a forward traversal with any page size collects the whole list once, in order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 120 }), async (size, first, pageSize) => {
        const items = Array.from({ length: size }, (_, offset) => offset);
        const fetchPage = async (page: number) => ({ items: items.slice((page - 1) * pageSize, page * pageSize), total: size });
        const collected: number[] = [];
        let after: string | null = null;
        for (let guard = 0; guard <= size + 1; guard++) {
          const connection: Connection<number> = await resolvePagedConnection({ args: { first, after }, cursors, pageSize, fetchPage });
          collected.push(...connection.edges.map((edge) => edge.node));
          if (!connection.pageInfo.hasNextPage) break;
          after = connection.pageInfo.endCursor;
        }
        expect(collected).toEqual(items);
      }),
      { numRuns: 100 },
    );
  });
});
