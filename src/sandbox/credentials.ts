/**
 * The credentials the sandbox accepts. When the gateway runs on the sandbox it
 * uses exactly these, so a first run needs no accounts. They grant nothing
 * anywhere else.
 */
export const sandboxCredentials = {
  avaamoUserToken: 'sandbox-avaamo-user-token',
  /** One agent (bot) access token per simulated Avaamo agent, for GET /v1/messages.json. */
  avaamoAgents: [
    { id: 20457, accessToken: 'sandbox-agent-token-20457' },
    { id: 20458, accessToken: 'sandbox-agent-token-20458' },
    { id: 20511, accessToken: 'sandbox-agent-token-20511' },
    { id: 20602, accessToken: 'sandbox-agent-token-20602' },
    { id: 20733, accessToken: 'sandbox-agent-token-20733' },
  ],
  vambeApiKey: 'sandbox-vambe-api-key',
  rocketchatUserId: 'sandbox-rc-user-id',
  rocketchatAuthToken: 'sandbox-rc-auth-token',
} as const;

/** An agent that exists in the sandbox but that the sandbox user token may not view (403). */
export const sandboxRestrictedAgentId = 29999;

/**
 * A second tenant: other accounts on the same vendors, so two callers
 * forwarding their own credentials can be told apart by what they see
 * (src/sandbox/tenants.ts says what that is). They grant nothing elsewhere either.
 */
export const sandboxSecondTenant = {
  avaamoUserToken: 'sandbox-tenant-b-avaamo-user-token',
  /** Its one agent is the one the first tenant's user may not view. */
  avaamoAgents: [{ id: sandboxRestrictedAgentId, accessToken: 'sandbox-tenant-b-agent-token-29999' }],
  vambeApiKey: 'sandbox-tenant-b-vambe-api-key',
  rocketchatUserId: 'sandbox-tenant-b-rc-user-id',
  rocketchatAuthToken: 'sandbox-tenant-b-rc-auth-token',
} as const;
