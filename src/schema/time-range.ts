import { badUserInput } from './errors.js';

/**
 * Rejects an inverted range before it reaches an upstream that would answer
 * it with a silently empty list.
 */
export function checkRange(from: Date | undefined, to: Date | undefined, fromName: string, toName: string): void {
  if (from && to && to.getTime() < from.getTime()) {
    throw badUserInput(`\`${toName}\` must not be before \`${fromName}\`.`);
  }
}
