import { getNullableType, isListType, type GraphQLField } from 'graphql';
import { DEFAULT_PAGE_SIZE } from './pagination.js';

/** A list the caller cannot size (the configured agents, the stats rows). */
const UNSIZED_LIST_MULTIPLIER = 10;

type Cost = { field: number; multiplier: number };
const SINGLE: Cost = { field: 1, multiplier: 1 };

/**
 * What one field costs for the query cost limit: 1, with its selections
 * counted once per item it can return. A connection returns up to its
 * `first`/`last` (the default page when neither is given), and its
 * `edges`/`nodes` are that same page, so they do not multiply again.
 */
export function fieldCost<Context>(args: Record<string, unknown>, _context: Context, field: GraphQLField<unknown, Context>): Cost {
  const size = [args.first, args.last].find((value): value is number => typeof value === 'number');
  if (size !== undefined) return { field: 1, multiplier: Math.max(1, size) };
  if (field.args.some((arg) => arg.name === 'first')) return { field: 1, multiplier: DEFAULT_PAGE_SIZE };
  if (Array.isArray(args.ids)) return { field: 1, multiplier: Math.max(1, args.ids.length) };
  if (!isListType(getNullableType(field.type))) return SINGLE;
  if (field.name === 'edges' || field.name === 'nodes') return SINGLE;
  return { field: 1, multiplier: UNSIZED_LIST_MULTIPLIER };
}
