import { badUserInput } from './errors.js';

/**
 * Rejects an inverted range at the gateway, before any upstream call or
 * budget token: an upstream would answer it with a silently empty list, or
 * refuse it only after the call was spent.
 */
export function checkRange(from: Date | undefined, to: Date | undefined, fromName: string, toName: string): void {
  if (from && to && to.getTime() < from.getTime()) {
    throw badUserInput(`\`${toName}\` must not be before \`${fromName}\`.`);
  }
}

/**
 * As checkRange, for a list whose upstream ends an open range now and
 * refuses one that then ends before it starts (Avaamo's unhandled messages).
 */
export function checkRangeEndingNow(from: Date | undefined, to: Date | undefined, fromName: string, toName: string, now = new Date()): void {
  checkRange(from, to, fromName, toName);
  if (from && !to && from.getTime() > now.getTime()) {
    throw badUserInput(`\`${fromName}\` must not be in the future: without \`${toName}\` the range ends now.`);
  }
}

const DAY_MS = 86_400_000;

/**
 * The longest range an Avaamo list or report reads: 366 days, 53 or 54
 * windows of the week grid. A page of a list reads only a few of them
 * (windowed-pagination.ts); reading one whole, cold (its totalCount, a
 * report) is about a minute of Avaamo's 50 calls per token.
 */
export const MAX_RANGE_DAYS = 366;

/** Rejects a range longer than `maxDays` whole days, give or take `slackDays` (`to` absent: it ends now). */
export function checkSpan(from: Date, to: Date | undefined, maxDays: number, fromName: string, toName: string, now = new Date(), slackDays = 0): void {
  if ((to ?? now).getTime() - from.getTime() > (maxDays + slackDays) * DAY_MS) {
    const ending = to ? '' : ` (without \`${toName}\`, the range ends now)`;
    throw badUserInput(`\`${fromName}\` and \`${toName}\` must be at most ${maxDays} days apart${ending}.`, { reason: 'RANGE_TOO_LONG' });
  }
}

/**
 * An Avaamo list's or report's range: at most MAX_RANGE_DAYS from `from`
 * (when given) to `to` or now, and a day: "a calendar year back" across a
 * leap day, from some hours ago, is 366 days and those hours. `now` is the
 * traversal's pin on its later pages (pinnedNow), so an open range that passed
 * on the first page is not refused on a later one as the clock moves.
 */
export function checkListSpan(from: Date | undefined, to: Date | undefined, fromName: string, toName: string, now = new Date()): void {
  if (from) checkSpan(from, to, MAX_RANGE_DAYS, fromName, toName, now, 1);
}

/** The instant a traversal reads the list as of: its pinned snapshot (epoch seconds), else now. */
export function pinnedNow(snapshot: number | null | undefined): Date {
  return typeof snapshot === 'number' ? new Date(snapshot * 1000) : new Date();
}
