/**
 * The sandbox's Avaamo data in wire form: the exact JSON shapes Avaamo sends (see
 * /work/shared/upstreams/CONTRACTS.md), so tests can compare gateway output with it.
 * Fields Avaamo never sends (device records, token and permission) sit beside the
 * wire objects, never inside them.
 */

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
  /** Beside the wire data, never sent: the intent each generated unhandled query was drawn from (by message_uuid)... */
  unhandledIntents: Record<string, string>;
  /** ...and the failure cause of each generated failed or undelivered SMS (by uuid): references for tests. */
  smsFailureCauses: Record<string, string>;
  conversations: AvaamoConversation[];
  /** Device details by `avaamo_id`, merged into user objects when `device_info=true`. */
  devices: Record<number, AvaamoDeviceInfo>;
}

export interface AvaamoDataset {
  agents: Record<number, AvaamoAgentData>;
}
