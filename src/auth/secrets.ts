import type { Config } from '../config/index.js';
import type { UpstreamSettings } from '../upstreams/settings.js';
import { forwardedCredentialHeaders } from './forwarded-credentials.js';

const REDACTED = '[redacted]';
/** Shorter values are not secrets worth the name and would mangle ordinary words. */
const MIN_SECRET_LENGTH = 6;

/** Every upstream credential in the configuration, the base URLs' own (`https://user:pass@host`) included. */
export function configuredSecrets(upstreams: UpstreamSettings): string[] {
  const { avaamo, vambe, rocketchat } = upstreams;
  return clean([
    avaamo?.userToken,
    ...(avaamo?.agents.map((agent) => agent.accessToken) ?? []),
    vambe?.apiKey,
    rocketchat?.userId,
    rocketchat?.authToken,
    ...[avaamo, vambe, rocketchat].flatMap((upstream) => urlSecrets(upstream?.baseUrl)),
  ]);
}

/** What no log line may hold: the upstream credentials, the metrics token, the cursor secret and Redis's password. */
export function serviceSecrets(config: Pick<Config, 'upstreams' | 'telemetry' | 'security' | 'scaling'>): string[] {
  return clean([
    ...configuredSecrets(config.upstreams),
    config.telemetry.metrics.token ?? undefined,
    config.security.cursorSecret ?? undefined,
    ...urlSecrets(config.scaling.redis?.url),
  ]);
}

/**
 * A URL's password, as written and decoded; its user name only when there is
 * no password (then the name is the credential: `https://api-key@host`). A
 * user name beside a password (`default`) is an ordinary word more often.
 */
function urlSecrets(url: string | undefined): string[] {
  if (!url) return [];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  const secret = parsed.password || parsed.username;
  if (!secret) return [];
  try {
    return [secret, decodeURIComponent(secret)];
  } catch {
    return [secret];
  }
}

/** The caller's API key and any upstream credentials it forwarded, as sent. */
export function requestSecrets(headers: Headers): string[] {
  // Every word of the header, not only a well-formed `Bearer <key>`: a key sent in a malformed one is still a secret.
  const authorization = (headers.get('authorization') ?? '').split(/\s+/).filter((word) => !/^bearer$/i.test(word));
  const forwarded = Object.values(forwardedCredentialHeaders).flatMap((name) => {
    const value = headers.get(name);
    if (value === null) return [];
    // Agent tokens travel as id=token pairs; each token is a secret on its own.
    return [value, ...value.split(',').map((pair) => pair.slice(pair.indexOf('=') + 1))];
  });
  return clean([...authorization, ...forwarded]);
}

/** The text with every occurrence of every secret replaced, longest first (one may contain another). */
export function scrub(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (result.includes(secret)) result = result.split(secret).join(REDACTED);
  }
  return result;
}

/** Every string inside a JSON-like value, scrubbed. */
export function scrubValue(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return scrub(value, secrets);
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, secrets));
  if (value && typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value))) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scrubValue(item, secrets)]));
  }
  return value;
}

function clean(values: ReadonlyArray<string | undefined>): string[] {
  const secrets = values.map((value) => value?.trim() ?? '').filter((value) => value.length >= MIN_SECRET_LENGTH);
  return [...new Set(secrets)].sort((a, b) => b.length - a.length);
}
