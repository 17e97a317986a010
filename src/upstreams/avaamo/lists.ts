import type { Answer } from '../../http/client.js';
import type { RequestLoader } from '../request-loader.js';
import { AVAAMO_MAX_PER_PAGE, lowerBoundOf, type PageRequest, type SmsReportRequest, type UnhandledMessagesRequest } from './client.js';
import type { AgentMessagesRequest } from './loaders.js';
import type { AgentMessageWire, AvaamoPage, SmsReportEntryWire, UnhandledMessageWire } from './types.js';
import { isSettled, spansWindows, splitRange, type ListRange, type TimeWindow } from './windows.js';

/** One upstream page with how fresh it is. */
export type PageAnswer<Wire> = Answer<AvaamoPage<Wire>>;

/** A list's pages on Avaamo's 100-entry grid; `snapshot` is the traversal's pin (null: none yet). */
export interface PagedSegment<Wire> {
  page(page: number, snapshot: number | null): Promise<PageAnswer<Wire>>;
}

export interface ListWindow<Wire> extends PagedSegment<Wire> {
  /** Its week of the grid (windows.ts), which a cursor names it by. */
  week: number;
}

/**
 * One of an agent's Avaamo date-range lists as the schema reads it: the whole
 * range as one request when it spans at most 7 days (or has no range at
 * all), else in windows of the week grid. Reading windows is decided here,
 * below the schema, so every list and summary gets it.
 */
export interface AvaamoList<Wire> extends PagedSegment<Wire> {
  /** Whether a traversal starting now reads this list in windows (its cursors then carry the window). */
  readonly splitsNow: boolean;
  /** The windows, newest first, as a traversal pinned at `snapshot` sees them (null: as of now). */
  windows(snapshot: number | null): ListWindow<Wire>[];
  /** The pin of a traversal whose first answer carried no time_token: when the traversal began (epoch seconds). */
  readonly startedAt: number;
}

interface ListSpec<Filters, Request> {
  /** The range the filters cover (epoch ms), null when they have none to split (Avaamo's default windows). */
  range(filters: Filters): ListRange | null;
  /** The request of one page; `window` narrows it to one window. */
  request(filters: Filters, page: PageRequest, window: TimeWindow | null): Request;
}

const ms = (date: Date | undefined) => (date ? date.getTime() : null);
const date = (value: number | null) => (value === null ? undefined : new Date(value));

/** The window's bounds in place of the caller's: the newest keeps its `to` (or none), the others end where the next begins. */
function windowBounds(window: TimeWindow) {
  return { from: new Date(window.from), to: date(window.to), before: date(window.before) };
}

type MessagesFilters = Omit<AgentMessagesRequest, keyof PageRequest>;
type SmsFilters = Omit<SmsReportRequest, keyof PageRequest>;
type UnhandledFilters = Omit<UnhandledMessagesRequest, keyof PageRequest>;

/** The range messages or SMS bounded by `from`/`to` cover, as the client reads them (lowerBoundOf); null with neither bound. */
export function boundedRange(from: Date | undefined, to: Date | undefined): ListRange | null {
  const lower = lowerBoundOf(from, to);
  return lower ? { from: lower.getTime(), to: ms(to) } : null;
}

/** A page of a list bounded by `from`/`to`, narrowed to `window` when it is read in windows. */
function fromToRequest<Filters extends { from?: Date; to?: Date }>(filters: Filters, page: PageRequest, window: TimeWindow | null): Filters & PageRequest {
  return window ? { ...filters, ...page, ...windowBounds(window) } : { ...filters, ...page };
}

const messagesSpec: ListSpec<MessagesFilters, AgentMessagesRequest> = {
  range: ({ since, until }) => boundedRange(since, until),
  request: (filters, page, window) => {
    if (!window) return { ...filters, ...page };
    const { from, to, before } = windowBounds(window);
    return { ...filters, ...page, since: from, until: to, before };
  },
};

const smsSpec: ListSpec<SmsFilters, SmsReportRequest> = { range: ({ from, to }) => boundedRange(from, to), request: fromToRequest };

/** The range unhandled messages from `from` cover; without `from`, Avaamo's own default (the 3 days before `to`) never needs windows. */
export function unhandledRange(from: Date | undefined, to: Date | undefined): ListRange | null {
  return from ? { from: from.getTime(), to: ms(to) } : null;
}

const unhandledSpec: ListSpec<UnhandledFilters, UnhandledMessagesRequest> = { range: ({ from, to }) => unhandledRange(from, to), request: fromToRequest };

function createList<Filters, Request, Wire>(
  spec: ListSpec<Filters, Request>,
  filters: Filters,
  loader: RequestLoader<Request, AvaamoPage<Wire>>,
  now: number,
): AvaamoList<Wire> {
  const range = spec.range(filters);
  const slot = (page: number, snapshot: number | null, past: boolean): PageRequest => ({
    page,
    perPage: AVAAMO_MAX_PER_PAGE,
    ...(snapshot === null ? {} : { snapshot }),
    ...(past ? { past } : {}),
  });
  // A range that ended an hour ago is as settled as any past window.
  const wholeIsPast = range !== null && range.to !== null && isSettled({ to: range.to, before: null }, now);
  return {
    splitsNow: range !== null && spansWindows(range, now),
    startedAt: now / 1000,
    page: (page, snapshot) => loader.read(spec.request(filters, slot(page, snapshot, wholeIsPast), null)),
    windows: (snapshot) => {
      if (range === null) throw new TypeError('a list without a range has no windows');
      return splitRange(range, snapshot === null ? now : snapshot * 1000).map((window) => ({
        week: window.week,
        page: (page, pin) => loader.read(spec.request(filters, slot(page, pin, isSettled(window, now)), window)),
      }));
    },
  };
}

/** The three date-range lists of one request's Avaamo loaders; `now` is read once per request. */
export function createAvaamoLists(
  loaders: {
    messagesPage: RequestLoader<AgentMessagesRequest, AvaamoPage<AgentMessageWire>>;
    smsReportPage: RequestLoader<SmsReportRequest, AvaamoPage<SmsReportEntryWire>>;
    unhandledMessagesPage: RequestLoader<UnhandledMessagesRequest, AvaamoPage<UnhandledMessageWire>>;
  },
  now: () => number = Date.now,
) {
  return {
    messages: (filters: MessagesFilters) => createList(messagesSpec, filters, loaders.messagesPage, now()),
    smsReport: (filters: SmsFilters) => createList(smsSpec, filters, loaders.smsReportPage, now()),
    unhandledMessages: (filters: UnhandledFilters) => createList(unhandledSpec, filters, loaders.unhandledMessagesPage, now()),
  };
}
