import { describe, expect, it } from 'vitest';
import { bearerToken, matchesDigest, sha256Digest } from '../../src/auth/bearer.js';
import { createCallerIdentifier, sha256Hex } from '../../src/auth/callers.js';
import { withForwardedCredentials } from '../../src/auth/forwarded-credentials.js';
import { configuredSecrets, requestSecrets, scrub, scrubValue, serviceSecrets } from '../../src/auth/secrets.js';
import { createServiceLogger } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { createLogCapture } from '../log-capture.js';
import type { UpstreamSettings } from '../../src/upstreams/settings.js';

const request = (headers: Record<string, string>) => new Request('http://gateway.test/graphql', { headers });

describe('caller identification', () => {
  const identifier = createCallerIdentifier({
    auth: 'keys',
    apiKeys: [
      { name: 'ci', keySha256: sha256Hex('the-key-123'), scopes: ['read'] },
      { name: 'backend', keySha256: sha256Hex('the-key-456'), scopes: ['read'], ratePerMinute: 30_000 },
      { name: 'batch-job', keySha256: sha256Hex('the-key-789'), scopes: ['read'], ratePerMinute: 0 },
    ],
    rateLimitPerMinute: 100,
  });

  it('knows a listed key by its hash, with its scopes and the default rate', () => {
    expect(identifier.identify(request({ authorization: 'Bearer the-key-123' }))).toEqual({
      caller: { name: 'ci', scopes: ['read'], ratePerMinute: 100 },
    });
    expect(identifier.identify(request({ authorization: 'bearer the-key-123' }))).toHaveProperty('caller');
  });

  it("gives a key its own ratePerMinute, 0 included (no limit)", () => {
    expect(identifier.identify(request({ authorization: 'Bearer the-key-456' }))).toMatchObject({ caller: { name: 'backend', ratePerMinute: 30_000 } });
    expect(identifier.identify(request({ authorization: 'Bearer the-key-789' }))).toMatchObject({ caller: { name: 'batch-job', ratePerMinute: 0 } });
  });

  it('refuses anything else without repeating it', () => {
    for (const authorization of ['Bearer the-key-1234', 'Basic dGhlLWtleS0xMjM=', 'the-key-123', 'Bearer', 'Bearer the-key-123 extra']) {
      const result = identifier.identify(request({ authorization }));
      expect(result).toHaveProperty('refused');
      expect(JSON.stringify(result)).not.toContain('the-key');
    }
  });

  it('lets everyone in as anonymous with every scope when open', () => {
    const open = createCallerIdentifier({ auth: 'open', apiKeys: [], rateLimitPerMinute: 100 });
    expect(open.identify(request({}))).toEqual({ caller: { name: 'anonymous', scopes: ['read', 'write'], ratePerMinute: 100 } });
  });
});

describe('forwarded credentials', () => {
  const configured: UpstreamSettings = {
    avaamo: { baseUrl: 'https://avaamo.test', userToken: 'configured-user', agents: [{ id: 1, accessToken: 'configured-agent' }] },
    vambe: { baseUrl: 'https://vambe.test', apiKey: 'configured-vambe' },
    rocketchat: null,
  };

  it('replaces an upstream\'s credentials whole, and keeps base URLs and the other upstreams', () => {
    const upstreams = withForwardedCredentials(
      configured,
      new Headers({ 'x-avaamo-agent-token': '7=tok=en, 8 = other', 'x-rocketchat-user-id': 'u', 'x-rocketchat-auth-token': 't' }),
    );
    expect(upstreams.avaamo).toEqual({ baseUrl: 'https://avaamo.test', userToken: '', agents: [{ id: 7, accessToken: 'tok=en' }, { id: 8, accessToken: 'other' }] });
    expect(upstreams.vambe).toBe(configured.vambe);
    expect(upstreams.rocketchat).toBeNull();
  });

  it('refuses malformed agent tokens and half a Rocket.Chat credential', () => {
    for (const value of ['token-without-id', '=x', 'x=y', '1=', '1=a,1=b', '-3=a']) {
      expect(() => withForwardedCredentials(configured, new Headers({ 'x-avaamo-agent-token': value }))).toThrow(/agentId/);
    }
    expect(() => withForwardedCredentials(configured, new Headers({ 'x-rocketchat-auth-token': 't' }))).toThrow(/go together/);
  });
});

describe('scrubbing', () => {
  it('replaces every occurrence of every secret, longest first', () => {
    const secrets = ['abcdef-long-token', 'abcdef'].sort((a, b) => b.length - a.length);
    expect(scrub('x abcdef-long-token y abcdef z', secrets)).toBe('x [redacted] y [redacted] z');
    expect(scrubValue({ a: ['abcdef'], b: { c: 'ok' }, n: 1 }, secrets)).toEqual({ a: ['[redacted]'], b: { c: 'ok' }, n: 1 });
  });

  it('takes the caller\'s key and each forwarded agent token as secrets', () => {
    const secrets = requestSecrets(new Headers({ authorization: 'Bearer caller-key-1', 'x-avaamo-agent-token': '1=agent-token-a,2=agent-token-b' }));
    expect(secrets).toEqual(expect.arrayContaining(['caller-key-1', 'agent-token-a', 'agent-token-b']));
  });
});

describe('the secrets of the configuration', () => {
  it('include a base URL\'s password (or its user name when it has none) and REDIS_URL\'s password, as written and decoded', () => {
    const config = loadConfig({
      SANDBOX: 'off',
      AVAAMO_BASE_URL: 'https://avaamo-user:p%40ss-word-1@avaamo.example',
      AVAAMO_USER_TOKEN: 'avaamo-user-token',
      VAMBE_BASE_URL: 'https://vambe-api-key-1@vambe.example',
      VAMBE_API_KEY: 'vambe-key-000',
      REDIS_URL: 'redis://default:redis-pass-1@cache.internal:6379',
      REPLICAS: '2',
      GATEWAY_AUTH: 'false',
    });
    const secrets = serviceSecrets(config);
    expect(secrets).toEqual(expect.arrayContaining(['p%40ss-word-1', 'p@ss-word-1', 'vambe-api-key-1', 'redis-pass-1', 'avaamo-user-token']));
    // A user name beside a password is an ordinary word more often than not.
    expect(secrets).not.toContain('avaamo-user');
    expect(secrets).not.toContain('default');
    expect(configuredSecrets(config.upstreams)).toEqual(expect.arrayContaining(['p@ss-word-1', 'vambe-api-key-1']));
  });

  it('are scrubbed from every line the service logger writes', () => {
    const config = loadConfig({ REDIS_URL: 'redis://:redis-pass-2@cache.internal:6379', REPLICAS: '2', METRICS_TOKEN: 'metrics-token-2-of-16-chars' });
    const capture = createLogCapture([]);
    createServiceLogger(config, capture).warn({ url: config.scaling.redis?.url }, 'redis at redis://:redis-pass-2@cache.internal, metrics-token-2-of-16-chars');
    const [line] = capture.lines();
    expect(JSON.stringify(line)).not.toMatch(/redis-pass-2|metrics-token-2/);
    expect(line).toMatchObject({ url: 'redis://:[redacted]@cache.internal:6379' });
  });
});

describe('the one Bearer parser', () => {
  it('takes `Bearer <token>` (any case, spaces around) and nothing else', () => {
    expect(bearerToken('Bearer abc.def-123')).toBe('abc.def-123');
    expect(bearerToken('bearer   abc  ')).toBe('abc');
    for (const refused of [null, undefined, '', 'Basic abc', 'Bearer', 'Bearer a b', ' Bearer abc', 'Bearerabc']) expect(bearerToken(refused)).toBeNull();
  });

  it('compares a key with a kept digest, never matching another key or length', () => {
    const kept = sha256Digest('caller-key-1');
    expect(matchesDigest('caller-key-1', kept)).toBe(true);
    expect(matchesDigest('caller-key-2', kept)).toBe(false);
    expect(matchesDigest('caller-key-1', Buffer.from('short'))).toBe(false);
  });

  it('still scrubs a key sent in a malformed header, which the parser refuses', () => {
    expect(requestSecrets(new Headers({ authorization: '  Bearer caller-key-3 trailing-junk' }))).toEqual(expect.arrayContaining(['caller-key-3', 'trailing-junk']));
  });
});
