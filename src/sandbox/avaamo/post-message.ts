import { randomUUID } from 'node:crypto';
import { respond, type RouteResponse, type SandboxRequest, type SandboxState } from '../route.js';
import { avaamoUserMayView } from '../tenants.js';
import { avaamoCredential, avaamoError, isUserToken, rateLimit } from './access.js';
import { conversationRef } from './message-data.js';

/** POST /bots_api/v1/messages.json: a message sent as the agent into one of its conversations (CONTRACTS §1). */
export function postMessage(request: SandboxRequest, state: SandboxState): RouteResponse {
  const credential = avaamoCredential(request.headers);
  if (!isUserToken(credential)) return avaamoError(401, 'Invalid access token');
  const limited = rateLimit(request, state);
  if (limited) return limited;
  const body = parsePostBody(request.body);
  if (typeof body === 'string') return avaamoError(422, body);
  const agent = state.dataset.avaamo.agents[body.botId];
  if (!agent) return avaamoError(404, `Agent ${body.botId} not found`);
  if (!avaamoUserMayView(credential, agent)) return avaamoError(403, 'You do not have edit permission on this agent');
  const conversation = agent.conversations.find((c) => c.uuid === body.conversationUuid);
  // [I] an unknown conversation uuid (for that agent) is a 404, like an unknown agent.
  if (!conversation) return avaamoError(404, `Conversation ${body.conversationUuid} not found`);

  const newest = agent.messages[0];
  const timetoken = Math.max(Math.round(state.clock() * 1000), newest ? newest.timetoken + 1 : 0);
  agent.messages.unshift({
    uuid: randomUUID(),
    content: body.content,
    content_type: body.contentType,
    created_at: timetoken / 1e6,
    user: agent.botUser,
    timetoken,
    external_source: null,
    device_uuid: conversation.device_uuid,
    // [I] a posted message answers no user query: no request_message_uuid, sequence "1/1".
    request_message_uuid: null,
    sequence: '1/1',
    custom_properties: {},
    agent_message_uuid: null,
    read_acks: [],
    attachments: [],
    conversation: conversationRef(conversation),
  });
  return respond(200, { success: true });
}

interface PostBody {
  content: string;
  contentType: string;
  conversationUuid: string;
  botId: number;
}

/** The POST body, or the 422 message saying what is wrong. [I] fields are checked in order, first problem wins. */
function parsePostBody(raw: string): PostBody | string {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return 'Request body must be valid JSON';
  }
  if (!isObject(body)) return 'Request body must be a JSON object';
  const { message, conversation, bot_id: botId, force_locale: forceLocale } = body;
  const content = messageContent(message);
  if (!content) return 'message is required and must be a non-empty string or object';
  if (!isObject(conversation) || typeof conversation.uuid !== 'string' || conversation.uuid === '') {
    return 'conversation.uuid is required and must be a string';
  }
  if (typeof botId !== 'number' || !Number.isSafeInteger(botId)) return 'bot_id is required and must be an integer';
  // [I] force_locale is validated but changes nothing visible: messages carry the conversation's locale.
  if (forceLocale !== undefined && typeof forceLocale !== 'string') return 'force_locale must be a string';
  return { ...content, conversationUuid: conversation.uuid, botId };
}

/**
 * Text is stored as is; a rich object as its JSON, typed by its first key ([I]):
 * list_view → ListView, other keys as they are (card, quick_reply).
 */
function messageContent(message: unknown): { content: string; contentType: string } | null {
  if (typeof message === 'string') return message.trim() === '' ? null : { content: message, contentType: 'text' };
  if (!isObject(message)) return null;
  const key = Object.keys(message)[0];
  if (key === undefined) return null;
  return { content: JSON.stringify(message), contentType: key === 'list_view' ? 'ListView' : key };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
