export interface PageInfoShape {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

/** A Relay connection as the relay plugin reads it: `edge.cursor`, `pageInfo.startCursor`, `pageInfo.endCursor`. */
export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfoShape;
  totalCount: number;
}

/**
 * The same, with what costs upstream calls computed only when it is read
 * (a list read in windows learns its total and whether more follows from
 * windows the page itself did not need).
 */
export interface DeferredConnection<T> {
  edges: { cursor: string; node: T }[];
  readonly pageInfo: PageInfoShape | Promise<PageInfoShape>;
  readonly totalCount: number | Promise<number>;
}

/**
 * The cursors of one connection, built together on first read. The relay
 * plugin resolves `cursor`, `startCursor` and `endCursor` by reading those
 * properties (`t.expose`), so a page whose cursors nobody selects never
 * builds one.
 */
export class LazyCursors {
  #built: readonly string[] | null = null;

  constructor(private readonly build: () => readonly string[]) {}

  at(index: number): string {
    this.#built ??= this.build();
    return this.#built[index]!;
  }
}

export class LazyEdge<T> {
  constructor(
    readonly node: T,
    private readonly cursors: LazyCursors,
    private readonly index: number,
  ) {}

  get cursor(): string {
    return this.cursors.at(this.index);
  }
}

export class LazyPageInfo implements PageInfoShape {
  constructor(
    readonly hasNextPage: boolean,
    readonly hasPreviousPage: boolean,
    private readonly cursors: LazyCursors,
    private readonly boundary: { start: number; end: number } | null,
  ) {}

  get startCursor(): string | null {
    return this.boundary && this.cursors.at(this.boundary.start);
  }

  get endCursor(): string | null {
    return this.boundary && this.cursors.at(this.boundary.end);
  }
}

export interface LazyConnectionParts<T> {
  nodes: readonly T[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  totalCount: number;
  /** Builds the cursors: one per node, in order, then any continuation cursor. */
  cursors: () => readonly string[];
  /**
   * A page that came back empty although the list goes on (live lists,
   * see live-pagination.ts) still needs a cursor to page on from: its
   * startCursor and endCursor are then the one cursor after the nodes'.
   */
  continues?: boolean;
}

export function lazyConnection<T>(parts: LazyConnectionParts<T>): Connection<T> {
  const cursors = new LazyCursors(parts.cursors);
  const count = parts.nodes.length;
  const boundary = count > 0 ? { start: 0, end: count - 1 } : parts.continues ? { start: 0, end: 0 } : null;
  return {
    edges: parts.nodes.map((node, index) => new LazyEdge(node, cursors, index)),
    pageInfo: new LazyPageInfo(parts.hasNextPage, parts.hasPreviousPage, cursors, boundary),
    totalCount: parts.totalCount,
  };
}
