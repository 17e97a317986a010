export type UpstreamName = 'avaamo' | 'vambe' | 'rocketchat';

export const upstreamLabels: Record<UpstreamName, string> = {
  avaamo: 'Avaamo',
  vambe: 'Vambe',
  rocketchat: 'Rocket.Chat',
};

export type UpstreamErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  | 'UPSTREAM_ERROR'
  | 'UPSTREAM_TIMEOUT'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_NOT_CONFIGURED';

export interface UpstreamErrorDetails {
  status?: number;
  /** Seconds, from the upstream's Retry-After, or until an open breaker probes again. */
  retryAfter?: number;
  /** Set when a write may or may not have taken effect (it timed out after being sent). */
  outcome?: 'unknown';
  /**
   * How the exchange failed below HTTP, for the retry rule; never shown to callers.
   * `connect`: nothing reached the upstream. `network`: the connection broke
   * after the request may have been sent. `timeout`: the attempt's own
   * timer (UPSTREAM_TIMEOUT_MS) fired. `deadline`: the gateway gave up, not
   * the upstream: the operation's deadline passed or its caller left, while
   * the call waited or ran; the breaker never counts it.
   */
  transport?: 'connect' | 'network' | 'timeout' | 'deadline';
}

/**
 * Everything below the schema that fails throws this. Its message is written
 * for the caller (it reaches the GraphQL response), so it never carries a URL
 * with credentials or a token.
 */
export class UpstreamError extends Error {
  constructor(
    readonly upstream: UpstreamName,
    readonly code: UpstreamErrorCode,
    message: string,
    readonly details: UpstreamErrorDetails = {},
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

/** The gateway's own refusal to call: nothing was sent, and the upstream's health is not in question. */
export class GatewayRefusal extends UpstreamError {}

/** No budget token left (RATE_LIMITED), as opposed to an upstream's 429. */
export class BudgetSpent extends GatewayRefusal {}

/**
 * A failure of the gateway's making: it refused the call (no budget token,
 * too many calls waiting), or the operation's deadline (or its caller
 * leaving) cut it off. It says nothing about the upstream's health.
 */
export function isGatewaySide(error: unknown): boolean {
  return error instanceof GatewayRefusal || (error instanceof UpstreamError && error.details.transport === 'deadline');
}

/**
 * What became of one upstream call: an HTTP status, no answer in time, no
 * connection, a breaker that refused to try, or a queue too long to join.
 */
export type UpstreamOutcome = number | 'timeout' | 'unreachable' | 'breaker-open' | 'queue-full';

/** The one table from an upstream outcome to the code a caller sees (ARCHITECTURE.md, Errors). */
export function codeFor(outcome: UpstreamOutcome): UpstreamErrorCode {
  if (outcome === 'timeout') return 'UPSTREAM_TIMEOUT';
  if (outcome === 'breaker-open' || outcome === 'queue-full') return 'UPSTREAM_UNAVAILABLE';
  if (outcome === 'unreachable') return 'UPSTREAM_ERROR';
  return codeForStatus(outcome);
}

export function codeForStatus(status: number): UpstreamErrorCode {
  if (status === 400 || status === 422) return 'BAD_USER_INPUT';
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 429) return 'RATE_LIMITED';
  return 'UPSTREAM_ERROR';
}

const MAX_VENDOR_MESSAGE = 300;

/**
 * The vendors' own words help the caller for input errors ("To Date cannot be
 * before From Date", Rocket.Chat's date rules); for auth and server errors
 * they add nothing a program can act on and may echo request details.
 */
export function upstreamErrorFromResponse(
  upstream: UpstreamName,
  status: number,
  body: unknown,
  headers: Headers,
): UpstreamError {
  const code = codeForStatus(status);
  const label = upstreamLabels[upstream];
  const vendorMessage = code === 'BAD_USER_INPUT' || code === 'NOT_FOUND' ? messageOf(body) : undefined;
  const message = vendorMessage
    ? `${label}: ${vendorMessage}`
    : `${label} answered ${status} (${genericReason(code)})`;
  const retryAfter = retryAfterSeconds(headers);
  return new UpstreamError(upstream, code, message, {
    status,
    ...(retryAfter === undefined ? {} : { retryAfter }),
  });
}

function genericReason(code: UpstreamErrorCode): string {
  switch (code) {
    case 'UNAUTHENTICATED':
      return 'the credentials sent were rejected';
    case 'FORBIDDEN':
      return 'the credentials sent lack permission';
    case 'RATE_LIMITED':
      return 'rate limit reached';
    case 'NOT_FOUND':
      return 'not found';
    case 'BAD_USER_INPUT':
      return 'invalid request';
    default:
      return 'upstream failure';
  }
}

/** Avaamo and Rocket.Chat say `error`, Vambe (NestJS) says `message`, sometimes as a list. */
function messageOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const candidate = record.error ?? record.message;
  const text = Array.isArray(candidate)
    ? candidate.filter((item) => typeof item === 'string').join('; ')
    : typeof candidate === 'string'
      ? candidate
      : undefined;
  if (!text) return undefined;
  return text.length > MAX_VENDOR_MESSAGE ? `${text.slice(0, MAX_VENDOR_MESSAGE)}…` : text;
}

/**
 * Seconds until the upstream accepts calls again: Retry-After (seconds or an
 * HTTP date), else Rocket.Chat's X-RateLimit-Reset (epoch milliseconds, §6).
 */
export function retryAfterSeconds(headers: Headers, now = Date.now()): number | undefined {
  const retryAfter = headers.get('retry-after');
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, Math.ceil((date - now) / 1000));
  }
  const reset = Number(headers.get('x-ratelimit-reset') ?? Number.NaN);
  return Number.isFinite(reset) && reset > 0 ? Math.max(0, Math.ceil((reset - now) / 1000)) : undefined;
}
