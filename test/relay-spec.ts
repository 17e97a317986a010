import fc from 'fast-check';
import { DEFAULT_PAGE_SIZE } from '../src/schema/pagination.js';

/**
 * The Relay Cursor Connections spec's algorithms, written out plainly over an
 * in-memory list, as the reference the gateway's connections must equal.
 * Cursors are the elements' positions.
 */
export interface SpecArgs {
  first: number | null;
  last: number | null;
  after: number | null;
  before: number | null;
}

export interface SpecConnection {
  offsets: number[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

export function specConnection(size: number, args: SpecArgs): SpecConnection {
  const all = Array.from({ length: size }, (_, offset) => offset);
  // ApplyCursorsToEdges
  let edges = all;
  if (args.after !== null) edges = edges.filter((offset) => offset > args.after!);
  if (args.before !== null) edges = edges.filter((offset) => offset < args.before!);
  const afterCursors = edges;
  // EdgesToReturn: first, then last
  if (args.first !== null) edges = edges.slice(0, args.first);
  if (args.last !== null) edges = edges.slice(Math.max(0, edges.length - args.last));
  // HasPreviousPage / HasNextPage; where the spec lets the server say what
  // it can efficiently know, the gateway says whether elements exist beyond
  // the cursor.
  const hasPreviousPage = args.last !== null ? afterCursors.length > args.last : args.after !== null && size > 0;
  const hasNextPage = args.first !== null ? afterCursors.length > args.first : args.before !== null && args.before < size;
  return { offsets: edges, hasNextPage, hasPreviousPage };
}

/** Random Relay arguments over a list of `size`: cursors point at existing elements, as a client's would. */
export function relayArgsFor(size: number) {
  const count = fc.option(fc.integer({ min: 0, max: 100 }), { nil: null });
  const cursor = size === 0 ? fc.constant(null) : fc.option(fc.integer({ min: 0, max: size - 1 }), { nil: null });
  return fc.record({ first: count, last: count, after: cursor, before: cursor });
}

/** The sizes the gateway applies when neither `first` nor `last` is given. */
export function withDefaults(args: SpecArgs): SpecArgs {
  if (args.first !== null || args.last !== null) return args;
  return args.before !== null && args.after === null ? { ...args, last: DEFAULT_PAGE_SIZE } : { ...args, first: DEFAULT_PAGE_SIZE };
}
