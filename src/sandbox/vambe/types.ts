/**
 * The sandbox's Vambe data in wire form: the exact JSON shapes Vambe sends (see
 * /work/shared/upstreams/CONTRACTS.md), so tests can compare gateway output with it.
 * Fields Vambe never sends (last inbound time, pipeline) sit beside the wire objects,
 * never inside them.
 */

export type VambePlatform = 'whatsapp' | 'playground' | 'instagram' | 'webchat' | 'web-whatsapp' | 'messenger' | 'sms';
export type VambeChatStatus = 'UNATTENDED' | 'ATTENDED' | 'AI_ATTENDED' | 'AI_AWAY';

export interface VambeAssignedAgent {
  agent_id: string;
  agent_name: string;
}

/** A contact as sent, minus `waiting_time`, which is computed at request time. */
export interface VambeContactBase {
  id: string;
  name: string;
  created_at: string;
  platform: VambePlatform;
  chat_status: VambeChatStatus;
  active_ticket_v2: { id: string; current_stage_id: string | null } | null;
  assigned_agents: VambeAssignedAgent[];
}

export interface VambeContact extends VambeContactBase {
  waiting_time: number;
}

export interface VambeContactRecord {
  contact: VambeContactBase;
  /** The pipeline of the active ticket (what `pipelineId` filters on); null without a ticket. */
  pipelineId: string | null;
  /** Epoch ms of the contact's last inbound message; null when it never wrote. */
  lastInboundAt: number | null;
}

export interface VambePipeline {
  id: string;
  name: string;
  stages: { id: string; name: string }[];
}

export interface VambeDataset {
  contacts: VambeContactRecord[];
  teamMembers: VambeAssignedAgent[];
  pipelines: VambePipeline[];
}
