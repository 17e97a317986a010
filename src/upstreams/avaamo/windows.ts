/**
 * Avaamo recommends at most 7 days per request on every date-range API
 * (vendor-docs: unhandled messages, messages, SMS report). A longer range is
 * read as windows of the UTC week grid (Monday 00:00 to Monday 00:00),
 * clipped to the range, newest first. The grid does not move with the range,
 * so a dashboard asking for "the last 90 days" every minute asks for the same
 * past weeks each time, which the cache keeps for longer (settled windows).
 */

const DAY_MS = 86_400_000;
/** The longest span one request covers (the vendor's recommendation). */
export const WINDOW_MS = 7 * DAY_MS;
/** 1970-01-05, the first Monday of the epoch: where the week grid starts. */
const GRID_ORIGIN_MS = 4 * DAY_MS;
/**
 * How long after a window ends its entries are taken as settled: SMS delivery
 * receipts and analytics arrive a little after the fact. [gateway choice]
 */
export const SETTLE_AFTER_MS = 60 * 60 * 1000;

/**
 * A range with both ends, in epoch ms, inclusive of both: `to` null means it
 * ends when Avaamo answers (now, or the traversal's pin).
 */
export interface ListRange {
  from: number;
  to: number | null;
}

/**
 * One window: entries at or after `from` and, at its upper end, either the
 * range's own end (`to`, inclusive; null: open) or the next window's start
 * (`before`, exclusive), so an entry on a window edge belongs to the newer
 * window and to it alone.
 */
export interface TimeWindow {
  /** The week of the grid it lies in (weeks since the grid's origin): what a cursor names it by. */
  week: number;
  from: number;
  to: number | null;
  before: number | null;
}

/** Whether a range needs windows: it spans more than 7 days up to `upper` (its end, or now). */
export function spansWindows(range: ListRange, upper: number): boolean {
  return Math.min(range.to ?? Number.POSITIVE_INFINITY, upper) - range.from > WINDOW_MS;
}

/** How many windows reading `range` up to `upper` takes (1: read whole), counted without listing them. */
export function windowCount(range: ListRange, upper: number): number {
  if (!spansWindows(range, upper)) return 1;
  return weekOf(Math.max(Math.min(range.to ?? Number.POSITIVE_INFINITY, upper), range.from)) - weekOf(range.from) + 1;
}

/** The week of the grid an instant lies in; an instant on a grid line opens its week. */
export function weekOf(ms: number): number {
  return Math.floor((ms - GRID_ORIGIN_MS) / WINDOW_MS);
}

function weekStart(week: number): number {
  return GRID_ORIGIN_MS + week * WINDOW_MS;
}

/**
 * The windows of a range, newest first, up to `upper` (the range's end if
 * earlier; otherwise the traversal's pin, or now): one per week of the grid
 * the range touches. Only the newest keeps the range's open or inclusive end;
 * when that end lies beyond its week (a `to` in the future), it ends with its
 * week, so no request spans more than 7 days.
 */
export function splitRange(range: ListRange, upper: number): TimeWindow[] {
  const end = Math.min(range.to ?? Number.POSITIVE_INFINITY, upper);
  const newest = weekOf(Math.max(end, range.from));
  const oldest = weekOf(range.from);
  const windows: TimeWindow[] = [];
  for (let week = newest; week >= oldest; week -= 1) {
    const from = Math.max(range.from, weekStart(week));
    const nextWeek = weekStart(week + 1);
    if (week === newest && range.to === null) windows.push({ week, from, to: null, before: null });
    else if (week === newest && range.to !== null && range.to < nextWeek) windows.push({ week, from, to: range.to, before: null });
    else windows.push({ week, from, to: null, before: nextWeek });
  }
  return windows;
}

/**
 * Whether nothing new can arrive in a window any more: it ends (inclusive or
 * exclusive) at least SETTLE_AFTER_MS before `now`. Its answers are cached
 * under the settled routes' longer TTL.
 */
export function isSettled(window: Pick<TimeWindow, 'to' | 'before'>, now: number): boolean {
  const end = window.before ?? window.to;
  return end !== null && end <= now - SETTLE_AFTER_MS;
}
