import type { AvaamoAgentData, RocketChatRoom, SandboxDataset, VambeContactRecord } from './data.js';

/**
 * What the second tenant (credentials.ts, sandboxSecondTenant) sees, beside
 * the first. [I] One dataset, two views, as two accounts of one vendor
 * organisation would have:
 * - Avaamo: its user may view only the agent the first user may not (and
 *   that agent's token reads its messages);
 * - Vambe: its key reads a workspace with only the "Soporte" pipeline;
 * - Rocket.Chat: its user supervises one team, the rooms served by the
 *   first four agents.
 */
export const SECOND_TENANT_SUFFIX = ':second-tenant';

export const isSecondTenant = (credential: string) => credential.endsWith(SECOND_TENANT_SUFFIX);

export function avaamoUserMayView(credential: string, agent: AvaamoAgentData): boolean {
  return isSecondTenant(credential) ? !agent.userCanView : agent.userCanView;
}

export function vambeContactVisible(credential: string, record: VambeContactRecord, dataset: SandboxDataset): boolean {
  if (!isSecondTenant(credential)) return true;
  const support = dataset.vambe.pipelines.find((pipeline) => pipeline.name === 'Soporte');
  return record.pipelineId !== null && record.pipelineId === support?.id;
}

const TEAM_SIZE = 4;

export function rocketchatRoomVisible(credential: string, room: RocketChatRoom, dataset: SandboxDataset): boolean {
  if (!isSecondTenant(credential)) return true;
  const team = dataset.rocketchat.users.slice(0, TEAM_SIZE).map((user) => user._id);
  return room.servedBy !== undefined && team.includes(room.servedBy._id);
}
