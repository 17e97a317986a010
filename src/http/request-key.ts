import { createHash } from 'node:crypto';
import type { UpstreamRequest } from './client.js';

export type QueryValue = string | number | boolean | undefined;

/** WHATWG URL parsing is the slow part of spelling a URL: each base + path is parsed once (a bounded memo). */
const MAX_HREFS = 1000;
const hrefs = new Map<string, string | null>();

/** The href of `base + path` when it holds no `?` or `#` of its own (so parameters append as `?…`); else null. */
function bareHref(baseAndPath: string): string | null {
  let href = hrefs.get(baseAndPath);
  if (href === undefined) {
    const parsed = new URL(baseAndPath).href;
    href = parsed.includes('?') || parsed.includes('#') ? null : parsed;
    if (hrefs.size >= MAX_HREFS) hrefs.clear();
    hrefs.set(baseAndPath, href);
  }
  return href;
}

/** URL with parameters in sorted order, so one request always has one spelling. */
export function canonicalUrl(baseUrl: string, path: string, query: Record<string, QueryValue> = {}): string {
  const params = new URLSearchParams();
  for (const key of Object.keys(query).sort()) {
    const value = query[key];
    if (value !== undefined) params.append(key, String(value));
  }
  const search = params.toString();
  const href = bareHref(baseUrl + path);
  if (href !== null) return search === '' ? href : `${href}?${search}`;
  // A base or path with a query of its own: the parameters join it, as URL spells it.
  const url = new URL(baseUrl + path);
  for (const [key, value] of params) url.searchParams.append(key, value);
  return url.toString();
}

const keys = new WeakMap<UpstreamRequest<unknown>, string>();
const fingerprints = new WeakMap<Record<string, string>, string>();

/**
 * What makes two requests the same request: method, canonical URL, body and
 * credentials. Credentials enter only as a hash, so the key can be kept and
 * logged without carrying a token, and two tokens never share a key.
 * Spelled once per request object: the loader, the cache and the budget
 * all ask for it.
 */
export function requestKey(request: UpstreamRequest<unknown>): string {
  let key = keys.get(request);
  if (key === undefined) {
    const body = request.body === undefined ? '' : ` ${hash(request.body)}`;
    key = `${request.method} ${canonicalUrl(request.baseUrl, request.path, request.query)} ${credentialFingerprint(request.headers)}${body}`;
    keys.set(request, key);
  }
  return key;
}

/**
 * A hash of the credential actually sent (every header a request carries is
 * an auth header): what cache entries and budgets belong to. Hashed once per
 * headers object.
 */
export function credentialFingerprint(headers: Record<string, string>): string {
  let fingerprint = fingerprints.get(headers);
  if (fingerprint === undefined) {
    fingerprint = hash(sortedHeaders(headers));
    fingerprints.set(headers, fingerprint);
  }
  return fingerprint;
}

function sortedHeaders(headers: Record<string, string>) {
  return Object.entries(headers)
    .map(([name, value]) => [name.toLowerCase(), value])
    .sort(([a], [b]) => (a! < b! ? -1 : 1));
}

function hash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 22);
}
