/** What `paginate` needs from a connection: its items and where the next page starts. */
export interface ConnectionPage<TNode> {
  nodes?: ReadonlyArray<TNode> | null;
  edges?: ReadonlyArray<{ node: TNode }> | null;
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
}

/**
 * Walks a connection page by page, `after` the previous page's end cursor,
 * until the gateway says there is no next page.
 */
export async function* walkConnection<TNode>(
  fetchPage: (after: string | null) => Promise<ConnectionPage<TNode> | null | undefined>,
): AsyncGenerator<TNode, void, undefined> {
  let after: string | null = null;
  for (;;) {
    const page = await fetchPage(after);
    if (!page) throw new Error('paginate: the selected connection is null; select a connection the operation returns');
    const nodes = page.nodes ?? page.edges?.map((edge) => edge.node);
    if (!nodes) throw new Error('paginate: the operation must select `nodes` or `edges { node }` of the connection');
    yield* nodes;
    if (!page.pageInfo.hasNextPage) return;
    const next = page.pageInfo.endCursor ?? null;
    // A page that says "more" without moving the cursor would loop forever.
    if (next === null || next === after) {
      throw new Error('paginate: the connection reports a next page but no new end cursor; select pageInfo { endCursor }');
    }
    after = next;
  }
}
