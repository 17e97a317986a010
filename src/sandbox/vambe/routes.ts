import type { IncomingHttpHeaders } from 'node:http';
import { sandboxCredentials, sandboxSecondTenant } from '../credentials.js';
import { header, respond, single, type Route, type RouteResponse, type SandboxRequest, type SandboxState } from '../route.js';
import { SECOND_TENANT_SUFFIX, vambeContactVisible } from '../tenants.js';
import type { VambeChatStatus, VambeContact, VambeContactRecord, VambePlatform } from './types.js';
import { longestWaitingFirst, waitingSeconds } from './waiting.js';

export const vambeRoutes: Route[] = [
  {
    method: 'GET',
    template: '/api/public/analytics/contacts/by-status',
    pattern: /^\/api\/public\/analytics\/contacts\/by-status$/,
    credential: vambeCredential,
    handle: getContactsByStatus,
  },
];

const PAGE_SIZE = 50;

/** The `status` parameter's values and the `chat_status` each lists. */
export const STATUSES: Record<string, VambeChatStatus> = {
  unattended: 'UNATTENDED',
  attended: 'ATTENDED',
  'ai-attended': 'AI_ATTENDED',
  'ai-away': 'AI_AWAY',
};

export const PLATFORMS: readonly VambePlatform[] = ['whatsapp', 'playground', 'instagram', 'webchat', 'web-whatsapp', 'messenger', 'sms'];
const ORDER_BY = ['contact_created_at', 'ticket_created_at', 'last_inbound_message', 'last_outbound_message', 'id'] as const;

/**
 * Contacts with an active ticket in one status, longest wait first, 50 a page (CONTRACTS §5).
 * [I] the platform filter is named `channel` and the sort option `orderBy`, as on the sibling
 * endpoint; `orderBy` is validated but the documented order (waiting_time desc, then id) always wins.
 */
function getContactsByStatus(request: SandboxRequest, state: SandboxState): RouteResponse {
  const credential = vambeCredential(request.headers);
  if (!credential.startsWith('vambe')) return nestError(401, credential === 'none' ? 'Missing API key' : 'Invalid API key');
  const params = parseParams(request.query);
  if (typeof params === 'string') return nestError(400, params);

  const now = state.clock();
  state.vambeQueue.advanceTo(now);
  const listed = state.dataset.vambe.contacts.filter((record) => isListed(record, params) && vambeContactVisible(credential, record, state.dataset));
  const matching = longestWaitingFirst(listed, now).map((record): VambeContact => ({ ...record.contact, waiting_time: waitingSeconds(record, now) }));
  const start = (params.page - 1) * PAGE_SIZE;
  // [I] a page past the end is an empty page with the same total.
  return respond(200, { data: matching.slice(start, start + PAGE_SIZE), total: matching.length });
}

interface Params {
  page: number;
  status: VambeChatStatus;
  pipelineId: string | null;
  platform: VambePlatform | null;
}

/** The validated query, or the 400 message. [I] class-validator-style messages, first problem wins. */
function parseParams(query: URLSearchParams): Params | string {
  const page = single(query, 'page');
  if (typeof page !== 'string' || !/^\d{1,15}$/.test(page) || Number(page) < 1) {
    return 'page must be a number string greater than or equal to 1';
  }
  const status = single(query, 'status');
  const chatStatus = typeof status === 'string' ? STATUSES[status] : undefined;
  if (!chatStatus) return `status must be one of the following values: ${Object.keys(STATUSES).join(', ')}`;
  const channel = single(query, 'channel');
  if (channel !== null && (channel === undefined || !isPlatform(channel))) {
    return `channel must be one of the following values: ${PLATFORMS.join(', ')}`;
  }
  const orderBy = single(query, 'orderBy');
  if (orderBy === undefined || (orderBy !== null && !(ORDER_BY as readonly string[]).includes(orderBy))) {
    return `orderBy must be one of the following values: ${ORDER_BY.join(', ')}`;
  }
  const pipelineId = single(query, 'pipelineId');
  if (pipelineId === undefined) return 'pipelineId must be a string';
  return { page: Number(page), status: chatStatus, pipelineId, platform: channel };
}

function isPlatform(value: string): value is VambePlatform {
  return (PLATFORMS as readonly string[]).includes(value);
}

function isListed(record: VambeContactRecord, params: Params): boolean {
  const { contact } = record;
  return (
    contact.active_ticket_v2 !== null &&
    contact.chat_status === params.status &&
    (params.pipelineId === null || record.pipelineId === params.pipelineId) &&
    (params.platform === null || contact.platform === params.platform)
  );
}

export function vambeCredential(headers: IncomingHttpHeaders): string {
  const key = header(headers, 'x-api-key');
  if (key === undefined || key === '') return 'none';
  if (key === sandboxSecondTenant.vambeApiKey) return `vambe${SECOND_TENANT_SUFFIX}`;
  return key === sandboxCredentials.vambeApiKey ? 'vambe' : 'invalid';
}

/** [I] Vambe documents statuses only; bodies follow NestJS's default exception shape. */
function nestError(statusCode: 400 | 401, message: string): RouteResponse {
  return respond(statusCode, { statusCode, message, error: statusCode === 400 ? 'Bad Request' : 'Unauthorized' });
}
