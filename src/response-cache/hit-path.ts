import { isUtf8 } from 'node:buffer';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { getCORSHeadersByRequestAndOptions, type CORSOptions } from '@whatwg-node/server';
import type { GraphQLParams } from 'graphql-yoga';
import type { Caller, CallerIdentifier } from '../auth/callers.js';
import { admit, type RateVerdict, type RateWindows } from '../auth/rate-windows.js';
import { wantsUpstreamStats } from '../http/upstream-stats.js';
import { hitText } from './hit-text.js';
import type { ResponseKeyOf } from './key.js';
import type { ResponseCache } from './response-cache.js';

export interface HitPathOptions {
  cache: ResponseCache;
  keyOf: ResponseKeyOf;
  callers: CallerIdentifier;
  /** Where plugins/use-rate-limit.ts counts each caller's operations: a hit counts there too. */
  rateWindows: RateWindows;
  /** The options Yoga's CORS plugin was given, so a hit carries the headers Yoga's answer would. */
  cors: CORSOptions;
  /** The GraphQL endpoint's path. */
  endpoint: string;
  /** DEBUG_UPSTREAM: every response carries `extensions.upstream`. */
  alwaysStats: boolean;
  /** Told of each hit answered here, for what Yoga's plugins would have counted and logged of it. */
  onHit(req: IncomingMessage, operationName: string | null, caller: Caller): void;
}

/** Answers the request and says true, or leaves it untouched for Yoga and says false. */
export type HitPath = (req: IncomingMessage, res: ServerResponse, body: Buffer) => boolean | Promise<boolean>;

/**
 * A POST that Yoga would parse as one JSON operation, with a charset Yoga
 * accepts: `application/json`, bare or `; charset=utf-8`. Yoga reads any
 * other spelling in its own way (or refuses it).
 */
const PLAIN_JSON = /^application\/json(?:; ?charset=(?:utf-8|UTF-8))?$/;

/**
 * A response-cache hit answered straight from node:http, before Yoga: the
 * same status, headers and text as Yoga's answer (plugins/use-response-cache.ts),
 * without building a Fetch Request and Response, parsing or running any plugin.
 * Only the plainest request is answered here: one POSTed JSON operation to the
 * endpoint (`query`, `variables`, `operationName`, nothing else), its body
 * already read whole and valid UTF-8, a valid API key, a result stored for its
 * key, the caller within its rate limit (the hit counts against it), and an
 * Accept header for which Yoga would answer JSON. Everything else, every
 * refusal included, is Yoga's to answer as it always does: a request this path
 * declines has changed nothing (a declined hit over the rate limit counted,
 * and is refused by Yoga). Request ids, spans and the log line come from the
 * request handler around it; what Yoga's plugins would record of a hit (the
 * operation, its caller, the response-cache metric) is `onHit`'s. Not used
 * with PERSISTED_OPERATIONS=only.
 */
export function createHitPath({ cache, keyOf, callers, rateWindows, cors, endpoint, alwaysStats, onHit }: HitPathOptions): HitPath {
  return (req, res, body) => {
    if (req.method !== 'POST' || req.url !== endpoint || req.headers['content-encoding'] !== undefined) return false;
    const headers = nodeHeaders(req.headers);
    if (!PLAIN_JSON.test(headers.get('content-type') ?? '')) return false;
    const mediaType = jsonMediaTypeFor(headers.get('accept'));
    if (mediaType === null || !isUtf8(body)) return false;
    const params = plainParams(body);
    if (!params) return false;
    const identification = callers.identifyAuthorization(headers.get('authorization'));
    if (!('caller' in identification)) return false;
    const { caller } = identification;
    const found = cache.lookup(keyOf(params, caller, headers));
    const send = (stored: NonNullable<Awaited<typeof found>>) => (verdict: RateVerdict | null): boolean => {
      if (verdict && !verdict.allowed) return false;
      onHit(req, params.operationName ?? null, caller);
      const text = hitText(stored.text, wantsUpstreamStats(headers, alwaysStats));
      // Named and ordered as Yoga sends them (its Response's own headers, then the CORS plugin's, lower-cased).
      const sent: Record<string, string> = { 'Content-Type': `${mediaType}; charset=utf-8`, 'content-length': String(Buffer.byteLength(text)) };
      const corsHeaders = getCORSHeadersByRequestAndOptions({ headers } as Request, cors);
      for (const name in corsHeaders) sent[name.toLowerCase()] = corsHeaders[name]!;
      res.writeHead(200, sent);
      res.end(text);
      return true;
    };
    const answer = (stored: Awaited<typeof found>): boolean | Promise<boolean> => {
      if (!stored) return false;
      return admit(rateWindows, caller, req.socket.remoteAddress, send(stored));
    };
    return found instanceof Promise ? found.then(answer) : answer(found);
  };
}

/** Node's request headers read as a Fetch `Headers` reads them (a repeated header's values joined with ", "). */
function nodeHeaders(headers: IncomingHttpHeaders): Pick<Headers, 'get'> {
  return {
    get(name) {
      const value = headers[name];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

/** The body's operation when it is exactly one with the standard parameters of the types Yoga accepts; else null. */
function plainParams(body: Buffer): GraphQLParams | null {
  let params: unknown;
  try {
    params = JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
  if (params === null || typeof params !== 'object' || Array.isArray(params)) return null;
  const record = params as Record<string, unknown>;
  for (const name in record) {
    const value = record[name];
    if (value === null || value === undefined) continue;
    const valid =
      name === 'query' || name === 'operationName' ? typeof value === 'string' : name === 'variables' && typeof value === 'object' && !Array.isArray(value);
    if (!valid) return null;
  }
  return typeof record.query === 'string' ? (record as GraphQLParams) : null;
}

/** Yoga's result processors for a single result, in its order: the last that matches an accepted type answers. */
const PROCESSORS: ReadonlyArray<{ json: boolean; mediaTypes: readonly string[] }> = [
  { json: false, mediaTypes: ['text/event-stream'] },
  { json: false, mediaTypes: ['multipart/mixed'] },
  { json: true, mediaTypes: ['application/graphql-response+json', 'application/json'] },
];

/**
 * The media type Yoga answers a single result with for this Accept header,
 * when it is one of its JSON ones; null when Yoga would stream it (SSE,
 * multipart) or answer 406. Yoga's own negotiation (its result processors and
 * accept.ts), step for step: parameters other than a utf-8 charset rule a type
 * out, and of all matches the last one wins.
 */
export function jsonMediaTypeFor(accept: string | null): string | null {
  const requested: string[] = [];
  for (const entry of (accept || '*/*').replace(/\s/g, '').toLowerCase().split(',')) {
    const [mediaType, ...parameters] = entry.split(';');
    const charset = parameters.find((parameter) => parameter.includes('charset=')) || 'charset=utf-8';
    if (charset === 'charset=utf-8') requested.push(mediaType!);
  }
  requested.reverse();
  let chosen: { json: boolean; mediaType: string } | null = null;
  for (const processor of PROCESSORS) {
    for (const asked of requested) {
      for (const mediaType of processor.mediaTypes) {
        if (matches(mediaType, asked)) chosen = { json: processor.json, mediaType };
      }
    }
  }
  return chosen?.json ? chosen.mediaType : null;
}

function matches(offered: string, asked: string): boolean {
  const [offeredType, offeredSubtype] = offered.split('/');
  const [type, subtype] = asked.split('/');
  return (type === '*' || type === offeredType) && (subtype === '*' || subtype === offeredSubtype);
}
