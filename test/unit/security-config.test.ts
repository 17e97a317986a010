import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';

const key = { name: 'ci', keySha256: 'a'.repeat(64), scopes: ['read'] };
const vambe = { VAMBE_BASE_URL: 'https://api.vambe.me', VAMBE_API_KEY: 'k' };

describe('who may call (mode rules)', () => {
  it('runs the sandbox open without keys, and says so at start', () => {
    const config = loadConfig({});
    expect(config.security.auth).toBe('open');
    expect(config.warnings.join('\n')).toMatch(/runs open on the sandbox/);
  });

  it('asks keys in every mode once they are set, the sandbox included', () => {
    const onSandbox = loadConfig({ GATEWAY_API_KEYS: JSON.stringify([key]) });
    expect(onSandbox.security).toMatchObject({ auth: 'keys', apiKeys: [key] });
    const offAsked = loadConfig({ ...vambe, GATEWAY_API_KEYS: JSON.stringify([key]), GATEWAY_AUTH: 'off' });
    expect(offAsked.security.auth).toBe('keys');
    expect(offAsked.warnings.join('\n')).toMatch(/GATEWAY_AUTH=false is ignored/);
  });

  it('keeps real upstreams closed without keys, unless GATEWAY_AUTH=off says so', () => {
    const closed = loadConfig(vambe);
    expect(closed.security).toMatchObject({ auth: 'keys', apiKeys: [] });
    expect(closed.warnings.join('\n')).toMatch(/every request is refused/);
    const open = loadConfig({ ...vambe, GATEWAY_AUTH: 'off' });
    expect(open.security.auth).toBe('open');
    expect(open.warnings.join('\n')).toMatch(/GATEWAY_AUTH=false: the gateway asks no API key/);
  });

  it('takes a rate per key, and a default a team\'s dashboard backend does not reach', () => {
    const config = loadConfig({ GATEWAY_API_KEYS: JSON.stringify([key, { ...key, name: 'backend', ratePerMinute: 20_000 }]) });
    expect(config.security.apiKeys.map((apiKey) => apiKey.ratePerMinute)).toEqual([undefined, 20_000]);
    // 20 connections polling three times a second each.
    expect(config.security.rateLimitPerMinute).toBeGreaterThanOrEqual(20 * 3 * 60);
    expect(() => loadConfig({ GATEWAY_API_KEYS: JSON.stringify([{ ...key, ratePerMinute: -1 }]) })).toThrow(/GATEWAY_API_KEYS/);
    expect(() => loadConfig({ GATEWAY_API_KEYS: JSON.stringify([{ ...key, ratePerMinute: '100' }]) })).toThrow(/GATEWAY_API_KEYS/);
  });

  it('refuses a key list that stores keys instead of hashes, or unknown scopes', () => {
    expect(() => loadConfig({ GATEWAY_API_KEYS: '[{"name": "x", "keySha256": "my-secret", "scopes": ["read"]}]' })).toThrow(ConfigError);
    expect(() => loadConfig({ GATEWAY_API_KEYS: JSON.stringify([{ ...key, scopes: ['admin'] }]) })).toThrow(/GATEWAY_API_KEYS/);
  });
});

describe('production defaults (NODE_ENV=production)', () => {
  it('turns introspection and GraphiQL off and CSRF prevention on', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).security).toMatchObject({ introspection: false, graphiql: false, csrfPrevention: true });
    expect(loadConfig({}).security).toMatchObject({ introspection: true, graphiql: true, csrfPrevention: false });
  });

  it('lets introspection and GraphiQL be enabled explicitly, and reads CORS origins', () => {
    const config = loadConfig({ NODE_ENV: 'production', INTROSPECTION: 'true', GRAPHIQL: 'true', CORS_ORIGINS: 'https://a.example, https://b.example' });
    expect(config.security).toMatchObject({ introspection: true, graphiql: true, corsOrigins: ['https://a.example', 'https://b.example'] });
  });
});

describe('the cursor secret (CURSOR_SECRET)', () => {
  it('warns at start that cursors die with the process without it', () => {
    const config = loadConfig({});
    expect(config.security.cursorSecret).toBeNull();
    expect(config.warnings.join('\n')).toMatch(/No CURSOR_SECRET: .*stop working when it restarts and are refused by other replicas/);
  });

  it('takes a secret of 32 characters or more, and refuses a shorter one', () => {
    const secret = 'q'.repeat(32);
    const config = loadConfig({ CURSOR_SECRET: secret });
    expect(config.security.cursorSecret).toBe(secret);
    expect(config.warnings.join('\n')).not.toMatch(/CURSOR_SECRET/);
    expect(() => loadConfig({ CURSOR_SECRET: 'short' })).toThrow(/CURSOR_SECRET: must be at least 32 characters/);
  });
});
