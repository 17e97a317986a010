/** How the Avaamo routes read their query: epochs in any unit, dates, time ranges, pages, phones. */
import { single, type RouteResponse } from '../route.js';
import { DAY_MS, epochToSeconds } from '../time.js';
import { avaamoError } from './access.js';

const DEFAULT_PER_PAGE = 25;
const MAX_PER_PAGE = 100;

/** [I] an empty or repeated parameter counts as absent (Rails `present?`), so `?status=` filters nothing. */
export function optional(query: URLSearchParams, name: string): string | null {
  const value = single(query, name);
  return value ? value : null;
}

/** An epoch parameter in the caller's unit (any magnitude), converted; null when absent, undefined when not a number. */
export function epochParam(query: URLSearchParams, name: string, convert: (value: number) => number): number | null | undefined {
  const raw = optional(query, name);
  if (raw === null) return null;
  return /^\d+(\.\d+)?$/.test(raw) ? convert(Number(raw)) : undefined;
}

export function badEpoch(name: string): RouteResponse {
  // [I] a non-numeric timetoken is a 422 rather than silently ignored.
  return avaamoError(422, `${name} must be a UNIX epoch timestamp`);
}

/**
 * Unhandled messages take timetokens (any unit) or `from_date`/`to_date` (dd/mm/yyyy, local
 * to `utc_offset` seconds); the default window is the 3 days ending at `to` (now by default).
 * Result in epoch seconds. [I] timetokens win over dates; `to_date` includes its whole day.
 */
export function unhandledRange(query: URLSearchParams, clockMs: number): { from: number; to: number } | RouteResponse {
  const offsetRaw = optional(query, 'utc_offset') ?? '0';
  if (!/^[+-]?\d+$/.test(offsetRaw)) return avaamoError(422, 'utc_offset must be a number of seconds');
  const offset = Number(offsetRaw);
  const fromToken = epochParam(query, 'from_timetoken', epochToSeconds);
  const toToken = epochParam(query, 'to_timetoken', epochToSeconds);
  if (fromToken === undefined || toToken === undefined) return badEpoch(fromToken === undefined ? 'from_timetoken' : 'to_timetoken');
  const fromDate = dateParam(query, 'from_date', offset, 0);
  const toDate = dateParam(query, 'to_date', offset, 1);
  if (fromDate === undefined || toDate === undefined) {
    return avaamoError(422, `${fromDate === undefined ? 'from_date' : 'to_date'} must be a date in dd/mm/yyyy format`);
  }
  const to = toToken ?? toDate ?? clockMs / 1000;
  const from = fromToken ?? fromDate ?? to - (3 * DAY_MS) / 1000;
  return { from, to };
}

/** A dd/mm/yyyy day in the caller's zone, as epoch seconds: its start, or (dayShift 1) its last second. */
function dateParam(query: URLSearchParams, name: string, utcOffsetSeconds: number, dayShift: 0 | 1): number | null | undefined {
  const raw = optional(query, name);
  if (raw === null) return null;
  const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(raw);
  if (!match) return undefined;
  const [day, month, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const startMs = Date.UTC(year, month - 1, day);
  const check = new Date(startMs);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return undefined;
  return (startMs + dayShift * DAY_MS) / 1000 - dayShift - utcOffsetSeconds;
}

/**
 * The time filter shared by GET messages and the SMS report (both newest first):
 * only an upper bound → the latest `latestCount` entries up to it; only a lower bound → up to now;
 * both → that range, inclusive. [I] an inverted range selects nothing (no error).
 */
export function selectRange<T>(
  entries: readonly T[],
  timeOf: (entry: T) => number,
  since: number | null,
  until: number | null,
  now: number,
  latestCount: number,
): T[] {
  if (since === null && until === null) return [...entries];
  if (since === null && until !== null) return entries.filter((e) => timeOf(e) <= until).slice(0, latestCount);
  const upper = until ?? now;
  return entries.filter((e) => timeOf(e) >= (since ?? 0) && timeOf(e) <= upper);
}

/** [I] a page below 1 or not an integer falls back to 1; per_page is clamped to 1..100 (25 when not a number). */
export function page<T>(entries: readonly T[], query: URLSearchParams, nowMs: number) {
  const pageNumber = Math.max(1, integer(optional(query, 'page')) ?? 1);
  const perPage = Math.min(MAX_PER_PAGE, Math.max(1, integer(optional(query, 'per_page')) ?? DEFAULT_PER_PAGE));
  const start = (pageNumber - 1) * perPage;
  return {
    current_page: pageNumber,
    per_page: perPage,
    total_entries: entries.length,
    total_pages: Math.ceil(entries.length / perPage),
    time_token: nowMs / 1000,
    entries: entries.slice(start, start + perPage),
  };
}

function integer(raw: string | null): number | null {
  return raw !== null && /^[+-]?\d{1,15}$/.test(raw) ? Number(raw) : null;
}

/** [I] phones compare on their digits and a leading +, so "+1(123) 456-7890" matches "+11234567890". */
export function samePhone(stored: string, wanted: string): boolean {
  return normalizePhone(stored) === normalizePhone(wanted);
}

function normalizePhone(phone: string): string {
  const trimmed = phone.trim();
  return (trimmed.startsWith('+') ? '+' : '') + trimmed.replace(/\D/g, '');
}
