import type { Caller } from './auth/callers.js';
import { withForwardedCredentials } from './auth/forwarded-credentials.js';
import type { UpstreamSettings } from './upstreams/settings.js';
import type { HttpClient } from './http/client.js';
import type { Deadline } from './http/deadline.js';
import { createUpstreamReads, type UpstreamReads } from './http/upstream-reads.js';
import { createUpstreamStats, type UpstreamStats } from './http/upstream-stats.js';
import { createPendingWrites, type PendingWrites } from './pending-writes.js';
import { createQueueAccess, type LiveQueue, type QueueAccess } from './queue/access.js';
import type { CursorCodec } from './schema/cursor-codec.js';
import type { TraversalStore } from './schema/traversal-store.js';
import { createAvaamoClient, type AvaamoClient } from './upstreams/avaamo/client.js';
import { createAvaamoLoaders, type AvaamoLoaders } from './upstreams/avaamo/loaders.js';
import { createRocketChatClient, type RocketChatClient } from './upstreams/rocketchat/client.js';
import { createRocketChatLoaders, type RocketChatLoaders } from './upstreams/rocketchat/loaders.js';
import { createVambeClient, type VambeClient } from './upstreams/vambe/client.js';
import { createVambeLoaders, type VambeLoaders } from './upstreams/vambe/loaders.js';

/** Process-wide and caller-agnostic: one per gateway. */
export interface UpstreamClients {
  avaamo: AvaamoClient | null;
  vambe: VambeClient | null;
  rocketchat: RocketChatClient | null;
}

export function createUpstreamClients(upstreams: UpstreamSettings): UpstreamClients {
  return {
    avaamo: upstreams.avaamo && createAvaamoClient(upstreams.avaamo.baseUrl),
    vambe: upstreams.vambe && createVambeClient(upstreams.vambe.baseUrl),
    rocketchat: upstreams.rocketchat && createRocketChatClient(upstreams.rocketchat.baseUrl),
  };
}

/** Process-wide, like the secret and the traversals they hold: cursors made by one request are read by the next. */
export type Paging = Readonly<{
  cursors: CursorCodec;
  traversals: TraversalStore;
  /** The most entries a report reads through a whole range (MAX_REPORT_ENTRIES): stats, clusters, filters Avaamo cannot apply. */
  maxReportEntries: number;
}>;

export type Context = Readonly<{
  caller: Caller;
  /** The Avaamo agents this gateway serves, in configuration order. */
  agentIds: readonly number[];
  /** What this request cost upstream (`extensions.upstream`). */
  upstreamStats: UpstreamStats;
  /** What this request read through the cross-request cache: what a cached response of it depends on. */
  upstreamReads: UpstreamReads;
  /** Released once the operation's result is in (plugins/use-deadline-release.ts). */
  deadline: Deadline;
  /** The operation's cursors and traversals; a traversal page it records is written before its response goes out. */
  paging: Paging;
  pendingWrites: PendingWrites;
  /** The live queue with this request's Vambe credential, as its caller. */
  queue: QueueAccess;
  loaders: Readonly<{
    avaamo: AvaamoLoaders;
    vambe: VambeLoaders;
    rocketchat: RocketChatLoaders;
  }>;
}>;

export interface RequestScope {
  caller: Caller;
  /** The request's headers when callers may forward their own upstream credentials (FORWARD_UPSTREAM_CREDENTIALS). */
  forwardedFrom: Headers | null;
  /** The operation's deadline: every upstream call of the request ends by it. */
  deadline: Deadline;
  /** Whom per-caller limits count (auth/callers.ts callerKey). */
  callerKey: string;
  /** Forwarded upstream as `x-request-id` with every call it causes. */
  requestId?: string | undefined;
}

/**
 * One per GraphQL request: loaders memoise within it and never across
 * callers, are bound to this request's credentials (forwarded or configured),
 * which every request key hashes, count into its stats, and end by its
 * deadline.
 */
export function createContext(
  gatewayHttp: HttpClient,
  clients: UpstreamClients,
  configured: UpstreamSettings,
  paging: Paging,
  live: LiveQueue,
  { caller, forwardedFrom, deadline, callerKey, requestId }: RequestScope,
): Context {
  const upstreams = forwardedFrom ? withForwardedCredentials(configured, forwardedFrom) : configured;
  const upstreamStats = createUpstreamStats();
  const upstreamReads = createUpstreamReads();
  const http = gatewayHttp.forOperation({ stats: upstreamStats, deadline, reads: upstreamReads, ...(requestId ? { requestId } : {}) });
  const pendingWrites = createPendingWrites();
  const { traversals } = paging;
  return {
    caller,
    agentIds: upstreams.avaamo?.agents.map((agent) => agent.id) ?? [],
    upstreamStats,
    upstreamReads,
    deadline,
    paging: {
      ...paging,
      traversals: { record: (page) => traversals.record(page, pendingWrites.add), load: (id) => traversals.load(id) },
    },
    pendingWrites,
    queue: createQueueAccess(live, clients.vambe, upstreams.vambe, callerKey),
    loaders: {
      avaamo: createAvaamoLoaders(http, clients.avaamo, upstreams.avaamo),
      vambe: createVambeLoaders(http, clients.vambe, upstreams.vambe),
      rocketchat: createRocketChatLoaders(http, clients.rocketchat, upstreams.rocketchat),
    },
  };
}
