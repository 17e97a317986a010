import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { conversationRef } from './avaamo-data.js';
import { sandboxCredentials, sandboxSecondTenant } from './credentials.js';
import { header, respond, single, type Route, type RouteResponse, type SandboxRequest, type SandboxState } from './route.js';
import { SECOND_TENANT_SUFFIX, avaamoUserMayView } from './tenants.js';
import { DAY_MS, epochToMicros, epochToSeconds } from './time.js';
import type { AvaamoAgentData, AvaamoMessage, AvaamoUser, SmsStatus } from './types.js';

/**
 * Avaamo: one `access-token` header, two token kinds (CONTRACTS §1). Only one error body
 * is documented (`{"error": "…"}`, 422); every other error reuses that shape (CONTRACTS §7.10).
 */
export const avaamoRoutes: Route[] = [
  {
    method: 'GET',
    template: '/api/v1/agents/{id}.json',
    pattern: /^\/api\/v1\/agents\/([^/]+)\.json$/,
    credential: avaamoCredential,
    handle: getAgent,
  },
  {
    method: 'GET',
    template: '/bots/analytics/{id}/unhandled_messages.json',
    pattern: /^\/bots\/analytics\/([^/]+)\/unhandled_messages\.json$/,
    credential: avaamoCredential,
    handle: getUnhandledMessages,
  },
  {
    method: 'GET',
    template: '/v1/messages.json',
    pattern: /^\/v1\/messages\.json$/,
    credential: avaamoCredential,
    handle: getMessages,
  },
  {
    method: 'POST',
    template: '/bots_api/v1/messages.json',
    pattern: /^\/bots_api\/v1\/messages\.json$/,
    credential: avaamoCredential,
    handle: postMessage,
  },
  {
    method: 'GET',
    template: '/api/v1/agents/{id}/sms/report.json',
    pattern: /^\/api\/v1\/agents\/([^/]+)\/sms\/report\.json$/,
    credential: avaamoCredential,
    handle: getSmsReport,
  },
];

const DEFAULT_PER_PAGE = 25;
const MAX_PER_PAGE = 100;
const SMS_STATUSES: readonly SmsStatus[] = ['sent', 'failed', 'delivered', 'undelivered'];

// ---- Routes -----------------------------------------------------------------

function getAgent(request: SandboxRequest, state: SandboxState): RouteResponse {
  const access = userAccess(request, state);
  if ('status' in access) return access;
  return respond(200, { agent: access.details });
}

function getUnhandledMessages(request: SandboxRequest, state: SandboxState): RouteResponse {
  const access = userAccess(request, state);
  if ('status' in access) return access;
  const now = state.clock();
  const range = unhandledRange(request.query, now);
  if ('status' in range) return range;
  if (range.to < range.from) return avaamoError(422, 'To Date cannot be before From Date');
  const entries = access.unhandledMessages.filter((entry) => entry.created_at >= range.from && entry.created_at <= range.to);
  return respond(200, page(entries, request.query, now));
}

function getMessages(request: SandboxRequest, state: SandboxState): RouteResponse {
  const agent = agentByToken(request.headers, state);
  // A user token is the wrong kind here: the agent is implied by an agent token (CONTRACTS §7.9).
  if (!agent) return avaamoError(401, 'Invalid access token');
  const limited = rateLimit(request, state);
  if (limited) return limited;
  const since = epochParam(request.query, 'since_timetoken', epochToMicros);
  const until = epochParam(request.query, 'timetoken', epochToMicros);
  if (since === undefined || until === undefined) return badEpoch(since === undefined ? 'since_timetoken' : 'timetoken');
  const now = state.clock();
  const selected = selectRange(agent.messages, (m) => m.timetoken, since, until, now * 1000, 5);
  const withDevices = request.query.get('device_info') === 'true' ? selected.map((m) => withDeviceInfo(m, agent)) : selected;
  return respond(200, page(withDevices, request.query, now));
}

function postMessage(request: SandboxRequest, state: SandboxState): RouteResponse {
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

function getSmsReport(request: SandboxRequest, state: SandboxState): RouteResponse {
  const access = userAccess(request, state);
  if ('status' in access) return access;
  const { query } = request;
  const status = optional(query, 'status');
  // [I] an unknown status is a 422 in the documented error shape.
  if (status !== null && !isSmsStatus(status)) {
    return avaamoError(422, `Invalid status "${status}". Allowed: ${SMS_STATUSES.join(', ')}`);
  }
  const from = epochParam(query, 'from_timetoken', epochToSeconds);
  const to = epochParam(query, 'to_timetoken', epochToSeconds);
  if (from === undefined || to === undefined) return badEpoch(from === undefined ? 'from_timetoken' : 'to_timetoken');
  const fromPhone = optional(query, 'from_phone');
  const toPhone = optional(query, 'to_phone');
  const matching = access.smsRecords.filter(
    (record) =>
      (status === null || record.sms_status === status) &&
      (fromPhone === null || samePhone(record.from_phone, fromPhone)) &&
      (toPhone === null || samePhone(record.to_phone, toPhone)),
  );
  const now = state.clock();
  const selected = selectRange(matching, (r) => r.created_at, from, to, now / 1000, 3);
  return respond(200, page(selected, query, now));
}

// ---- Auth and permissions ---------------------------------------------------

function avaamoCredential(headers: IncomingHttpHeaders): string {
  const token = header(headers, 'access-token');
  if (token === undefined || token === '') return 'none';
  if (token === sandboxCredentials.avaamoUserToken) return 'avaamo-user';
  if (token === sandboxSecondTenant.avaamoUserToken) return `avaamo-user${SECOND_TENANT_SUFFIX}`;
  const agent = [...sandboxCredentials.avaamoAgents, ...sandboxSecondTenant.avaamoAgents].find((a) => a.accessToken === token);
  return agent ? `avaamo-agent:${agent.id}` : 'invalid';
}

function isUserToken(credential: string): boolean {
  return credential === 'avaamo-user' || credential === `avaamo-user${SECOND_TENANT_SUFFIX}`;
}

function agentByToken(headers: IncomingHttpHeaders, state: SandboxState): AvaamoAgentData | undefined {
  const token = header(headers, 'access-token');
  if (!token) return undefined;
  return Object.values(state.dataset.avaamo.agents).find((agent) => agent.accessToken === token);
}

/**
 * The user-token routes: token kind, then rate limit, then the agent, then the permission.
 * [I] the sandbox user may view and edit every agent except the restricted one (403 on all).
 */
function userAccess(request: SandboxRequest, state: SandboxState): AvaamoAgentData | RouteResponse {
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
function rateLimit(request: SandboxRequest, state: SandboxState): RouteResponse | null {
  if (!state.limits) return null;
  const now = Date.now();
  const result = state.limits.avaamo.hit(avaamoCredential(request.headers), now);
  if (result.allowed) return null;
  const retryAfter = Math.max(1, Math.ceil((result.resetAt - now) / 1000));
  return respond(429, { error: 'Rate limit exceeded' }, { 'retry-after': String(retryAfter) });
}

function avaamoError(status: number, message: string): RouteResponse {
  return respond(status, { error: message });
}

// ---- Parameters -------------------------------------------------------------

/** [I] an empty or repeated parameter counts as absent (Rails `present?`), so `?status=` filters nothing. */
function optional(query: URLSearchParams, name: string): string | null {
  const value = single(query, name);
  return value ? value : null;
}

/** An epoch parameter in the caller's unit (any magnitude), converted; null when absent, undefined when not a number. */
function epochParam(query: URLSearchParams, name: string, convert: (value: number) => number): number | null | undefined {
  const raw = optional(query, name);
  if (raw === null) return null;
  return /^\d+(\.\d+)?$/.test(raw) ? convert(Number(raw)) : undefined;
}

function badEpoch(name: string): RouteResponse {
  // [I] a non-numeric timetoken is a 422 rather than silently ignored.
  return avaamoError(422, `${name} must be a UNIX epoch timestamp`);
}

/**
 * Unhandled messages take timetokens (any unit) or `from_date`/`to_date` (dd/mm/yyyy, local
 * to `utc_offset` seconds); the default window is the 3 days ending at `to` (now by default).
 * Result in epoch seconds. [I] timetokens win over dates; `to_date` includes its whole day.
 */
function unhandledRange(query: URLSearchParams, clockMs: number): { from: number; to: number } | RouteResponse {
  const offsetRaw = optional(query, 'utc_offset') ?? '0';
  if (!/^[+-]?\d+$/.test(offsetRaw)) return avaamoError(422, 'utc_offset must be a number of seconds');
  const offset = Number(offsetRaw);
  const fromToken = epochParam(query, 'from_timetoken', epochToSeconds);
  const toToken = epochParam(query, 'to_timetoken', epochToSeconds);
  if (fromToken === undefined || toToken === undefined) return badEpoch(fromToken === undefined ? 'from_timetoken' : 'to_timetoken');
  const fromDate = dateParam(query, 'from_date', offset, 0);
  const toDate = dateParam(query, 'to_date', offset, 1);
  if (fromDate === undefined || toDate === undefined) {
    return avaamoError(422, `${fromDate === undefined ? 'from_date' : 'to_date'} must be a date in dd/mm/yyyy format`);
  }
  const to = toToken ?? toDate ?? clockMs / 1000;
  const from = fromToken ?? fromDate ?? to - (3 * DAY_MS) / 1000;
  return { from, to };
}

/** A dd/mm/yyyy day in the caller's zone, as epoch seconds: its start, or (dayShift 1) its last second. */
function dateParam(query: URLSearchParams, name: string, utcOffsetSeconds: number, dayShift: 0 | 1): number | null | undefined {
  const raw = optional(query, name);
  if (raw === null) return null;
  const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(raw);
  if (!match) return undefined;
  const [day, month, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const startMs = Date.UTC(year, month - 1, day);
  const check = new Date(startMs);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return undefined;
  return (startMs + dayShift * DAY_MS) / 1000 - dayShift - utcOffsetSeconds;
}

/**
 * The time filter shared by GET messages and the SMS report (both newest first):
 * only an upper bound → the latest `latestCount` entries up to it; only a lower bound → up to now;
 * both → that range, inclusive. [I] an inverted range selects nothing (no error).
 */
function selectRange<T>(
  entries: readonly T[],
  timeOf: (entry: T) => number,
  since: number | null,
  until: number | null,
  now: number,
  latestCount: number,
): T[] {
  if (since === null && until === null) return [...entries];
  if (since === null && until !== null) return entries.filter((e) => timeOf(e) <= until).slice(0, latestCount);
  const upper = until ?? now;
  return entries.filter((e) => timeOf(e) >= (since ?? 0) && timeOf(e) <= upper);
}

/** [I] a page below 1 or not an integer falls back to 1; per_page is clamped to 1..100 (25 when not a number). */
function page<T>(entries: readonly T[], query: URLSearchParams, nowMs: number) {
  const pageNumber = Math.max(1, integer(optional(query, 'page')) ?? 1);
  const perPage = Math.min(MAX_PER_PAGE, Math.max(1, integer(optional(query, 'per_page')) ?? DEFAULT_PER_PAGE));
  const start = (pageNumber - 1) * perPage;
  return {
    current_page: pageNumber,
    per_page: perPage,
    total_entries: entries.length,
    total_pages: Math.ceil(entries.length / perPage),
    time_token: nowMs / 1000,
    entries: entries.slice(start, start + perPage),
  };
}

function integer(raw: string | null): number | null {
  return raw !== null && /^[+-]?\d{1,15}$/.test(raw) ? Number(raw) : null;
}

function isSmsStatus(value: string): value is SmsStatus {
  return (SMS_STATUSES as readonly string[]).includes(value);
}

/** [I] phones compare on their digits and a leading +, so "+1(123) 456-7890" matches "+11234567890". */
function samePhone(stored: string, wanted: string): boolean {
  return normalizePhone(stored) === normalizePhone(wanted);
}

function normalizePhone(phone: string): string {
  const trimmed = phone.trim();
  return (trimmed.startsWith('+') ? '+' : '') + trimmed.replace(/\D/g, '');
}

// ---- Messages ---------------------------------------------------------------

/** Device details are per user, added to every user object that has them ([I] bots and live agents have none). */
function withDeviceInfo(message: AvaamoMessage, agent: AvaamoAgentData): AvaamoMessage {
  const withDevice = (user: AvaamoUser): AvaamoUser => {
    const device = agent.devices[user.avaamo_id];
    return device ? { ...user, ...device } : user;
  };
  return {
    ...message,
    user: withDevice(message.user),
    read_acks: message.read_acks.map((ack) => ({ ...ack, user: withDevice(ack.user) })),
  };
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
