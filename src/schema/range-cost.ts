import { AVAAMO_MAX_PER_PAGE } from '../upstreams/avaamo/client.js';
import { boundedRange, unhandledRange } from '../upstreams/avaamo/lists.js';
import { windowCount, type ListRange } from '../upstreams/avaamo/windows.js';
import { DEFAULT_PAGE_SIZE } from './pagination.js';
import { REPORT_DEFAULT_DAYS } from './report.js';
import { MAX_RANGE_DAYS } from './time-range.js';
import { windowedReads } from './windowed-pagination.js';

/**
 * What one Avaamo request costs against MAX_COST: a field's items cost 1
 * each, an upstream request many, so the limit sees a field's reads and not
 * only its page. At 10, MAX_COST's default (20,000) holds at most 2,000
 * Avaamo requests per operation, and ten agents' year-long reports
 * (`agents(first: 10) { smsDeliveryStats(from: <a year ago>) unhandledQueryClusters(...) }`)
 * are refused before any of them. [gateway choice]
 */
export const AVAAMO_REQUEST_COST = 10;

/** The most windows a range the resolvers accept is read in (MAX_RANGE_DAYS of weeks, and a partial one each end). */
const MAX_WINDOWS = Math.ceil(MAX_RANGE_DAYS / 7) + 1;

type Cost = { field: number; multiplier: number };
type Args = Record<string, unknown>;

const dateArg = (value: unknown): Date | undefined => (value instanceof Date && !Number.isNaN(value.getTime()) ? value : undefined);
const sizeOf = (args: Args): number => [args.first, args.last].find((value): value is number => typeof value === 'number') ?? DEFAULT_PAGE_SIZE;

/** Windows of a range as the resolvers read it; a range they refuse (too long) costs what the longest they accept does. */
const windowsOf = (range: ListRange | null): number => (range === null ? 1 : Math.min(MAX_WINDOWS, windowCount(range, Date.now())));

/**
 * A page of a list read in windows: the pages its edges and pageInfo may
 * read (windowedReads, the bound the reader keeps), and totalCount's one
 * request per window.
 */
function listCost(range: ListRange | null, args: Args): Cost {
  const size = sizeOf(args);
  const last = typeof args.first !== 'number' && typeof args.last === 'number';
  const paging = { first: last ? null : size, last: last ? size : null, before: args.before ?? null };
  const reads = windowsOf(range) + windowedReads(paging, AVAAMO_MAX_PER_PAGE);
  return { field: AVAAMO_REQUEST_COST * reads, multiplier: Math.max(1, size) };
}

/**
 * A report reads every entry of its range: one request per window at least,
 * and one per 100 of the MAX_REPORT_ENTRIES it may read.
 */
function reportCost(range: ListRange | null, maxEntries: number, multiplier: number): Cost {
  const reads = windowsOf(range) + Math.ceil(maxEntries / AVAAMO_MAX_PER_PAGE);
  return { field: AVAAMO_REQUEST_COST * reads, multiplier };
}

/** A report's range as reportRange() reads it, unchecked (the resolver refuses what is wrong). */
function reportSpan(args: Args): ListRange {
  const to = dateArg(args.to);
  const from = dateArg(args.from)?.getTime() ?? (to?.getTime() ?? Date.now()) - REPORT_DEFAULT_DAYS * 86_400_000;
  return { from, to: to?.getTime() ?? null };
}

interface Paging {
  paging: { maxReportEntries: number };
}

/** Pothos `complexity` of each Avaamo ranged field: by its upstream requests. */
export const rangeCost = {
  messages: (args: Args): Cost => listCost(boundedRange(dateArg(args.since), dateArg(args.until)), args),
  smsRecords: (args: Args, context: Paging): Cost =>
    args.failureReason
      ? reportCost(boundedRange(dateArg(args.from), dateArg(args.to)), context.paging.maxReportEntries, Math.max(1, sizeOf(args)))
      : listCost(boundedRange(dateArg(args.from), dateArg(args.to)), args),
  unhandledMessages: (args: Args): Cost => listCost(unhandledRange(dateArg(args.from), dateArg(args.to)), args),
  smsDeliveryStats: (args: Args, context: Paging): Cost => reportCost(reportSpan(args), context.paging.maxReportEntries, 1),
  unhandledQueryClusters: (args: Args, context: Paging): Cost => reportCost(reportSpan(args), context.paging.maxReportEntries, Math.max(1, sizeOf(args))),
};
