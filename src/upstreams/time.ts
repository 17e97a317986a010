/**
 * Unit conversion at the upstream boundary (CONTRACTS.md §7): clients turn
 * Dates into each endpoint's unit with these, and the schema reads Avaamo's
 * epoch seconds back with fromEpochSeconds. Nothing else does unit math.
 */

/** Whole epoch seconds; `round` widens a range bound outward so nothing inside it is cut off. */
export function toEpochSeconds(date: Date, round: 'down' | 'up'): number {
  const seconds = date.getTime() / 1000;
  return round === 'down' ? Math.floor(seconds) : Math.ceil(seconds);
}

export function toEpochMicros(date: Date): number {
  return date.getTime() * 1000;
}

/** Avaamo's `created_at` is sometimes an integer, sometimes a float: both are seconds. */
export function fromEpochSeconds(seconds: number): Date {
  return new Date(Math.round(seconds * 1000));
}
