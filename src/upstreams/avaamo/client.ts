import type { ZodType } from 'zod';
import type { UpstreamRequest } from '../../http/client.js';
import type { QueryValue } from '../../http/request-key.js';
import type { UpstreamRoute } from '../../http/routes.js';
import { toEpochMicros, toEpochSeconds } from '../time.js';
import {
  agentDetailsResponse,
  agentMessagesResponse,
  postMessageResponse,
  smsReportResponse,
  unhandledMessagesResponse,
  type PostAgentMessageBody,
  type SmsStatusWire,
} from './types.js';

export interface PageRequest {
  page: number;
  perPage: number;
  /**
   * A traversal's pin: the `time_token` (epoch seconds, as Avaamo sent it) of
   * its first page. Sent as the upper time bound, so the list holds still
   * while it is paged; the caller's own upper bound still applies when earlier.
   */
  snapshot?: number;
  /**
   * The start of the next window (windows.ts): the page holds entries strictly
   * before it, spelled in each endpoint's unit as the last instant it can say
   * before that. Replaces the caller's upper bound.
   */
  before?: Date;
  /** A window wholly in the past: cached under its route's `.past` TTL. */
  past?: boolean;
}
export interface UnhandledMessagesRequest extends PageRequest {
  agentId: number;
  from?: Date;
  to?: Date;
}
export interface MessagesRequest extends PageRequest {
  since?: Date;
  until?: Date;
  deviceInfo: boolean;
}
export interface SmsReportRequest extends PageRequest {
  agentId: number;
  from?: Date;
  to?: Date;
  fromPhone?: string;
  toPhone?: string;
  status?: SmsStatusWire;
}

/** The header every Avaamo call authenticates with: a user token or an agent's (CONTRACTS.md §1). */
export const avaamoAuth = (token: string) => ({ 'access-token': token });

/** Avaamo allows at most 100 entries a page (CONTRACTS.md §1). */
export const AVAAMO_MAX_PER_PAGE = 100;

/** How far back a range with only an upper bound reaches. */
export const UPPER_BOUND_ONLY_LOOKBACK_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Where a range of messages or SMS starts: `from`, or, given only an upper
 * bound, UPPER_BOUND_ONLY_LOOKBACK_MS before it. Avaamo alone returns just
 * the latest 5 messages or 3 SMS before an upper bound (CONTRACTS.md §7.6),
 * which no caller means; so the client always sends a lower bound with an
 * upper one, and lists.ts splits the same range. Undefined: neither bound.
 */
export function lowerBoundOf(from: Date | undefined, to: Date | undefined): Date | undefined {
  return from ?? (to && new Date(to.getTime() - UPPER_BOUND_ONLY_LOOKBACK_MS));
}

function lowerBound(from: Date | undefined, to: Date | undefined, snapshot: number | undefined): Date | undefined {
  // A pinned page of an unbounded list: its upper bound is the pin, and the
  // list it pins reached back to the beginning.
  return lowerBoundOf(from, to) ?? (snapshot === undefined ? undefined : new Date(0));
}

/** The earlier of the caller's upper bound (rounded up to whole seconds) and the pin, in epoch seconds. */
function upperSeconds(to: Date | undefined, snapshot: number | undefined): number | undefined {
  const bound = to && toEpochSeconds(to, 'up');
  return earlier(bound, snapshot);
}

function earlier(bound: number | undefined, snapshot: number | undefined): number | undefined {
  if (snapshot === undefined) return bound;
  return bound === undefined ? snapshot : Math.min(bound, snapshot);
}

/** A route, or its twin for windows wholly in the past (a longer TTL: nothing new arrives there). */
function routeOf<R extends 'avaamo.unhandledMessages' | 'avaamo.messages' | 'avaamo.smsReport'>(route: R, request: PageRequest): R | `${R}.past` {
  return request.past ? `${route}.past` : route;
}

/** Unhandled messages default to the 3 days before their upper bound (CONTRACTS.md §2). */
const UNHANDLED_DEFAULT_WINDOW_S = 3 * 24 * 60 * 60;

/**
 * One typed method per Avaamo endpoint, each spelling the upstream request
 * (path, parameters in Avaamo's units, auth header) for the HTTP layer to
 * send. Each takes the token it needs: Avaamo has two kinds, a user token and
 * one agent token per agent (§1).
 */
export function createAvaamoClient(baseUrl: string) {
  const get = <T>(
    route: UpstreamRoute,
    path: string,
    token: string,
    query: Record<string, QueryValue>,
    schema: ZodType<T>,
  ): UpstreamRequest<T> => ({
    upstream: 'avaamo',
    route,
    method: 'GET',
    baseUrl,
    path,
    query,
    headers: avaamoAuth(token),
    schema,
  });

  return {
    agentDetails: (agentId: number, userToken: string) =>
      get('avaamo.agentDetails', `/api/v1/agents/${encodeURIComponent(agentId)}.json`, userToken, {}, agentDetailsResponse),

    // The unit of these timetokens is undocumented; seconds, as the SMS report
    // uses (CONTRACTS.md §7.1).
    unhandledMessages: (request: UnhandledMessagesRequest, userToken: string) =>
      get(
        routeOf('avaamo.unhandledMessages', request),
        `/bots/analytics/${encodeURIComponent(request.agentId)}/unhandled_messages.json`,
        userToken,
        {
          page: request.page,
          per_page: request.perPage,
          // Pinned, the default window is spelled out: it must stay the one
          // the traversal's first page got, not slide with the new bound.
          from_timetoken: request.from
            ? toEpochSeconds(request.from, 'down')
            : request.snapshot === undefined
              ? undefined
              : (request.to ? toEpochSeconds(request.to, 'up') : request.snapshot) - UNHANDLED_DEFAULT_WINDOW_S,
          // Whole seconds, as created_at is, each bound rounded outward: a bound with milliseconds
          // also takes in its own second's entries (inward rounding could invert a sub-second range,
          // which Avaamo refuses). The last second before the next window.
          to_timetoken: request.before
            ? earlier(toEpochSeconds(request.before, 'up') - 1, request.snapshot)
            : upperSeconds(request.to, request.snapshot),
        },
        unhandledMessagesResponse,
      ),

    /** The agent is implied by its token; microsecond timetokens (§3b). */
    messages: (request: MessagesRequest, agentToken: string) => {
      const since = lowerBound(request.since, request.until, request.snapshot);
      const until = request.before ? toEpochMicros(request.before) - 1 : request.until && toEpochMicros(request.until);
      const pin = request.snapshot === undefined ? undefined : Math.round(request.snapshot * 1e6);
      return get(
        routeOf('avaamo.messages', request),
        '/v1/messages.json',
        agentToken,
        {
          page: request.page,
          per_page: request.perPage,
          device_info: request.deviceInfo ? true : undefined,
          since_timetoken: since && toEpochMicros(since),
          timetoken: pin === undefined ? until : until === undefined ? pin : Math.min(until, pin),
        },
        agentMessagesResponse,
      );
    },

    smsReport: (request: SmsReportRequest, userToken: string) => {
      const from = lowerBound(request.from, request.to, request.snapshot);
      // created_at is float seconds: the bounds are sent as exact as the caller gave them (ms),
      // not rounded outward to whole seconds, and `before` is the last microsecond before the next window.
      const to = request.before
        ? earlier((toEpochMicros(request.before) - 1) / 1e6, request.snapshot)
        : earlier(request.to && request.to.getTime() / 1000, request.snapshot);
      return get(
        routeOf('avaamo.smsReport', request),
        `/api/v1/agents/${encodeURIComponent(request.agentId)}/sms/report.json`,
        userToken,
        {
          page: request.page,
          per_page: request.perPage,
          from_timetoken: from && from.getTime() / 1000,
          to_timetoken: to,
          from_phone: request.fromPhone,
          to_phone: request.toPhone,
          status: request.status,
        },
        smsReportResponse,
      );
    },

    /** Needs a user token with edit permission on the agent. */
    postMessage: (body: PostAgentMessageBody, userToken: string): UpstreamRequest<{ success: boolean }> => ({
      upstream: 'avaamo',
      route: 'avaamo.postMessage',
      method: 'POST',
      baseUrl,
      path: '/bots_api/v1/messages.json',
      headers: avaamoAuth(userToken),
      body,
      schema: postMessageResponse,
    }),
  };
}

export type AvaamoClient = ReturnType<typeof createAvaamoClient>;
