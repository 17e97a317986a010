import { sandboxCredentials } from './credentials.js';

/**
 * The environment of a gateway pointed at a sandbox in another process, as a
 * deployment would set it. The gateway then sees "real" upstreams, which need
 * API keys by default; a sandbox is open, so auth is off unless keys are set.
 */
export function sandboxGatewayEnv(sandboxUrl: string): Record<string, string> {
  return {
    SANDBOX: 'off',
    AVAAMO_BASE_URL: sandboxUrl,
    AVAAMO_USER_TOKEN: sandboxCredentials.avaamoUserToken,
    AVAAMO_AGENTS: JSON.stringify(sandboxCredentials.avaamoAgents),
    VAMBE_BASE_URL: sandboxUrl,
    VAMBE_API_KEY: sandboxCredentials.vambeApiKey,
    ROCKETCHAT_BASE_URL: sandboxUrl,
    ROCKETCHAT_USER_ID: sandboxCredentials.rocketchatUserId,
    ROCKETCHAT_AUTH_TOKEN: sandboxCredentials.rocketchatAuthToken,
    GATEWAY_AUTH: 'false',
  };
}
