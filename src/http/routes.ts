import type { UpstreamName } from './errors.js';

/**
 * Every upstream route the gateway calls, named once: cache TTLs, budgets and
 * the per-route counts of `extensions.upstream` are all keyed by these names.
 */
export const upstreamRoutes = {
  'avaamo.agentDetails': 'avaamo',
  'avaamo.unhandledMessages': 'avaamo',
  'avaamo.messages': 'avaamo',
  'avaamo.smsReport': 'avaamo',
  // The same endpoints for windows wholly in the past (upstreams/avaamo/windows.ts): their own TTL.
  'avaamo.unhandledMessages.past': 'avaamo',
  'avaamo.messages.past': 'avaamo',
  'avaamo.smsReport.past': 'avaamo',
  'avaamo.postMessage': 'avaamo',
  'vambe.contactsByStatus': 'vambe',
  'rocketchat.conversationsByAgent': 'rocketchat',
} as const satisfies Record<string, UpstreamName>;

export type UpstreamRoute = keyof typeof upstreamRoutes;

export const upstreamRouteNames = Object.keys(upstreamRoutes) as UpstreamRoute[];
