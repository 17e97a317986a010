import { createGraphQLError } from 'graphql-yoga';
import type { AvaamoAgentCredential, UpstreamSettings } from '../upstreams/settings.js';

/** The request headers a caller may send its own upstream credentials in (FORWARD_UPSTREAM_CREDENTIALS=true). */
export const forwardedCredentialHeaders = {
  avaamoUserToken: 'x-avaamo-access-token',
  /** `<agentId>=<token>` pairs, comma-separated: Avaamo has one token per agent. */
  avaamoAgentTokens: 'x-avaamo-agent-token',
  vambeApiKey: 'x-vambe-api-key',
  rocketchatUserId: 'x-rocketchat-user-id',
  rocketchatAuthToken: 'x-rocketchat-auth-token',
} as const;

/** What a request forwards, header by header ('' for each it does not send): which credentials its operations use besides the configured ones. */
export function forwardedCredentialValues(headers: Pick<Headers, 'get'>): string[] {
  return Object.values(forwardedCredentialHeaders).map((name) => headers.get(name) ?? '');
}

/**
 * The configured upstream settings with the caller's own credentials in
 * place of the configured ones, upstream by upstream: an upstream the caller
 * sends credentials for uses only those (never a mix with the configured
 * ones, so a tenant never reads with the deployment's tokens by accident);
 * the others keep the configuration. Base URLs are never the caller's to set.
 */
export function withForwardedCredentials(configured: UpstreamSettings, headers: Headers): UpstreamSettings {
  const value = (name: string) => {
    const raw = headers.get(name);
    return raw === null || raw.trim() === '' ? undefined : raw.trim();
  };
  const h = forwardedCredentialHeaders;
  const userToken = value(h.avaamoUserToken);
  const agentTokens = value(h.avaamoAgentTokens);
  const vambeKey = value(h.vambeApiKey);
  const rcUser = value(h.rocketchatUserId);
  const rcToken = value(h.rocketchatAuthToken);
  if ((rcUser === undefined) !== (rcToken === undefined)) {
    throw badHeader(`${h.rocketchatUserId} and ${h.rocketchatAuthToken} go together: send both or neither.`);
  }
  const { avaamo, vambe, rocketchat } = configured;
  return {
    avaamo:
      avaamo && (userToken !== undefined || agentTokens !== undefined)
        ? { baseUrl: avaamo.baseUrl, userToken: userToken ?? '', agents: parseAgentTokens(agentTokens) }
        : avaamo,
    vambe: vambe && vambeKey !== undefined ? { baseUrl: vambe.baseUrl, apiKey: vambeKey } : vambe,
    rocketchat:
      rocketchat && rcUser !== undefined && rcToken !== undefined
        ? { baseUrl: rocketchat.baseUrl, userId: rcUser, authToken: rcToken }
        : rocketchat,
  };
}

function parseAgentTokens(header: string | undefined): AvaamoAgentCredential[] {
  if (header === undefined) return [];
  const agents: AvaamoAgentCredential[] = [];
  for (const pair of header.split(',')) {
    const at = pair.indexOf('=');
    const id = Number(pair.slice(0, at).trim());
    const accessToken = pair.slice(at + 1).trim();
    if (at < 1 || !Number.isSafeInteger(id) || id <= 0 || accessToken === '' || agents.some((agent) => agent.id === id)) {
      throw badHeader(`${forwardedCredentialHeaders.avaamoAgentTokens} must be comma-separated <agentId>=<token> pairs, one per agent.`);
    }
    agents.push({ id, accessToken });
  }
  return agents;
}

function badHeader(message: string) {
  return createGraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
}
