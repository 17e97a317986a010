import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-request-id';
const ACCEPTED = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * The caller's `x-request-id` when it is one a log line can carry safely (at
 * most 128 characters of letters, digits, `.`, `_`, `-`), else a new one:
 * the id ties the caller's logs, ours and the upstreams' together, so a
 * malformed one is replaced rather than refused.
 */
export function requestIdFrom(header: string | string[] | undefined): string {
  const sent = Array.isArray(header) ? header[0] : header;
  return sent !== undefined && ACCEPTED.test(sent) ? sent : randomUUID();
}
