import { sandboxCredentials } from '../../src/sandbox/credentials.js';
import type { AvaamoAgentData } from '../../src/sandbox/data.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';

/** A fixed anchor, so every test file sees the same dataset for a seed. */
export const NOW = Date.UTC(2025, 5, 15, 12, 0, 0);
export const DAY_S = 86_400;

export const userHeaders = { 'access-token': sandboxCredentials.avaamoUserToken };
export const vambeHeaders = { 'x-api-key': sandboxCredentials.vambeApiKey };
export const rocketchatHeaders = {
  'x-user-id': sandboxCredentials.rocketchatUserId,
  'x-auth-token': sandboxCredentials.rocketchatAuthToken,
};

export function agentHeaders(agentId: number): Record<string, string> {
  const agent = sandboxCredentials.avaamoAgents.find((a) => a.id === agentId);
  if (!agent) throw new Error(`no sandbox token for agent ${agentId}`);
  return { 'access-token': agent.accessToken };
}

export interface JsonResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** Calls the sandbox and parses the JSON body; the caller names the shape it expects. */
export async function call<T = Record<string, unknown>>(
  sandbox: Sandbox,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<JsonResponse<T>> {
  const response = await fetch(`${sandbox.url}${path}`, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) as T };
}

export function query(params: Record<string, string | number | boolean>): string {
  return new URLSearchParams(Object.entries(params).map(([key, value]) => [key, String(value)])).toString();
}

export interface AvaamoPage<T> {
  current_page: number;
  per_page: number;
  total_entries: number;
  total_pages: number;
  time_token: number;
  entries: T[];
}

/** A sandbox anchored at NOW and the dataset of one of its Avaamo agents. */
export async function startWithAgent(agentId: number): Promise<{ sandbox: Sandbox; agent: AvaamoAgentData }> {
  const sandbox = await startSandbox({ now: NOW });
  const agent = sandbox.dataset.avaamo.agents[agentId];
  if (!agent) throw new Error(`agent ${agentId} missing from dataset`);
  return { sandbox, agent };
}
