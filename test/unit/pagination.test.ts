import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createCursorCodec, createCursorKeys } from '../../src/schema/cursor-codec.js';
import {
  pagesCovering,
  parsePagingArgs,
  resolveArrayConnection,
  resolvePagedConnection,
  selectWindow,
  type Connection,
} from '../../src/schema/pagination.js';

const codec = createCursorCodec(createCursorKeys('unit-test cursor secret, 32+ characters long'));
const cursors = codec.list('messages', { agentId: 1 });
const cursorAt = (offset: number, snapshot?: number) =>
  cursors.issue(snapshot === undefined ? { kind: 'none' } : { kind: 'snapshot', snapshot }, [offset])[0]!;
const list = Array.from({ length: 237 }, (_, index) => index);
const list100 = list.slice(0, 100);

function codeOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error instanceof GraphQLError ? error.extensions.code : error;
  }
  return 'no error';
}

/** What a client sees of a connection, its cursors read. */
function seen<T>(connection: Connection<T>) {
  return {
    edges: connection.edges.map((edge) => ({ cursor: edge.cursor, node: edge.node })),
    pageInfo: {
      hasNextPage: connection.pageInfo.hasNextPage,
      hasPreviousPage: connection.pageInfo.hasPreviousPage,
      startCursor: connection.pageInfo.startCursor,
      endCursor: connection.pageInfo.endCursor,
    },
    totalCount: connection.totalCount,
  };
}

describe('paging arguments', () => {
  it('cap first/last at 100 and refuse negatives', () => {
    expect(codeOf(() => parsePagingArgs({ first: 101 }, cursors))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => parsePagingArgs({ last: -1 }, cursors))).toBe('BAD_USER_INPUT');
    expect(parsePagingArgs({ first: 100 }, cursors).first).toBe(100);
  });

  it('default to 25 forwards, or backwards from a lone `before`', () => {
    expect(parsePagingArgs({}, cursors)).toMatchObject({ first: 25, last: null });
    expect(parsePagingArgs({ before: cursorAt(50) }, cursors)).toMatchObject({ first: null, last: 25, before: { offset: 50 } });
  });

  it('refuse `after` and `before` from two traversals', async () => {
    const fetchPage = async () => ({ items: list, total: list.length });
    const args = { after: cursorAt(1, 1000), before: cursorAt(9, 2000) };
    await expect(resolvePagedConnection({ args, cursors, pageSize: 100, fetchPage })).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });
});

describe('cursors of a connection', () => {
  /** A codec that counts the keys it derives: one per connection and pin that builds or reads cursors. */
  function countingCodec() {
    const keys = createCursorKeys('unit-test cursor secret, 32+ characters long');
    const derived: string[] = [];
    const counting = createCursorCodec({ derive: (material) => (derived.push(material), keys.derive(material)) });
    return { derived, list: () => counting.list('messages', { agentId: 1 }) };
  }

  it('are built only when one is read, and then all at once with one key', async () => {
    const { derived, list } = countingCodec();
    const fetchPage = async () => ({ items: list100, total: 100, snapshot: 1763758748.5 });
    const unread = await resolvePagedConnection({ args: { first: 100 }, cursors: list(), pageSize: 100, fetchPage });
    expect(unread.edges.map((edge) => edge.node)).toEqual(list100);
    expect(unread.pageInfo.hasNextPage).toBe(false);
    expect(derived).toHaveLength(0);

    const read = await resolvePagedConnection({ args: { first: 100 }, cursors: list(), pageSize: 100, fetchPage });
    const all = read.edges.map((edge) => edge.cursor);
    expect(new Set(all).size).toBe(100);
    expect([read.pageInfo.startCursor, read.pageInfo.endCursor]).toEqual([all[0], all[99]]);
    expect(derived).toHaveLength(1);
  });

  it('decode with the key they were issued with, derived once per connection', async () => {
    const { derived, list } = countingCodec();
    const fetchPage = async () => ({ items: list100, total: 100, snapshot: 1763758748.5 });
    const opening = await resolvePagedConnection({ args: { first: 10 }, cursors: list(), pageSize: 100, fetchPage });
    const after = opening.pageInfo.endCursor!;
    derived.length = 0;
    const next = await resolvePagedConnection({ args: { first: 10, after }, cursors: list(), pageSize: 100, fetchPage });
    expect(next.edges.map((edge) => edge.cursor)).toHaveLength(10);
    expect(derived).toHaveLength(1);
  });
});

describe('page math', () => {
  it('covers a window with the fewest grid pages', () => {
    expect(pagesCovering(0, 10, 100)).toEqual([1]);
    expect(pagesCovering(95, 105, 100)).toEqual([1, 2]);
    expect(pagesCovering(100, 200, 100)).toEqual([2]);
    expect(pagesCovering(199, 301, 100)).toEqual([2, 3, 4]);
    expect(pagesCovering(40, 40, 50)).toEqual([1]);
  });

  it('applies first then last to the cursor range, as the Relay spec orders them', () => {
    const request = { first: 10, last: 3, afterOffset: 4, beforeOffset: null };
    expect(selectWindow(request, 100)).toMatchObject({ start: 12, end: 15 });
    expect(selectWindow({ first: null, last: 5, afterOffset: null, beforeOffset: 3 }, 100)).toMatchObject({ start: 0, end: 3 });
    expect(selectWindow({ first: 10, last: null, afterOffset: 95, beforeOffset: null }, 100)).toMatchObject({ start: 96, end: 100 });
  });
});

describe('connections over an upstream page grid', () => {
  const pageSize = 100;
  function upstream() {
    const fetched: number[] = [];
    const fetchPage = async (page: number) => {
      fetched.push(page);
      return { items: list.slice((page - 1) * pageSize, page * pageSize), total: list.length };
    };
    return { fetched, fetchPage };
  }

  it('slices across a page boundary and fetches only the covering pages', async () => {
    const { fetched, fetchPage } = upstream();
    const after = cursorAt(89);
    const connection = await resolvePagedConnection({ args: { first: 20, after }, cursors, pageSize, fetchPage });
    expect(connection.edges.map((edge) => edge.node)).toEqual(list.slice(90, 110));
    expect(fetched.sort()).toEqual([1, 2]);
    expect(connection.totalCount).toBe(237);
    expect(connection.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
  });

  it('`last` without `before` reads the total first, then the last page', async () => {
    const { fetched, fetchPage } = upstream();
    const connection = await resolvePagedConnection({ args: { last: 10 }, cursors, pageSize, fetchPage });
    expect(connection.edges.map((edge) => edge.node)).toEqual(list.slice(227));
    expect(fetched).toEqual([1, 3]);
    expect(connection.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('walks backwards with `before` until the start', async () => {
    const { fetchPage } = upstream();
    const seen: number[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await resolvePagedConnection({ args: { last: 40, before }, cursors, pageSize, fetchPage });
      seen.unshift(...page.edges.map((edge) => edge.node));
      if (!page.pageInfo.hasPreviousPage) break;
      before = page.pageInfo.startCursor!;
    }
    expect(seen).toEqual(list);
  });

  it('agrees with an in-memory slice for every window over a small list', async () => {
    const small = list.slice(0, 23);
    const fetchPage = async (page: number) => ({ items: small.slice((page - 1) * 5, page * 5), total: small.length });
    for (let after = -1; after < 25; after += 3) {
      for (const first of [0, 1, 4, 5, 6, 30]) {
        const args = { first: Math.min(first, 100), after: after >= 0 ? cursorAt(after) : undefined };
        const paged = await resolvePagedConnection({ args, cursors, pageSize: 5, fetchPage });
        const whole = resolveArrayConnection(args, cursors, small);
        expect(seen(paged)).toEqual(seen(whole));
        expect(paged.edges.map((edge) => edge.node)).toEqual(small.slice(after + 1, after + 1 + first));
      }
    }
  });

  describe('when the upstream reports no total', () => {
    const items = Array.from({ length: 120 }, (_, index) => index);
    const fetchPage = async (page: number) => ({ items: items.slice((page - 1) * 50, page * 50), total: null });

    it('counts what it has read and says more may follow after a full page', async () => {
      const first = await resolvePagedConnection({ args: { first: 50 }, cursors, pageSize: 50, fetchPage });
      expect(first.edges).toHaveLength(50);
      expect(first.pageInfo.hasNextPage).toBe(true);
      expect(first.totalCount).toBe(50);
    });

    it('slices across pages as with a known total', async () => {
      const after = cursorAt(44);
      const page = await resolvePagedConnection({ args: { first: 20, after }, cursors, pageSize: 50, fetchPage });
      expect(page.edges.map((edge) => edge.node)).toEqual(items.slice(45, 65));
    });

    it('knows the end at a short page', async () => {
      const after = cursorAt(99);
      const page = await resolvePagedConnection({ args: { first: 50, after }, cursors, pageSize: 50, fetchPage });
      expect(page.edges.map((edge) => edge.node)).toEqual(items.slice(100));
      expect(page.pageInfo.hasNextPage).toBe(false);
      expect(page.totalCount).toBe(120);
    });

    it('refuses `last` without `before`, which needs the total', async () => {
      await expect(resolvePagedConnection({ args: { last: 3 }, cursors, pageSize: 50, fetchPage })).rejects.toMatchObject({
        extensions: { code: 'BAD_USER_INPUT' },
      });
    });
  });
});
