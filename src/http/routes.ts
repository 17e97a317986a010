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
  'avaamo.postMessage': 'avaamo',
  'vambe.contactsByStatus': 'vambe',
  'rocketchat.conversationsByAgent': 'rocketchat',
} as const satisfies Record<string, UpstreamName>;

export type UpstreamRoute = keyof typeof upstreamRoutes;

export const upstreamRouteNames = Object.keys(upstreamRoutes) as UpstreamRoute[];
