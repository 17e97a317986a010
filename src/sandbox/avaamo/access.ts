/**
 * Avaamo's auth: one `access-token` header, two token kinds (CONTRACTS §1), the
 * per-token rate limit, and its one documented error shape (`{"error": "…"}`).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { sandboxCredentials, sandboxSecondTenant } from '../credentials.js';
import { header, respond, type RouteResponse, type SandboxRequest, type SandboxState } from '../route.js';
import { SECOND_TENANT_SUFFIX, avaamoUserMayView } from '../tenants.js';
import type { AvaamoAgentData } from './types.js';

export function avaamoCredential(headers: IncomingHttpHeaders): string {
  const token = header(headers, 'access-token');
  if (token === undefined || token === '') return 'none';
  if (token === sandboxCredentials.avaamoUserToken) return 'avaamo-user';
  if (token === sandboxSecondTenant.avaamoUserToken) return `avaamo-user${SECOND_TENANT_SUFFIX}`;
  const agent = [...sandboxCredentials.avaamoAgents, ...sandboxSecondTenant.avaamoAgents].find((a) => a.accessToken === token);
  return agent ? `avaamo-agent:${agent.id}` : 'invalid';
}

export function isUserToken(credential: string): boolean {
  return credential === 'avaamo-user' || credential === `avaamo-user${SECOND_TENANT_SUFFIX}`;
}

export function agentByToken(headers: IncomingHttpHeaders, state: SandboxState): AvaamoAgentData | undefined {
  const token = header(headers, 'access-token');
  if (!token) return undefined;
  return Object.values(state.dataset.avaamo.agents).find((agent) => agent.accessToken === token);
}

/**
 * The user-token routes: token kind, then rate limit, then the agent, then the permission.
 * [I] the sandbox user may view and edit every agent except the restricted one (403 on all).
 */
export function userAccess(request: SandboxRequest, state: SandboxState): AvaamoAgentData | RouteResponse {
  const credential = avaamoCredential(request.headers);
  if (!isUserToken(credential)) return avaamoError(401, 'Invalid access token');
  const limited = rateLimit(request, state);
  if (limited) return limited;
  const id = request.params[0] ?? '';
  const agent = /^\d+$/.test(id) ? state.dataset.avaamo.agents[Number(id)] : undefined;
  if (!agent) return avaamoError(404, `Agent ${id} not found`);
  if (!avaamoUserMayView(credential, agent)) return avaamoError(403, 'You do not have view permission on this agent');
  return agent;
}

/** [I] Avaamo documents 50 calls a minute but no rejection; the sandbox answers 429 with Retry-After. */
export function rateLimit(request: SandboxRequest, state: SandboxState): RouteResponse | null {
  if (!state.limits) return null;
  const now = Date.now();
  const result = state.limits.avaamo.hit(avaamoCredential(request.headers), now);
  if (result.allowed) return null;
  const retryAfter = Math.max(1, Math.ceil((result.resetAt - now) / 1000));
  return respond(429, { error: 'Rate limit exceeded' }, { 'retry-after': String(retryAfter) });
}

export function avaamoError(status: number, message: string): RouteResponse {
  return respond(status, { error: message });
}
