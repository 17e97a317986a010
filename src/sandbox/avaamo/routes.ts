import { respond, type Route, type RouteResponse, type SandboxRequest, type SandboxState } from '../route.js';
import { epochToMicros, epochToSeconds } from '../time.js';
import { agentByToken, avaamoCredential, avaamoError, rateLimit, userAccess } from './access.js';
import { badEpoch, epochParam, optional, page, samePhone, selectRange, unhandledRange } from './params.js';
import { postMessage } from './post-message.js';
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

const SMS_STATUSES: readonly SmsStatus[] = ['sent', 'failed', 'delivered', 'undelivered'];

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

function isSmsStatus(value: string): value is SmsStatus {
  return (SMS_STATUSES as readonly string[]).includes(value);
}

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
