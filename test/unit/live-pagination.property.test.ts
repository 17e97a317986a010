import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCursorCodec, createCursorKeys } from '../../src/schema/cursor-codec.js';
import { resolveLiveConnection } from '../../src/schema/live-pagination.js';
import type { Connection, ConnectionArgs } from '../../src/schema/pagination.js';
import { createMemoryTraversalStore } from '../../src/schema/traversal-store.js';

const cursors = createCursorCodec(createCursorKeys('unit-test cursor secret, 32+ characters long')).list('contacts', { status: 'unattended' });

/** An upstream over a list that may change between requests, paged on a fixed grid with a total; `reads` counts its pages. */
function upstream(list: string[], pageSize: number) {
  const upstreamPages = { reads: 0 };
  const fetchPage = async (page: number) => {
    upstreamPages.reads++;
    return { items: list.slice((page - 1) * pageSize, page * pageSize), total: list.length };
  };
  return { upstreamPages, fetchPage };
}

/** The most pages one field may read: those its size spans plus one, and one for the total when paging back from the end. */
const allowance = (args: ConnectionArgs, pageSize: number) =>
  Math.ceil((Math.max(args.first ?? 0, args.last ?? 0) + 1) / pageSize) + 1 + (args.first == null && !args.before ? 1 : 0);

async function traverse(list: string[], pageSize: number, first: number, between: (step: number) => void) {
  const traversals = createMemoryTraversalStore();
  const collected: string[] = [];
  let after: string | null = null;
  for (let step = 0; step < 1_000; step++) {
    const { upstreamPages, fetchPage } = upstream(list, pageSize);
    const connection: Connection<string> = await resolveLiveConnection({
      args: { first, after },
      cursors,
      traversals,
      pageSize,
      fetchPage,
      idOf: (id) => id,
    });
    expect(upstreamPages.reads).toBeLessThanOrEqual(allowance({ first }, pageSize));
    collected.push(...connection.edges.map((edge) => edge.node));
    if (!connection.pageInfo.hasNextPage) break;
    after = connection.pageInfo.endCursor;
    between(step);
  }
  return collected;
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('toEnd' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat() }),
);

describe('live connections (fast-check)', () => {
  it('on a list that holds still, a forward traversal collects it whole, in order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 100 }), async (size, pageSize, first) => {
        const list = Array.from({ length: size }, (_, index) => `c${index}`);
        expect(await traverse(list, pageSize, first, () => {})).toEqual(list);
      }),
      { numRuns: 150 },
    );
  });

  it('on a list that reorders, grows and shrinks between pages, never returns an item twice', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 250 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 100 }),
        fc.array(fc.array(mutation, { maxLength: 6 }), { maxLength: 40 }),
        async (size, pageSize, first, steps) => {
          const list = Array.from({ length: size }, (_, index) => `c${index}`);
          let fresh = 0;
          const ever = new Set(list);
          const collected = await traverse(list, pageSize, first, (step) => {
            for (const { kind, at } of steps[step] ?? []) {
              const index = list.length === 0 ? 0 : at % list.length;
              if (kind === 'remove' && list.length > 0) list.splice(index, 1);
              if (kind === 'toEnd' && list.length > 0) list.push(...list.splice(index, 1));
              if (kind === 'insert') {
                const id = `new${fresh++}`;
                ever.add(id);
                list.splice(index, 0, id);
              }
              if (kind === 'swap' && index + 1 < list.length) [list[index], list[index + 1]] = [list[index + 1]!, list[index]!];
            }
          });
          expect(new Set(collected).size).toBe(collected.length);
          expect(collected.every((id) => ever.has(id))).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('pages backwards from the end with `last`, collecting the list whole', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 100 }), async (size, pageSize, last) => {
        const list = Array.from({ length: size }, (_, index) => `c${index}`);
        const traversals = createMemoryTraversalStore();
        const collected: string[] = [];
        let before: string | null = null;
        for (let step = 0; step <= size + 1; step++) {
          const { upstreamPages, fetchPage } = upstream(list, pageSize);
          const connection: Connection<string> = await resolveLiveConnection({
            args: { last, before },
            cursors,
            traversals,
            pageSize,
            fetchPage,
            idOf: (id) => id,
          });
          expect(upstreamPages.reads).toBeLessThanOrEqual(allowance({ last, before }, pageSize));
          collected.unshift(...connection.edges.map((edge) => edge.node));
          if (!connection.pageInfo.hasPreviousPage) break;
          before = connection.pageInfo.startCursor;
        }
        expect(collected).toEqual(list);
      }),
      { numRuns: 100 },
    );
  });
});
