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

/** Rejects a range longer than its upstream accepts (`maxDays` whole days). */
export function checkSpan(from: Date, to: Date, maxDays: number, fromName: string, toName: string): void {
  if (to.getTime() - from.getTime() > maxDays * 86_400_000) {
    throw badUserInput(`\`${fromName}\` and \`${toName}\` must be at most ${maxDays} days apart.`);
  }
}
