import type { IncomingHttpHeaders } from 'node:http';
import { sandboxCredentials, sandboxSecondTenant } from '../credentials.js';
import { header, respond, type Route, type RouteResponse, type SandboxRequest, type SandboxState } from '../route.js';
import { SECOND_TENANT_SUFFIX, rocketchatRoomVisible } from '../tenants.js';
import { DAY_MS } from '../time.js';

const TEMPLATE = '/api/v1/livechat/analytics/dashboards/conversations-by-agent';

export const rocketchatRoutes: Route[] = [
  {
    method: 'GET',
    template: TEMPLATE,
    pattern: /^\/api\/v1\/livechat\/analytics\/dashboards\/conversations-by-agent$/,
    credential: rocketchatCredential,
    handle: getConversationsByAgent,
  },
];

const LOGIN_REQUIRED = 'You must be logged in to do this.';
const QUERY_KEYS = ['start', 'end', 'sort'] as const;

/**
 * Follows Rocket.Chat's own order of checks (CONTRACTS §6): license (the sandbox always has
 * one), auth, rate limit, params schema, permission (always granted), sort, dates.
 */
function getConversationsByAgent(request: SandboxRequest, state: SandboxState): RouteResponse {
  const credential = rocketchatCredential(request.headers);
  if (!credential.startsWith('rocketchat')) {
    return respond(401, { success: false, error: LOGIN_REQUIRED, status: 'error', message: LOGIN_REQUIRED });
  }
  const limit = rateLimit(request, state);
  const reply = (status: number, body: unknown): RouteResponse => respond(status, body, limit?.headers);
  if (limit && !limit.allowed) {
    const error = `Error, too many requests. Please slow down. You must wait ${limit.waitSeconds} seconds before trying this endpoint again. [error-too-many-requests]`;
    return reply(429, { success: false, error });
  }

  const invalid = schemaError(request.query);
  if (invalid) return reply(400, { success: false, error: `${invalid} [invalid-params]`, errorType: 'invalid-params' });
  const rawSort = request.query.get('sort') ?? '';
  const sort = parseSort(rawSort);
  if (!sort) {
    return reply(400, {
      success: false,
      error: `Invalid sort parameter provided: "${rawSort}" [error-invalid-sort]`,
      errorType: 'error-invalid-sort',
      details: { helperMethod: 'parseJsonQuery' },
    });
  }
  const start = new Date(request.query.get('start') ?? '');
  const end = new Date(request.query.get('end') ?? '');
  const dateError = checkDates(start, end);
  if (dateError) return reply(400, { success: false, error: dateError });
  return reply(200, { ...conversationsByAgent(state, credential, start.getTime(), end.getTime(), sort), success: true });
}

// ---- Computation ------------------------------------------------------------

interface AgentRow {
  userId: string;
  name: string;
  total: number;
}

/**
 * Rooms created in [start, end), counted per current `servedBy` user; the label is the
 * user's name, or the raw id when the user is gone or unnamed. Rows are per user id, so
 * namesakes stay apart. Rooms never served count as `unspecified`, outside `total`.
 */
function conversationsByAgent(state: SandboxState, credential: string, startMs: number, endMs: number, sort: SortSpec) {
  const { users } = state.dataset.rocketchat;
  const rooms = state.dataset.rocketchat.rooms.filter((room) => rocketchatRoomVisible(credential, room, state.dataset));
  const counts = new Map<string, number>();
  let unspecified = 0;
  for (const room of rooms) {
    const ts = Date.parse(room.ts);
    if (ts < startMs || ts >= endMs) continue;
    if (room.servedBy) counts.set(room.servedBy._id, (counts.get(room.servedBy._id) ?? 0) + 1);
    else unspecified++;
  }
  const names = new Map(users.map((user) => [user._id, user.name]));
  const rows: AgentRow[] = [...counts].map(([userId, total]) => ({ userId, name: names.get(userId) ?? userId, total }));
  rows.sort((a, b) => compareRows(a, b, sort));
  return {
    total: rows.reduce((sum, row) => sum + row.total, 0),
    data: rows.map((row) => ({ label: row.name, value: row.total })),
    unspecified,
  };
}

type SortSpec = [key: string, direction: 1 | -1][];

/** [I] keys other than `name`/`total` sort nothing (Mongo sorts on a missing field); ties go by label, then user id. */
function compareRows(a: AgentRow, b: AgentRow, sort: SortSpec): number {
  for (const [key, direction] of sort) {
    const order = key === 'total' ? a.total - b.total : key === 'name' ? compareText(a.name, b.name) : 0;
    if (order !== 0) return order * direction;
  }
  return compareText(a.name, b.name) || compareText(a.userId, b.userId);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---- Validation -------------------------------------------------------------

/**
 * The first ajv error of `{start: string, end: string, sort?: string}`, required
 * [start, end], additionalProperties false. [I] ajv runs without allErrors, so one
 * message: required before additionalProperties before types (a repeated key is an array).
 */
function schemaError(query: URLSearchParams): string | null {
  for (const key of ['start', 'end']) {
    if (!query.has(key)) return `must have required property '${key}'`;
  }
  for (const key of query.keys()) {
    if (!(QUERY_KEYS as readonly string[]).includes(key)) return 'must NOT have additional properties';
  }
  for (const key of QUERY_KEYS) {
    if (query.getAll(key).length > 1) return 'must be string';
  }
  return null;
}

/** `sort` as parseJsonQuery reads it: a JSON object whose values are 1 or -1; null when invalid. [I] `{}` means the default. */
function parseSort(raw: string): SortSpec | null {
  if (raw === '') return [['name', 1]];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const spec: SortSpec = [];
  for (const [key, value] of Object.entries(parsed)) {
    if (value !== 1 && value !== -1) return null;
    spec.push([key, value]);
  }
  return spec.length > 0 ? spec : [['name', 1]];
}

/**
 * The date checks of the report endpoints, with the field-specific messages of the
 * vendor page. The span is measured between start-of-day values ([I] UTC days) in
 * fractional years the way moment does, and may reach 1.01 years.
 */
function checkDates(start: Date, end: Date): string | null {
  if (Number.isNaN(start.getTime())) return 'The "start" query parameter must be a valid date.';
  if (Number.isNaN(end.getTime())) return 'The "end" query parameter must be a valid date.';
  if (monthsBetween(startOfDay(start.getTime()), startOfDay(end.getTime())) / 12 > 1.01) {
    return 'The "start" and "end" query parameters must be less than 1 year apart.';
  }
  if (start.getTime() > end.getTime()) return 'The "start" query parameter must be before the "end" query parameter.';
  return null;
}

function startOfDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** moment's fractional month difference from `from` to `to`: whole months, plus the elapsed share of the next. */
function monthsBetween(from: number, to: number): number {
  if (new Date(to).getUTCDate() < new Date(from).getUTCDate()) return -monthsBetween(to, from);
  const a = new Date(to);
  const b = new Date(from);
  const whole = (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + (b.getUTCMonth() - a.getUTCMonth());
  const anchor = addMonths(to, whole);
  const adjust =
    from - anchor < 0
      ? (from - anchor) / (anchor - addMonths(to, whole - 1))
      : (from - anchor) / (addMonths(to, whole + 1) - anchor);
  return -(whole + adjust) || 0;
}

/** Adds calendar months, clamping the day to the target month's length (as moment does). */
function addMonths(ms: number, months: number): number {
  const date = new Date(ms);
  const target = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(date.getUTCDate(), lastDay));
  return target.getTime() + (ms % DAY_MS);
}

// ---- Auth and rate limit ----------------------------------------------------

function rocketchatCredential(headers: IncomingHttpHeaders): string {
  const userId = header(headers, 'x-user-id');
  const token = header(headers, 'x-auth-token');
  if (!userId && !token) return 'none';
  if (userId === sandboxSecondTenant.rocketchatUserId && token === sandboxSecondTenant.rocketchatAuthToken) {
    return `rocketchat${SECOND_TENANT_SUFFIX}`;
  }
  return userId === sandboxCredentials.rocketchatUserId && token === sandboxCredentials.rocketchatAuthToken ? 'rocketchat' : 'invalid';
}

/** 10 calls per 60 s per client per route; the X-RateLimit-* headers go on every counted answer. */
function rateLimit(request: SandboxRequest, state: SandboxState) {
  if (!state.limits) return null;
  const now = Date.now();
  const result = state.limits.rocketchat.hit(`${request.client} ${TEMPLATE}`, now);
  return {
    allowed: result.allowed,
    waitSeconds: Math.ceil((result.resetAt - now) / 1000),
    headers: {
      'x-ratelimit-limit': String(result.limit),
      'x-ratelimit-remaining': String(result.remaining),
      'x-ratelimit-reset': String(result.resetAt),
    },
  };
}
