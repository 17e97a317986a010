import type { UpstreamSettings } from './config.js';
import type { HttpClient } from './http/client.js';
import type { Deadline } from './http/deadline.js';
import { createUpstreamStats, type UpstreamStats } from './http/upstream-stats.js';
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

export type Context = Readonly<{
  /** The Avaamo agents this gateway serves, in configuration order. */
  agentIds: readonly number[];
  /** What this request cost upstream (`extensions.upstream`). */
  upstreamStats: UpstreamStats;
  loaders: Readonly<{
    avaamo: AvaamoLoaders;
    vambe: VambeLoaders;
    rocketchat: RocketChatLoaders;
  }>;
}>;

/**
 * One per GraphQL request: loaders memoise within it and never across callers,
 * its upstream calls count into its stats, and every one of them ends by the
 * operation's deadline.
 */
export function createContext(
  gatewayHttp: HttpClient,
  clients: UpstreamClients,
  upstreams: UpstreamSettings,
  deadline: Deadline,
): Context {
  const upstreamStats = createUpstreamStats();
  const http = gatewayHttp.forOperation({ stats: upstreamStats, deadline });
  return {
    agentIds: upstreams.avaamo?.agents.map((agent) => agent.id) ?? [],
    upstreamStats,
    loaders: {
      avaamo: createAvaamoLoaders(http, clients.avaamo, upstreams.avaamo),
      vambe: createVambeLoaders(http, clients.vambe, upstreams.vambe),
      rocketchat: createRocketChatLoaders(http, clients.rocketchat, upstreams.rocketchat),
    },
  };
}
