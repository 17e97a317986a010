import { FALLBACK_REPLY, LIVE_AGENT_LINES, RICH_RESPONSES, fill, type AgentPersona } from '../corpus.js';
import type { Rng } from '../rng.js';
import { AVAAMO_HISTORY_MS, DAY_MS, HOUR_MS, MINUTE_MS, floatSeconds } from '../time.js';
import type { AvaamoAgentDetails, AvaamoConversation, AvaamoMessage, AvaamoUnhandledMessage, AvaamoUser } from './types.js';

/** What generating one agent's conversations needs, and collects its messages into. */
export interface AgentContext {
  rng: Rng;
  now: number;
  ids: { next: number };
  details: AvaamoAgentDetails;
  botUser: AvaamoUser;
  liveAgents: AvaamoUser[];
  persona: AgentPersona;
  messages: AvaamoMessage[];
  unhandled: AvaamoUnhandledMessage[];
  /** The intent each unhandled query was drawn from, by message uuid (never sent). */
  intents: Record<string, string>;
}

/** One visit: a few user queries, each answered by the agent (or not), sometimes ending with a live agent. */
export function addSession(ctx: AgentContext, conversation: AvaamoConversation): void {
  const { rng, now } = ctx;
  // [I] A fifth of the visits in the last week (traffic as it is now), the rest spread over the history.
  let clockUs = (now - rng.int(15 * MINUTE_MS, rng.chance(0.2) ? 7 * DAY_MS : AVAAMO_HISTORY_MS - HOUR_MS)) * 1000;
  const turns = rng.int(1, 5);
  for (let turn = 0; turn < turns; turn++) {
    clockUs += rng.int(5, 90) * 1_000_000 + rng.int(0, 999_999);
    clockUs = addExchange(ctx, conversation, clockUs);
  }
  if (conversation.mode && rng.chance(0.3)) addLiveAgentReply(ctx, conversation, clockUs + rng.int(30, 600) * 1_000_000);
}

function addExchange(ctx: AgentContext, conversation: AvaamoConversation, clockUs: number): number {
  const { rng } = ctx;
  const n = String(rng.int(10_000, 99_999));
  const unhandled = rng.chance(0.3);
  // An unhandled query is one wording of one of the persona's intents.
  const intent = unhandled ? rng.pick(ctx.persona.unhandled) : null;
  const [query, replies] = intent ? [rng.pick(intent), [FALLBACK_REPLY]] : rng.pick(ctx.persona.exchanges);
  const request = pushMessage(ctx, conversation, {
    user: conversation.user,
    content: fill(query, n),
    content_type: 'text',
    timetoken: clockUs,
    request_message_uuid: null,
    sequence: null,
    custom_properties: rng.chance(0.2) ? { customer_tier: rng.pick(['gold', 'silver', 'bronze']), session_id: rng.hex(12) } : {},
  });
  if (intent) {
    ctx.unhandled.push(unhandledEntry(request, conversation));
    ctx.intents[request.uuid] = intent[0]!;
  }

  const responses: { content: string; content_type: string }[] = replies.map((reply) => ({ content: fill(reply, n), content_type: 'text' }));
  if (!unhandled && rng.chance(0.12)) {
    const rich = rng.pick(RICH_RESPONSES);
    responses.push({ content: JSON.stringify(rich.message), content_type: rich.content_type });
  }
  let at = clockUs;
  responses.forEach((response, index) => {
    at += rng.int(200_000, 1_500_000);
    pushMessage(ctx, conversation, {
      user: ctx.botUser,
      ...response,
      timetoken: at,
      request_message_uuid: request.uuid,
      sequence: `${index + 1}/${responses.length}`,
      custom_properties: {},
    });
  });
  return at;
}

function addLiveAgentReply(ctx: AgentContext, conversation: AvaamoConversation, clockUs: number): void {
  const agent = ctx.rng.pick(ctx.liveAgents);
  pushMessage(ctx, conversation, {
    user: agent,
    content: ctx.rng.pick(LIVE_AGENT_LINES).replace('{agent}', agent.first_name),
    content_type: 'text',
    timetoken: clockUs,
    request_message_uuid: null,
    sequence: null,
    custom_properties: {},
    agent_message_uuid: ctx.rng.uuid(),
  });
}

interface NewMessage {
  user: AvaamoUser;
  content: string;
  content_type: string;
  timetoken: number;
  request_message_uuid: string | null;
  sequence: string | null;
  custom_properties: Record<string, unknown>;
  agent_message_uuid?: string;
}

function pushMessage(ctx: AgentContext, conversation: AvaamoConversation, fields: NewMessage): AvaamoMessage {
  const { rng } = ctx;
  // Messages not from the end user are read by the end user, except the most recent ones.
  const fromEndUser = fields.user === conversation.user;
  const readAtMs = fields.timetoken / 1000 + rng.int(1_000, 60_000);
  const read = !fromEndUser && readAtMs < ctx.now && rng.chance(0.9);
  const message: AvaamoMessage = {
    uuid: rng.uuid(),
    content: fields.content,
    content_type: fields.content_type,
    // Exactly the timetoken in seconds, so a created_at converts back to its timetoken.
    created_at: fields.timetoken / 1e6,
    user: fields.user,
    timetoken: fields.timetoken,
    external_source: null,
    device_uuid: conversation.device_uuid,
    request_message_uuid: fields.request_message_uuid,
    sequence: fields.sequence,
    custom_properties: fields.custom_properties,
    agent_message_uuid: fields.agent_message_uuid ?? null,
    read_acks: read ? [{ read_at: rng.chance(0.7) ? Math.floor(readAtMs / 1000) : floatSeconds(readAtMs), user: conversation.user }] : [],
    attachments: [],
    conversation: conversationRef(conversation),
  };
  ctx.messages.push(message);
  return message;
}

export function conversationRef(conversation: AvaamoConversation): AvaamoMessage['conversation'] {
  return { uuid: conversation.uuid, mode: conversation.mode, display_name: conversation.display_name, locale: conversation.locale };
}

function unhandledEntry(request: AvaamoMessage, conversation: AvaamoConversation): AvaamoUnhandledMessage {
  return {
    message_uuid: request.uuid,
    score: 0,
    content: request.content,
    intent_type: 'UNHANDLED::INTENT',
    channel_name: conversation.channel_name,
    created_at: Math.floor(request.created_at),
    // As in the vendor example: first_name holds the user's numeric id, not a name.
    user: { first_name: request.user.avaamo_id },
    intent_name: 'Unhandled',
  };
}
