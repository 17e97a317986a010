/** How the gateway reaches each upstream: its base URL and the configured credentials. */

export interface AvaamoAgentCredential {
  id: number;
  accessToken: string;
}
export interface AvaamoSettings {
  baseUrl: string;
  userToken: string;
  /** The agents this gateway serves; each token reads that agent's messages. */
  agents: readonly AvaamoAgentCredential[];
}
export interface VambeSettings {
  baseUrl: string;
  apiKey: string;
}
export interface RocketChatSettings {
  baseUrl: string;
  userId: string;
  authToken: string;
}
/** `null` means the upstream is not configured: its fields answer UPSTREAM_NOT_CONFIGURED. */
export interface UpstreamSettings {
  avaamo: AvaamoSettings | null;
  vambe: VambeSettings | null;
  rocketchat: RocketChatSettings | null;
}
