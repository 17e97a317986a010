import { AVAAMO_MAX_PER_PAGE } from '../upstreams/avaamo/client.js';
import type { AvaamoList, PageAnswer } from '../upstreams/avaamo/lists.js';
import type { AvaamoPage } from '../upstreams/avaamo/types.js';
import { fromEpochSeconds } from '../upstreams/time.js';
import { agentNotServed, badUserInput } from './errors.js';
import type { CursorCodec } from './cursor-codec.js';
import { FreshnessTracker, type Freshness } from './freshness.js';
import type { Connection, DeferredConnection } from './lazy-connection.js';
import { parsePagingArgs, pinsOf, resolvePagedConnection, type ConnectionArgs } from './pagination.js';
import { checkListSpan, pinnedNow } from './time-range.js';
import { resolveWindowedConnection } from './windowed-pagination.js';

/** An Avaamo list entry with the agent it was read for (the agent is not in the wire shape). */
export interface AgentEntry<Wire> {
  agentId: number;
  wire: Wire;
}

/**
 * Avaamo has no get-by-id endpoints, so the local part of an entry's global
 * id carries what a refetch needs: the agent, the entry's uuid and its
 * creation time (epoch seconds as Avaamo sent them), which becomes a narrow
 * time window on the list endpoint.
 */
export interface EntryKey {
  agentId: number;
  uuid: string;
  createdAt: number;
}

export function formatEntryKey({ agentId, uuid, createdAt }: EntryKey): string {
  return `${agentId}:${uuid}:${createdAt}`;
}

export function parseEntryKey(id: string, typename: string): EntryKey {
  const [agent, uuid, created, ...rest] = id.split(':');
  const agentId = Number(agent);
  const createdAt = Number(created);
  // Epoch seconds between 1970 and 5138: anything else would turn into NaN or
  // nonsense bounds on the refetch request.
  const plausibleTime = createdAt > 0 && createdAt < 1e11;
  if (rest.length > 0 || !uuid || !Number.isSafeInteger(agentId) || agentId <= 0 || !plausibleTime) {
    throw badUserInput(`invalid ${typename} id`);
  }
  return { agentId, uuid, createdAt };
}

/** One page of an Avaamo list as a loader request: the grid is always Avaamo's largest page. */
export interface GridPage {
  page: number;
  perPage: number;
  /** The traversal's pinned `time_token`; absent on its first page. */
  snapshot?: number;
}

/**
 * Refetches one entry from the page of its list around its creation time; a
 * second either side absorbs rounding to whole seconds.
 */
export async function refetchEntry<Wire>(
  id: string,
  typename: string,
  servedAgentIds: readonly number[],
  loadWindow: (agentId: number, window: { from: Date; to: Date } & GridPage) => Promise<AvaamoPage<Wire>>,
  uuidOf: (wire: Wire) => string,
): Promise<AgentEntry<Wire> | null> {
  const key = parseEntryKey(id, typename);
  if (!servedAgentIds.includes(key.agentId)) throw agentNotServed(key.agentId);
  const page = await loadWindow(key.agentId, {
    from: fromEpochSeconds(key.createdAt - 1),
    to: fromEpochSeconds(key.createdAt + 1),
    page: 1,
    perPage: AVAAMO_MAX_PER_PAGE,
  });
  const wire = page.entries.find((entry) => uuidOf(entry) === key.uuid);
  return wire ? { agentId: key.agentId, wire } : null;
}

/** What a client can rely on when paging an Avaamo list: the description of its connection type. */
export function pinnedConnectionDescription(entries: string, caveat = ''): string {
  return (
    `A page of ${entries}. A traversal reads one snapshot: its first page (no cursor) pins Avaamo's server time of that ` +
    'answer into every cursor, and later pages read the list as it was then, so entries arriving meanwhile neither ' +
    `repeat nor shift pages, and totalCount stays the snapshot's. A new traversal sees the new entries.${caveat} ` +
    'A range over 7 days is read in windows of the UTC week grid (Monday 00:00 to Monday 00:00), newest first, as Avaamo ' +
    'recommends: both ends of the range are inclusive, a window holds its start and not its end (an entry exactly on a ' +
    "week line is in the newer week, once), a page reads only the windows it reaches, at most ceil(size / 100) + 2 pages " +
    '(past them it comes back short, or empty with a cursor to page on from, and says more may follow), and totalCount ' +
    "(every window's total, one request each for those the page did not read) only when selected. Its cursors carry " +
    'their window. A range is at most 366 days.'
  );
}

/** A connection with the freshness of what it read (`asOf`, `stale`). */
export type TrackedConnection<T> = (Connection<T> | DeferredConnection<T>) & { freshness: Freshness };

/** Avaamo's time_token of an answer, as epoch ms; null when it sent none. */
function upstreamTimeOf(page: Pick<AvaamoPage<unknown>, 'time_token'>): number | null {
  return typeof page.time_token === 'number' && Number.isFinite(page.time_token) ? page.time_token * 1000 : null;
}

/** Records a page's freshness: Avaamo's time of the answer, or its fetch. */
export function notePage(tracker: FreshnessTracker, answer: PageAnswer<unknown>): void {
  tracker.noteAnswer(answer, upstreamTimeOf(answer.value));
}

/**
 * A Relay connection over one of an agent's Avaamo lists, paged on Avaamo's
 * 100-entry grid and pinned to the `time_token` of its traversal's first
 * page: the whole range at once when it spans at most 7 days, else window by
 * window (windowed-pagination.ts). A traversal keeps the way it began: its
 * cursors say whether they count in a window.
 */
export async function agentEntryConnection<Wire>(options: {
  list: string;
  agentId: number;
  filters: Record<string, unknown>;
  args: ConnectionArgs;
  cursors: CursorCodec;
  source: AvaamoList<Wire>;
  /** The range, checked (checkListSpan) as of the traversal's pin, before any upstream call. */
  span: { from: Date | undefined; to: Date | undefined; names: readonly [string, string] };
}): Promise<TrackedConnection<AgentEntry<Wire>>> {
  const { list, agentId, filters, args, source, span } = options;
  const cursors = options.cursors.list(list, { agentId, ...filters });
  const paging = parsePagingArgs(args, cursors);
  const pins = pinsOf(paging);
  const pin = pins.find((each) => each.kind === 'snapshot' || each.kind === 'window');
  checkListSpan(span.from, span.to, span.names[0], span.names[1], pinnedNow(pin?.snapshot));
  const tracker = new FreshnessTracker();
  const toPage = (answer: PageAnswer<Wire>) => {
    notePage(tracker, answer);
    return {
      items: answer.value.entries.map((wire) => ({ agentId, wire })),
      total: answer.value.total_entries,
      snapshot: answer.value.time_token ?? null,
    };
  };
  const windowed = pins.length > 0 ? pins.some((pin) => pin.kind === 'window') : source.splitsNow;
  const connection = windowed
    ? await resolveWindowedConnection<AgentEntry<Wire>>({
        paging,
        cursors,
        pageSize: AVAAMO_MAX_PER_PAGE,
        windows: (snapshot) =>
          source.windows(snapshot).map((window) => ({ week: window.week, fetchPage: async (page, pin) => toPage(await window.page(page, pin)) })),
        startedAt: source.startedAt,
        watch: (work) => tracker.watch(work),
      })
    : await resolvePagedConnection<AgentEntry<Wire>>({
        args,
        paging,
        cursors,
        pageSize: AVAAMO_MAX_PER_PAGE,
        fetchPage: (page, snapshot) => tracker.watch(source.page(page, snapshot).then(toPage)),
      });
  return Object.assign(connection, { freshness: tracker });
}
