import { describe, expect, it } from 'vitest';
import { walkConnection, type ConnectionPage } from '../../packages/sdk/src/paginate.js';

/** A list of `items` served `size` at a time, cursors being offsets. */
function pager(items: string[], size: number) {
  const asked: Array<string | null> = [];
  const fetchPage = async (after: string | null): Promise<ConnectionPage<string>> => {
    asked.push(after);
    const start = after === null ? 0 : Number(after) + 1;
    const nodes = items.slice(start, start + size);
    return { nodes, pageInfo: { hasNextPage: start + size < items.length, endCursor: nodes.length ? String(start + nodes.length - 1) : null } };
  };
  return { asked, fetchPage };
}

const collect = async <T>(iterator: AsyncIterable<T>) => {
  const items: T[] = [];
  for await (const item of iterator) items.push(item);
  return items;
};

describe('walkConnection', () => {
  it('yields every item once, asking after each page\'s end cursor', async () => {
    const items = ['a', 'b', 'c', 'd', 'e'];
    const { asked, fetchPage } = pager(items, 2);
    expect(await collect(walkConnection(fetchPage))).toEqual(items);
    expect(asked).toEqual([null, '1', '3']);
  });

  it('reads edges when the operation selects them instead of nodes', async () => {
    const page: ConnectionPage<number> = { edges: [{ node: 1 }, { node: 2 }], pageInfo: { hasNextPage: false, endCursor: 'x' } };
    expect(await collect(walkConnection(async () => page))).toEqual([1, 2]);
  });

  it('refuses a page that says more follow without a new cursor, instead of looping', async () => {
    const stuck: ConnectionPage<number> = { nodes: [1], pageInfo: { hasNextPage: true, endCursor: 'same' } };
    await expect(collect(walkConnection(async () => stuck))).rejects.toThrow(/no new end cursor/);
    const cursorless: ConnectionPage<number> = { nodes: [1], pageInfo: { hasNextPage: true } };
    await expect(collect(walkConnection(async () => cursorless))).rejects.toThrow(/no new end cursor/);
  });

  it('says what is wrong when the connection is null or selects no items', async () => {
    await expect(collect(walkConnection(async () => null))).rejects.toThrow(/connection is null/);
    await expect(collect(walkConnection(async () => ({ pageInfo: { hasNextPage: false } })))).rejects.toThrow(/`nodes` or `edges/);
  });
});
