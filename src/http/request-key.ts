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

/** What the form encoding writes as it is. */
const FORM_SAFE = /^[A-Za-z0-9*._-]*$/;
/** What encodeURIComponent leaves as it is and the form encoding escapes. */
const FORM_ESCAPED = /[!'()~]/g;
const percent = (char: string) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`;

/**
 * A name or value as URLSearchParams writes it (application/x-www-form-urlencoded),
 * faster: as it is when nothing needs escaping (page numbers, epoch seconds),
 * else encodeURIComponent with a space as `+` and `!'()~` escaped.
 */
function formEncode(text: string): string {
  if (FORM_SAFE.test(text)) return text;
  try {
    return encodeURIComponent(text).replaceAll('%20', '+').replace(FORM_ESCAPED, percent);
  } catch {
    // A lone surrogate, which URLSearchParams writes as U+FFFD.
    return new URLSearchParams([['', text]]).toString().slice(1);
  }
}

/** URL with parameters in sorted order, so one request always has one spelling. */
export function canonicalUrl(baseUrl: string, path: string, query: Record<string, QueryValue> = {}): string {
  const pairs: string[] = [];
  const names = Object.keys(query).sort();
  for (const name of names) {
    const value = query[name];
    if (value !== undefined) pairs.push(`${formEncode(name)}=${formEncode(String(value))}`);
  }
  const href = bareHref(baseUrl + path);
  if (href !== null) return pairs.length === 0 ? href : `${href}?${pairs.join('&')}`;
  // A base or path with a query of its own: the parameters join it, as URL spells it.
  const url = new URL(baseUrl + path);
  for (const name of names) if (query[name] !== undefined) url.searchParams.append(name, String(query[name]));
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
