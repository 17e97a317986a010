import { randomUUID } from 'node:crypto';
import { conversationRef } from './message-data.js';
import { respond, single, type RouteResponse, type SandboxState } from '../route.js';
import type { AvaamoAgentData, AvaamoConversation } from './types.js';

/**
 * Control routes that add Avaamo entries "now", as live traffic would while a
 * client pages (not upstream calls: neither counted nor delayed):
 *
 *   POST /__sandbox/messages?agent=20457&count=50
 *   POST /__sandbox/sms?agent=20457&count=5
 *   POST /__sandbox/unhandled?agent=20457&count=5
 *
 * `count` defaults to 1 (at most 1,000). Each entry is stamped with the
 * simulated clock, later than every entry before it, and goes to the top of
 * its newest-first list. Answers `{added: [uuid, …]}`, newest first.
 */
export function liveEntryControlRoute(method: string, path: string, query: URLSearchParams, state: SandboxState): RouteResponse | null {
  const kind = method === 'POST' ? KINDS[path] : undefined;
  if (!kind) return null;
  const agentParam = single(query, 'agent') ?? '';
  const agent = /^\d+$/.test(agentParam) ? state.dataset.avaamo.agents[Number(agentParam)] : undefined;
  if (!agent) return respond(404, { error: `Agent ${agentParam} not found` });
  const countParam = single(query, 'count') ?? '1';
  const count = /^\d{1,4}$/.test(countParam) ? Number(countParam) : NaN;
  if (!(count >= 1 && count <= MAX_COUNT)) return respond(422, { error: `count must be an integer from 1 to ${MAX_COUNT}` });
  const added: string[] = [];
  for (let i = 0; i < count; i++) added.unshift(kind(agent, state.clock()));
  return respond(200, { added });
}

const MAX_COUNT = 1000;

const KINDS: Record<string, ((agent: AvaamoAgentData, clockMs: number) => string) | undefined> = {
  '/__sandbox/messages': addMessage,
  '/__sandbox/sms': addSms,
  '/__sandbox/unhandled': addUnhandled,
};

let sequence = 0;

function addMessage(agent: AvaamoAgentData, clockMs: number): string {
  const conversation = pickConversation(agent);
  const newest = agent.messages[0];
  const timetoken = Math.max(Math.round(clockMs * 1000), newest ? newest.timetoken + 1 : 0);
  const uuid = randomUUID();
  agent.messages.unshift({
    uuid,
    content: `Live message ${++sequence}`,
    content_type: 'text',
    created_at: timetoken / 1e6,
    user: conversation.user,
    timetoken,
    external_source: null,
    device_uuid: conversation.device_uuid,
    request_message_uuid: null,
    sequence: null,
    custom_properties: {},
    agent_message_uuid: null,
    read_acks: [],
    attachments: [],
    conversation: conversationRef(conversation),
  });
  return uuid;
}

function addSms(agent: AvaamoAgentData, clockMs: number): string {
  const newest = agent.smsRecords[0];
  // Float seconds to the microsecond, as the report's created_at allows.
  const createdAt = Math.max(Math.round(clockMs * 1000), newest ? Math.round(newest.created_at * 1e6) + 1 : 0) / 1e6;
  const previous = newest ?? { from_phone: '+15550000000', to_phone: '+15550000001' };
  const uuid = randomUUID();
  agent.smsRecords.unshift({
    uuid,
    from_phone: previous.from_phone,
    to_phone: previous.to_phone,
    message: `Live SMS ${++sequence}`,
    created_at: createdAt,
    sms_status: 'sent',
  });
  return uuid;
}

/** Unhandled messages carry whole seconds (CONTRACTS.md §2), so several may share one. */
function addUnhandled(agent: AvaamoAgentData, clockMs: number): string {
  const conversation = pickConversation(agent);
  const uuid = randomUUID();
  agent.unhandledMessages.unshift({
    message_uuid: uuid,
    score: 0,
    content: `Live question ${++sequence}`,
    intent_type: 'UNHANDLED::INTENT',
    channel_name: conversation.channel_name,
    created_at: Math.max(Math.floor(clockMs / 1000), agent.unhandledMessages[0]?.created_at ?? 0),
    user: { first_name: conversation.user.avaamo_id },
    intent_name: 'Unhandled',
  });
  return uuid;
}

function pickConversation(agent: AvaamoAgentData): AvaamoConversation {
  const conversation = agent.conversations[sequence % agent.conversations.length];
  if (!conversation) throw new TypeError('the agent has no conversations to add entries to');
  return conversation;
}
