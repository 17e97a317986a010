/**
 * The windows a range over 7 days is read in, as the README documents them:
 * the UTC week grid, Monday 00:00 to Monday 00:00. Tests derive what the
 * gateway should ask from this contract, not from its code.
 */
const DAY = 86_400_000;
export const WEEK = 7 * DAY;
/** A Monday 00:00 UTC. */
export const GRID_MONDAY = Date.UTC(2026, 10, 2);

/** The week lines strictly inside a range (epoch ms): where its windows meet. */
export function weekLinesWithin(from: number, to: number): number[] {
  const lines: number[] = [];
  for (let line = GRID_MONDAY + Math.ceil((from - GRID_MONDAY) / WEEK) * WEEK; line <= to; line += WEEK) if (line > from) lines.push(line);
  return lines;
}

/** How many windows a range is read in: the weeks of the grid it touches. */
export const weeksTouched = (from: number, to: number) => weekLinesWithin(from, to).length + 1;
