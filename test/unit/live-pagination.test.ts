import { describe, expect, it } from 'vitest';
import { createCursorCodec, createCursorKeys } from '../../src/schema/cursor-codec.js';
import { MAX_TRAVERSAL_ITEMS, resolveLiveConnection } from '../../src/schema/live-pagination.js';
import type { ConnectionArgs } from '../../src/schema/pagination.js';
import { createMemoryTraversalStore, type TraversalStore } from '../../src/schema/traversal-store.js';

const cursors = createCursorCodec(createCursorKeys('unit-test cursor secret, 32+ characters long')).list('contacts', { status: 'unattended' });
const ids = (prefix: string, count: number) => Array.from({ length: count }, (_, index) => `${prefix}${index}`);

/** A live list paged 50 at a time, and the pages each request read. */
function liveList(initial: string[]) {
  const state = { list: initial, reads: [] as number[][] };
  const page = async (args: ConnectionArgs, traversals: TraversalStore) => {
    const read: number[] = [];
    state.reads.push(read);
    return resolveLiveConnection({
      args,
      cursors,
      traversals,
      pageSize: 50,
      fetchPage: async (number) => {
        read.push(number);
        return { items: state.list.slice((number - 1) * 50, number * 50), total: state.list.length };
      },
      idOf: (id) => id,
    });
  };
  return { state, page };
}

describe('live connections', () => {
  it('page on past a run of items already returned within the page budget, never returning one twice', async () => {
    const traversals = createMemoryTraversalStore();
    const { state, page } = liveList(ids('c', 300));
    const collected: string[] = [];
    let after: string | null = null;
    for (let step = 0; step < 10; step++) {
      const connection = await page({ first: 10, after }, traversals);
      collected.push(...connection.edges.map((edge) => edge.node));
      after = connection.pageInfo.endCursor;
    }
    expect(collected).toEqual(ids('c', 100));
    // The 100 contacts returned write again and now sit right after the position, behind 100 newcomers.
    state.list = [...ids('new', 100), ...ids('c', 100), ...ids('c', 300).slice(100)];

    const blocked = await page({ first: 10, after }, traversals);
    expect(blocked.edges).toEqual([]);
    expect(blocked.pageInfo.hasNextPage).toBe(true);
    expect(blocked.pageInfo.endCursor).toEqual(expect.any(String));
    expect(state.reads.at(-1)).toEqual([3, 4]);
    after = blocked.pageInfo.endCursor;
    for (let step = 0; step < 30; step++) {
      const connection = await page({ first: 10, after }, traversals);
      collected.push(...connection.edges.map((edge) => edge.node));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(new Set(collected).size).toBe(collected.length);
    expect(collected).toEqual(ids('c', 300));
    // No request read more than the two pages `first: 10` spans at most.
    expect(Math.max(...state.reads.map((read) => read.length))).toBe(2);
  });

  it('keeps branches apart: paging again from an older cursor neither skips nor corrupts the newer branch', async () => {
    const traversals = createMemoryTraversalStore();
    const { page } = liveList(ids('c', 200));
    const one = await page({ first: 30 }, traversals);
    const two = await page({ first: 30, after: one.pageInfo.endCursor }, traversals);
    const three = await page({ first: 30, after: two.pageInfo.endCursor }, traversals);
    // A refetch of page two (back, then forward again) gets page two again.
    const twoAgain = await page({ first: 30, after: one.pageInfo.endCursor }, traversals);
    expect(twoAgain.edges.map((edge) => edge.node)).toEqual(two.edges.map((edge) => edge.node));
    // Both branches go on where they were.
    const fourFromThree = await page({ first: 30, after: three.pageInfo.endCursor }, traversals);
    const threeFromTwoAgain = await page({ first: 30, after: twoAgain.pageInfo.endCursor }, traversals);
    expect(fourFromThree.edges.map((edge) => edge.node)).toEqual(ids('c', 200).slice(90, 120));
    expect(threeFromTwoAgain.edges.map((edge) => edge.node)).toEqual(three.edges.map((edge) => edge.node));
  });

  it('refuses a cursor whose traversal has been forgotten, clearly and without an upstream call', async () => {
    const clock = { ms: 0, now: () => clock.ms };
    const traversals = createMemoryTraversalStore({ idleMs: 60_000, clock });
    const { state, page } = liveList(ids('c', 120));
    const first = await page({ first: 10 }, traversals);
    clock.ms += 59_000;
    const second = await page({ first: 10, after: first.pageInfo.endCursor }, traversals);
    expect(second.edges.map((edge) => edge.node)).toEqual(ids('c', 20).slice(10));
    clock.ms += 60_001;
    state.reads.length = 0;
    await expect(page({ first: 10, after: second.pageInfo.endCursor }, traversals)).rejects.toMatchObject({
      message: expect.stringMatching(/^expired cursor: .*start a new one/),
      extensions: { code: 'BAD_USER_INPUT', reason: 'CURSOR_EXPIRED' },
    });
    expect(state.reads).toEqual([[]]);
  });

  it('forgets the least recently used traversals first, within its bound', async () => {
    const traversals = createMemoryTraversalStore({ maxIds: 100 });
    const { page } = liveList(ids('c', 200));
    const old = await page({ first: 40 }, traversals);
    const oldCursor = old.pageInfo.endCursor;
    const recent = await page({ first: 40 }, traversals);
    const recentCursor = recent.pageInfo.endCursor;
    const newest = await page({ first: 40 }, traversals);
    expect(newest.pageInfo.endCursor).toEqual(expect.any(String));
    await expect(page({ first: 10, after: oldCursor }, traversals)).rejects.toMatchObject({ extensions: { reason: 'CURSOR_EXPIRED' } });
    expect((await page({ first: 10, after: recentCursor }, traversals)).edges).toHaveLength(10);
  });

  it('keeps no state for a page whose cursors nobody reads', async () => {
    const store = createMemoryTraversalStore();
    let recorded = 0;
    const counting: TraversalStore = { record: (page) => (recorded++, store.record(page)), load: (id) => store.load(id) };
    const { page } = liveList(ids('c', 80));
    const unread = await page({ first: 50 }, counting);
    expect(unread.edges.map((edge) => edge.node)).toHaveLength(50);
    expect(unread.pageInfo.hasNextPage).toBe(true);
    expect(recorded).toBe(0);
    const read = await page({ first: 50 }, counting);
    expect(new Set(read.edges.map((edge) => edge.cursor)).size).toBe(50);
    expect(read.pageInfo.endCursor).toBe(read.edges[49]!.cursor);
    expect(recorded).toBe(1);
  });

  it(`refuses a page past ${MAX_TRAVERSAL_ITEMS} items in one traversal before asking upstream`, async () => {
    const traversals = createMemoryTraversalStore();
    const id = traversals.record({ parent: null, returned: ids('c', MAX_TRAVERSAL_ITEMS - 5), resumeAfter: null, resumeBefore: null });
    const [after] = cursors.issue({ kind: 'page', page: id }, [MAX_TRAVERSAL_ITEMS - 6]);
    const { state, page } = liveList(ids('c', MAX_TRAVERSAL_ITEMS + 50));
    expect((await page({ first: 5, after }, traversals)).edges.map((edge) => edge.node)).toEqual(ids('c', MAX_TRAVERSAL_ITEMS).slice(-5));
    state.reads.length = 0;
    await expect(page({ first: 6, after }, traversals)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(state.reads).toEqual([[]]);
  });

  it('refuses a cursor of this list that points into no traversal', async () => {
    const { state, page } = liveList(ids('c', 80));
    const [pinned] = cursors.issue({ kind: 'snapshot', snapshot: 1763758748.5 }, [3]);
    const [unpinned] = cursors.issue({ kind: 'none' }, [3]);
    for (const after of [pinned, unpinned]) {
      await expect(page({ first: 5, after }, createMemoryTraversalStore())).rejects.toMatchObject({ extensions: { reason: 'CURSOR_INVALID' } });
    }
    expect(state.reads).toEqual([[], []]);
  });
});
