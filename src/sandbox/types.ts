/**
 * The sandbox dataset, in wire form: the exact JSON shapes the vendors send (see
 * /work/shared/upstreams/CONTRACTS.md), so tests can compare gateway output with it.
 * Fields the vendors never send (last inbound time, pipeline, device records) sit
 * beside the wire objects, never inside them.
 */

// ---- Avaamo -----------------------------------------------------------------

export interface AvaamoUser {
  first_name: string;
  last_name: string;
  layer_id: string;
  email: string | null;
  phone: string[] | null;
  avatar: boolean;
  avatar_updated_at: number | null;
  avaamo_id: number;
}

/** Added to a user object only when `device_info=true` (tracked per user, not per message). */
export interface AvaamoDeviceInfo {
  user_agent: string | null;
  os_name: string;
  zone_offset: number;
  utc_offset: number;
  time_zone: string | null;
}

export interface AvaamoConversationRef {
  uuid: string;
  mode: boolean;
  display_name: string;
  locale: string | null;
}

export interface AvaamoReadAck {
  read_at: number;
  user: AvaamoUser;
}

export interface AvaamoMessage {
  uuid: string;
  content: string;
  content_type: string;
  created_at: number;
  user: AvaamoUser;
  timetoken: number;
  external_source: string | null;
  device_uuid: string;
  request_message_uuid: string | null;
  sequence: string | null;
  custom_properties: Record<string, unknown>;
  agent_message_uuid: string | null;
  read_acks: AvaamoReadAck[];
  attachments: unknown[];
  conversation: AvaamoConversationRef;
}

export interface AvaamoUnhandledMessage {
  message_uuid: string;
  score: number;
  content: string;
  intent_type: string;
  channel_name: string;
  created_at: number;
  user: { first_name: number };
  intent_name: string;
}

export type SmsStatus = 'sent' | 'failed' | 'delivered' | 'undelivered';

export interface AvaamoSmsRecord {
  uuid: string;
  from_phone: string;
  to_phone: string;
  message: string;
  created_at: number;
  sms_status: SmsStatus;
  sms_status_response?: string;
}

export interface AvaamoSkill {
  id: number;
  name: string;
  type: string;
  source_id: number | null;
  created_at: number;
  updated_at: number;
  status: string;
}

export interface AvaamoAgentDetails {
  id: number;
  description: string;
  display_name: string;
  created_at: number;
  updated_at: number;
  entities: unknown[];
  entity_types: unknown[];
  dictionaries: unknown[];
  skills: AvaamoSkill[];
  information_masking: Record<string, unknown>;
  language_packs: { id: number; language: string; default: boolean }[];
}

/** A conversation between one end user and the agent; the target of POST messages. */
export interface AvaamoConversation extends AvaamoConversationRef {
  channel_name: string;
  device_uuid: string;
  user: AvaamoUser;
}

export interface AvaamoAgentData {
  details: AvaamoAgentDetails;
  /** The agent access token for GET /v1/messages.json; null when the sandbox issues none. */
  accessToken: string | null;
  /** Whether the sandbox user token may view (and edit) this agent. */
  userCanView: boolean;
  /** The agent itself as the sender of its responses. */
  botUser: AvaamoUser;
  /** Newest first; POSTed messages are prepended. */
  messages: AvaamoMessage[];
  /** Newest first. */
  unhandledMessages: AvaamoUnhandledMessage[];
  /** Newest first. */
  smsRecords: AvaamoSmsRecord[];
  conversations: AvaamoConversation[];
  /** Device details by `avaamo_id`, merged into user objects when `device_info=true`. */
  devices: Record<number, AvaamoDeviceInfo>;
}

// ---- Vambe ------------------------------------------------------------------

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

// ---- Rocket.Chat ------------------------------------------------------------

export interface RocketChatRoom {
  _id: string;
  t: 'l';
  /** Creation time, ISO-8601; the report filters on it. */
  ts: string;
  servedBy?: { _id: string; username: string };
}

export interface RocketChatUser {
  _id: string;
  username: string;
  name?: string;
}

// ---- The whole dataset -----------------------------------------------------

export interface SandboxDataset {
  seed: number;
  /** Epoch ms the data is anchored at: every generated timestamp lies in the 30 days before it. */
  now: number;
  avaamo: { agents: Record<number, AvaamoAgentData> };
  vambe: { contacts: VambeContactRecord[]; teamMembers: VambeAssignedAgent[]; pipelines: VambePipeline[] };
  rocketchat: { rooms: RocketChatRoom[]; users: RocketChatUser[] };
}
