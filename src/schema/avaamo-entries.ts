import { AVAAMO_MAX_PER_PAGE } from '../upstreams/avaamo/client.js';
import type { AvaamoPage } from '../upstreams/avaamo/types.js';
import { fromEpochSeconds } from '../upstreams/time.js';
import { agentNotServed, badUserInput } from './errors.js';
import type { CursorCodec } from './cursor-codec.js';
import { resolvePagedConnection, type ConnectionArgs } from './pagination.js';

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
    `repeat nor shift pages, and totalCount stays the snapshot's. A new traversal sees the new entries.${caveat}`
  );
}

/**
 * A Relay connection over one of an agent's Avaamo lists, paged on Avaamo's
 * 100-entry grid and pinned to the `time_token` of its traversal's first page.
 */
export function agentEntryConnection<Wire>(options: {
  list: string;
  agentId: number;
  filters: Record<string, unknown>;
  args: ConnectionArgs;
  cursors: CursorCodec;
  loadPage: (page: GridPage) => Promise<AvaamoPage<Wire>>;
}) {
  const { list, agentId, filters, args, cursors, loadPage } = options;
  return resolvePagedConnection<AgentEntry<Wire>>({
    args,
    cursors: cursors.list(list, { agentId, ...filters }),
    pageSize: AVAAMO_MAX_PER_PAGE,
    fetchPage: async (page, snapshot) => {
      const result = await loadPage({ page, perPage: AVAAMO_MAX_PER_PAGE, ...(snapshot === null ? {} : { snapshot }) });
      return {
        items: result.entries.map((wire) => ({ agentId, wire })),
        total: result.total_entries,
        snapshot: result.time_token ?? null,
      };
    },
  });
}
