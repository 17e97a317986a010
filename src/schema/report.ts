import { scanList, type ScanResult } from '../upstreams/avaamo/list-scan.js';
import type { AvaamoList } from '../upstreams/avaamo/lists.js';
import { notePage } from './avaamo-entries.js';
import { isPinnableSnapshot, type CursorPin } from './cursor-codec.js';
import { badUserInput } from './errors.js';
import type { FreshnessTracker } from './freshness.js';
import { MAX_RANGE_DAYS, checkListSpan, checkRangeEndingNow } from './time-range.js';

/**
 * Reports (SMS delivery stats, query clusters, SMS records by failure
 * reason) read a whole range. Without `from` they cover the 30 days before
 * `to` (default now), from the start of that hour: a start that moved with
 * every second would make the oldest window a new request each time, never
 * cached, never servable stale. A range over 366 days is refused before any
 * call (MAX_RANGE_DAYS). 366 days are 53 or 54 windows, so one cold year-long
 * report already spends about a minute of Avaamo's 50 calls per token (more
 * with each page past a window's first): the cost limit prices a report by
 * the requests it may make (range-cost.ts), so one operation cannot hold many.
 */
export const REPORT_DEFAULT_DAYS = 30;
export const REPORT_MAX_DAYS = MAX_RANGE_DAYS;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

interface ReportRange {
  from: Date;
  /** Absent: the range ends when Avaamo answers. */
  to: Date | undefined;
}

export function reportRange(args: { from?: Date | null; to?: Date | null }, now = new Date()): ReportRange {
  const to = args.to ?? undefined;
  const from = args.from ?? new Date(Math.floor(((to ?? now).getTime() - REPORT_DEFAULT_DAYS * DAY_MS) / HOUR_MS) * HOUR_MS);
  checkRangeEndingNow(from, to, 'from', 'to', now);
  checkListSpan(from, to, 'from', 'to', now);
  return { from, to };
}

/** A report's pages with their freshness noted, at most MAX_REPORT_ENTRIES entries. */
export function readReport<Wire>(
  list: AvaamoList<Wire>,
  options: { maxEntries: number; snapshot: number | null; freshness: FreshnessTracker },
): Promise<ScanResult<Wire>> {
  const { maxEntries, snapshot, freshness } = options;
  return freshness.watch(scanList(list, { maxEntries, snapshot, onAnswer: (answer) => notePage(freshness, answer) }));
}

/** The pin of a report's cursors: the snapshot its first page was read under. */
export function reportPin(snapshot: number | null): CursorPin {
  return snapshot !== null && isPinnableSnapshot(snapshot) ? { kind: 'snapshot', snapshot } : { kind: 'none' };
}

/** A range too large for a report the upstream cannot filter: refused, with what to do. */
export function tooManyEntries(what: string, maxEntries: number) {
  return badUserInput(
    `${what} reads every SMS record of the range in the gateway, at most ${maxEntries.toLocaleString('en-US')} (MAX_REPORT_ENTRIES), and this range holds more: narrow the range or add \`status\`.`,
    { reason: 'REPORT_TOO_LARGE' },
  );
}
