import { createHash } from 'node:crypto';
import type { UpstreamRequest } from './client.js';

export type QueryValue = string | number | boolean | undefined;

/** URL with parameters in sorted order, so one request always has one spelling. */
export function canonicalUrl(baseUrl: string, path: string, query: Record<string, QueryValue> = {}): string {
  const url = new URL(baseUrl + path);
  for (const key of Object.keys(query).sort()) {
    const value = query[key];
    if (value !== undefined) url.searchParams.append(key, String(value));
  }
  return url.toString();
}

/**
 * What makes two requests the same request: method, canonical URL, body and
 * credentials. Credentials enter only as a hash, so the key can be kept and
 * logged without carrying a token, and two tokens never share a key.
 */
export function requestKey(request: UpstreamRequest<unknown>): string {
  const fingerprint = hash([sortedHeaders(request.headers), request.body ?? null]);
  return `${request.method} ${canonicalUrl(request.baseUrl, request.path, request.query)} ${fingerprint}`;
}

/**
 * A hash of the credential actually sent (every header a request carries is
 * an auth header): what cache entries and budgets belong to.
 */
export function credentialFingerprint(headers: Record<string, string>): string {
  return hash(sortedHeaders(headers));
}

function sortedHeaders(headers: Record<string, string>) {
  return Object.entries(headers)
    .map(([name, value]) => [name.toLowerCase(), value])
    .sort(([a], [b]) => (a! < b! ? -1 : 1));
}

function hash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 22);
}
