export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
/** Every generated Vambe and Rocket.Chat timestamp lies within this span before the dataset's `now`. */
export const DATA_WINDOW_MS = 30 * DAY_MS;
/**
 * Avaamo's messages, unhandled queries and SMS reach back this far: long
 * ranges span many of Avaamo's recommended 7-day windows.
 */
export const AVAAMO_HISTORY_MS = 120 * DAY_MS;

/**
 * Avaamo's pages disagree on epoch units (CONTRACTS §7.1), so the sandbox reads any
 * magnitude: 10-digit seconds, 13-digit milliseconds, 16-digit microseconds.
 * Each converter maps straight to its unit, so a value already in that unit passes unchanged.
 */
export function epochToSeconds(value: number): number {
  const magnitude = Math.abs(value);
  if (magnitude < 1e11) return value;
  if (magnitude < 1e14) return value / 1e3;
  return value / 1e6;
}

export function epochToMicros(value: number): number {
  const magnitude = Math.abs(value);
  if (magnitude < 1e11) return Math.round(value * 1e6);
  if (magnitude < 1e14) return Math.round(value * 1e3);
  return Math.round(value);
}

/** Epoch ms as epoch seconds with millisecond decimals, as many Avaamo timestamps are sent. */
export function floatSeconds(ms: number): number {
  return Math.round(ms) / 1000;
}

/** `dd-mm-yyyy` (UTC), as the vendor's SMS example prints dates. */
export function formatDay(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCDate())}-${pad(d.getUTCMonth() + 1)}-${d.getUTCFullYear()}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
