import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  decodeCursor,
  encodeCursor,
  listFingerprint,
  pagesCovering,
  parsePagingArgs,
  resolveArrayConnection,
  resolvePagedConnection,
  selectWindow,
} from '../../src/schema/pagination.js';

const fingerprint = listFingerprint('messages', { agentId: 1 });
const list = Array.from({ length: 237 }, (_, index) => index);

function codeOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error instanceof GraphQLError ? error.extensions.code : error;
  }
  return 'no error';
}

describe('cursors', () => {
  it('round-trip an offset, a snapshot and seen tags', () => {
    expect(decodeCursor(encodeCursor(1234, fingerprint), fingerprint)).toEqual({ offset: 1234, snapshot: null, seen: [] });
    expect(decodeCursor(encodeCursor(7, fingerprint, 1763758748.123456, ['abcdef', 'ABC-_9']), fingerprint)).toEqual({
      offset: 7,
      snapshot: 1763758748.123456,
      seen: ['abcdef', 'ABC-_9'],
    });
  });

  it('refuse a cursor whose offset or snapshot was edited', () => {
    const cursor = encodeCursor(40, fingerprint, 1763758748.5);
    const record = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    for (const edit of [{ o: 41 }, { s: 1763758749 }, { v: 2 }, { extra: 1 }]) {
      const edited = Buffer.from(JSON.stringify({ ...record, ...edit })).toString('base64url');
      expect(codeOf(() => decodeCursor(edited, fingerprint))).toBe('BAD_USER_INPUT');
    }
  });

  it('refuse a cursor with one character changed', () => {
    const cursor = encodeCursor(12345, fingerprint, 1763758748.5);
    for (let at = 0; at < cursor.length; at++) {
      const flipped = cursor.slice(0, at) + (cursor[at] === 'A' ? 'B' : 'A') + cursor.slice(at + 1);
      expect(codeOf(() => decodeCursor(flipped, fingerprint))).toBe('BAD_USER_INPUT');
    }
  });

  it('refuse an oversized cursor without reading it', () => {
    expect(codeOf(() => decodeCursor('A'.repeat(50_000), fingerprint))).toBe('BAD_USER_INPUT');
  });

  it('refuse `after` and `before` from two traversals', () => {
    const after = encodeCursor(1, fingerprint, 1000);
    const before = encodeCursor(9, fingerprint, 2000);
    expect(codeOf(() => parsePagingArgs({ after, before }, fingerprint))).toBe('BAD_USER_INPUT');
  });

  it('refuse a cursor from another list or other arguments', () => {
    const other = listFingerprint('messages', { agentId: 2 });
    expect(other).not.toBe(fingerprint);
    expect(codeOf(() => decodeCursor(encodeCursor(3, other), fingerprint))).toBe('BAD_USER_INPUT');
  });

  it('refuse garbage, negative offsets and other versions', () => {
    for (const cursor of ['', 'not-a-cursor', '%%%', Buffer.from('{"v":1,"o":-1,"f":"x"}').toString('base64url')]) {
      expect(codeOf(() => decodeCursor(cursor, fingerprint))).toBe('BAD_USER_INPUT');
    }
    const v2 = Buffer.from(JSON.stringify({ v: 2, o: 1, f: fingerprint })).toString('base64url');
    expect(codeOf(() => decodeCursor(v2, fingerprint))).toBe('BAD_USER_INPUT');
  });
});

describe('paging arguments', () => {
  it('cap first/last at 100 and refuse negatives', () => {
    expect(codeOf(() => parsePagingArgs({ first: 101 }, fingerprint))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => parsePagingArgs({ last: -1 }, fingerprint))).toBe('BAD_USER_INPUT');
    expect(parsePagingArgs({ first: 100 }, fingerprint).first).toBe(100);
  });

  it('default to 25 forwards, or backwards from a lone `before`', () => {
    expect(parsePagingArgs({}, fingerprint)).toMatchObject({ first: 25, last: null });
    const before = encodeCursor(50, fingerprint);
    expect(parsePagingArgs({ before }, fingerprint)).toMatchObject({ first: null, last: 25, beforeOffset: 50 });
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
    const after = encodeCursor(89, fingerprint);
    const connection = await resolvePagedConnection({ args: { first: 20, after }, fingerprint, pageSize, fetchPage });
    expect(connection.edges.map((edge) => edge.node)).toEqual(list.slice(90, 110));
    expect(fetched.sort()).toEqual([1, 2]);
    expect(connection.totalCount).toBe(237);
    expect(connection.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
  });

  it('`last` without `before` reads the total first, then the last page', async () => {
    const { fetched, fetchPage } = upstream();
    const connection = await resolvePagedConnection({ args: { last: 10 }, fingerprint, pageSize, fetchPage });
    expect(connection.edges.map((edge) => edge.node)).toEqual(list.slice(227));
    expect(fetched).toEqual([1, 3]);
    expect(connection.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('walks backwards with `before` until the start', async () => {
    const { fetchPage } = upstream();
    const seen: number[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await resolvePagedConnection({ args: { last: 40, before }, fingerprint, pageSize, fetchPage });
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
        const args = { first: Math.min(first, 100), after: after >= 0 ? encodeCursor(after, fingerprint) : undefined };
        const paged = await resolvePagedConnection({ args, fingerprint, pageSize: 5, fetchPage });
        const whole = resolveArrayConnection(args, fingerprint, small);
        expect(paged).toEqual(whole);
        expect(paged.edges.map((edge) => edge.node)).toEqual(small.slice(after + 1, after + 1 + first));
      }
    }
  });

  describe('when the upstream reports no total', () => {
    const items = Array.from({ length: 120 }, (_, index) => index);
    const fetchPage = async (page: number) => ({ items: items.slice((page - 1) * 50, page * 50), total: null });

    it('counts what it has read and says more may follow after a full page', async () => {
      const first = await resolvePagedConnection({ args: { first: 50 }, fingerprint, pageSize: 50, fetchPage });
      expect(first.edges).toHaveLength(50);
      expect(first.pageInfo.hasNextPage).toBe(true);
      expect(first.totalCount).toBe(50);
    });

    it('slices across pages as with a known total', async () => {
      const after = encodeCursor(44, fingerprint);
      const page = await resolvePagedConnection({ args: { first: 20, after }, fingerprint, pageSize: 50, fetchPage });
      expect(page.edges.map((edge) => edge.node)).toEqual(items.slice(45, 65));
    });

    it('knows the end at a short page', async () => {
      const after = encodeCursor(99, fingerprint);
      const page = await resolvePagedConnection({ args: { first: 50, after }, fingerprint, pageSize: 50, fetchPage });
      expect(page.edges.map((edge) => edge.node)).toEqual(items.slice(100));
      expect(page.pageInfo.hasNextPage).toBe(false);
      expect(page.totalCount).toBe(120);
    });

    it('refuses `last` without `before`, which needs the total', async () => {
      await expect(resolvePagedConnection({ args: { last: 3 }, fingerprint, pageSize: 50, fetchPage })).rejects.toMatchObject({
        extensions: { code: 'BAD_USER_INPUT' },
      });
    });
  });
});
