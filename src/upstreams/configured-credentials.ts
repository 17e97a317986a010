import { credentialFingerprint } from '../http/request-key.js';
import type { UpstreamName } from '../http/errors.js';
import type { UpstreamRoute } from '../http/routes.js';
import { avaamoAuth } from './avaamo/client.js';
import { rocketchatAuth } from './rocketchat/client.js';
import type { UpstreamSettings } from './settings.js';
import { vambeAuth } from './vambe/client.js';

/** The credentials a route is called with from the configuration, as the fingerprints budgets key on. */
export interface ConfiguredRouteCredentials {
  upstream: UpstreamName;
  route: UpstreamRoute;
  /** Avaamo's messages route has one per agent (their tokens); every other route one. */
  credentials: readonly string[];
}

/**
 * Every route with the configured credentials it is called with (never a
 * caller's forwarded ones): what `cx_budget_tokens` reports on. Hashes only,
 * as the HTTP layer sees them.
 */
export function configuredRouteCredentials(upstreams: UpstreamSettings): ConfiguredRouteCredentials[] {
  const routes: ConfiguredRouteCredentials[] = [];
  const { avaamo, vambe, rocketchat } = upstreams;
  if (avaamo) {
    const user = avaamo.userToken === '' ? [] : [credentialFingerprint(avaamoAuth(avaamo.userToken))];
    for (const route of ['avaamo.agentDetails', 'avaamo.unhandledMessages', 'avaamo.smsReport', 'avaamo.postMessage'] as const) {
      routes.push({ upstream: 'avaamo', route, credentials: user });
    }
    routes.push({
      upstream: 'avaamo',
      route: 'avaamo.messages',
      credentials: avaamo.agents.map((agent) => credentialFingerprint(avaamoAuth(agent.accessToken))),
    });
  }
  if (vambe) routes.push({ upstream: 'vambe', route: 'vambe.contactsByStatus', credentials: [credentialFingerprint(vambeAuth(vambe.apiKey))] });
  if (rocketchat) {
    routes.push({ upstream: 'rocketchat', route: 'rocketchat.conversationsByAgent', credentials: [credentialFingerprint(rocketchatAuth(rocketchat))] });
  }
  return routes;
}
