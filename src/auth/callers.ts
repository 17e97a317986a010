import { createHash, timingSafeEqual } from 'node:crypto';
import type { Scope, SecuritySettings } from './settings.js';

export interface Caller {
  /** The key's name from GATEWAY_API_KEYS, or 'anonymous' on an open gateway. */
  name: string;
  scopes: readonly Scope[];
  /** Operations a minute it may run: its key's `ratePerMinute`, else RATE_LIMIT_PER_MINUTE; 0 for no limit. */
  ratePerMinute: number;
}

export type Identification = { caller: Caller } | { refused: string };

/** Whom a per-caller limit counts: the API key; on an open gateway, where the request came from. */
export function callerKey(caller: Caller, address: string | undefined): string {
  return caller.name === 'anonymous' ? `address ${address ?? 'unknown'}` : `key ${caller.name}`;
}

export const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Who is calling, from `Authorization: Bearer <key>`. Keys are compared by
 * their SHA-256 in constant time, so neither the list nor the timing tells
 * a guesser anything; the refusal never repeats what was sent.
 */
export function createCallerIdentifier(security: Pick<SecuritySettings, 'auth' | 'apiKeys' | 'rateLimitPerMinute'>) {
  const keys = security.apiKeys.map((key) => ({
    digest: Buffer.from(key.keySha256, 'hex'),
    caller: Object.freeze({ name: key.name, scopes: key.scopes, ratePerMinute: key.ratePerMinute ?? security.rateLimitPerMinute }),
  }));
  const anonymous: Caller = Object.freeze({
    name: 'anonymous',
    scopes: Object.freeze(['read', 'write'] as const),
    ratePerMinute: security.rateLimitPerMinute,
  });
  const memo = new WeakMap<Request, Identification>();

  const identifyHeader = (authorization: string | null): Identification => {
    if (security.auth === 'open') return { caller: anonymous };
    if (keys.length === 0) return { refused: 'This gateway has no API keys configured yet (GATEWAY_API_KEYS); it refuses every request.' };
    if (!authorization) return { refused: 'An API key is required: send `Authorization: Bearer <key>`.' };
    const match = /^Bearer +([^\s]+) *$/i.exec(authorization);
    if (!match) return { refused: 'The Authorization header must be `Bearer <key>`.' };
    const digest = createHash('sha256').update(match[1]!, 'utf8').digest();
    const found = keys.find((candidate) => timingSafeEqual(candidate.digest, digest));
    return found ? { caller: found.caller } : { refused: 'The API key is not valid.' };
  };

  return {
    /** Once per request, however many plugins ask. */
    identify(request: Request): Identification {
      let identification = memo.get(request);
      if (!identification) {
        identification = identifyHeader(request.headers.get('authorization'));
        memo.set(request, identification);
      }
      return identification;
    },
    /** From the Authorization header itself: for a request answered before Yoga (response-cache/hit-path.ts). */
    identifyAuthorization: identifyHeader,
  };
}

export type CallerIdentifier = ReturnType<typeof createCallerIdentifier>;
