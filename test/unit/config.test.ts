import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { loadSandboxSettings, sandboxUpstreams } from '../../src/sandbox/settings.js';

describe('configuration', () => {
  it('runs on the sandbox when no upstream is set', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.embeddedSandbox).toBe(true);
    // main.ts points every upstream at the sandbox once it listens.
    expect(config.upstreams).toEqual({ avaamo: null, vambe: null, rocketchat: null });
    expect(loadSandboxSettings({})).toMatchObject({ port: 4010, latencyMs: 0 });
    const upstreams = sandboxUpstreams('http://127.0.0.1:4010');
    expect(upstreams.avaamo?.baseUrl).toBe('http://127.0.0.1:4010');
    expect(upstreams.avaamo?.agents.length).toBeGreaterThanOrEqual(5);
  });

  it('uses real upstreams once one is set, and reports the others as missing', () => {
    const config = loadConfig({
      VAMBE_BASE_URL: 'https://api.vambe.me/',
      VAMBE_API_KEY: 'k',
    });
    expect(config.embeddedSandbox).toBe(false);
    expect(config.upstreams.vambe).toEqual({ baseUrl: 'https://api.vambe.me', apiKey: 'k' });
    expect(config.upstreams.avaamo).toBeNull();
    expect(config.upstreams.rocketchat).toBeNull();
    expect(config.warnings.join('\n')).toMatch(/Avaamo is not configured.*AVAAMO_BASE_URL/);
    expect(config.warnings.join('\n')).toMatch(/Rocket.Chat is not configured/);
  });

  it('parses the agent list', () => {
    const config = loadConfig({
      SANDBOX: 'off',
      AVAAMO_BASE_URL: 'https://cx.avaamo.com',
      AVAAMO_USER_TOKEN: 'u',
      AVAAMO_AGENTS: '[{"id": 20457, "accessToken": "a"}]',
    });
    expect(config.upstreams.avaamo?.agents).toEqual([{ id: 20457, accessToken: 'a' }]);
  });

  it('reports every problem at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', SANDBOX: 'maybe', AVAAMO_BASE_URL: 'ftp://x', AVAAMO_AGENTS: '{not json' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['PORT', 'SANDBOX', 'AVAAMO_BASE_URL', 'AVAAMO_AGENTS']) expect(problems).toContain(name);
  });

  it('refuses a half-configured upstream instead of silently ignoring it', () => {
    let error: unknown;
    try {
      loadConfig({ VAMBE_API_KEY: 'k', ROCKETCHAT_BASE_URL: 'https://chat.example.com' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/Vambe is half configured: VAMBE_BASE_URL/);
    expect(problems).toMatch(/Rocket.Chat is half configured: ROCKETCHAT_USER_ID, ROCKETCHAT_AUTH_TOKEN/);
  });

  it('refuses repeated agent ids', () => {
    expect(() =>
      loadConfig({
        AVAAMO_BASE_URL: 'https://cx.avaamo.com',
        AVAAMO_USER_TOKEN: 'u',
        AVAAMO_AGENTS: '[{"id": 1, "accessToken": "a"}, {"id": 1, "accessToken": "b"}]',
      }),
    ).toThrow(/unique \(repeated: 1\)/);
  });

  it('spares the upstreams by default: cache on, the vendors\' budgets, 6 calls in flight', () => {
    const { traffic } = loadConfig({});
    expect(traffic.cache).toMatchObject({ enabled: true, maxBytes: 64 * 1024 * 1024, maxStaleSeconds: 300 });
    expect(traffic.cache.policies['avaamo.messages'].ttlSeconds).toBe(15);
    expect(traffic.cache.policies['vambe.contactsByStatus'].ttlSeconds).toBe(5);
    expect(traffic.budgets.rules).toEqual({
      avaamo: { callsPerMinute: 50, perRoute: false },
      vambe: null,
      rocketchat: { callsPerMinute: 10, perRoute: true },
    });
    expect(traffic).toMatchObject({ maxConcurrentPerUpstream: 6, debugUpstream: false, dataloader: true, maxReportEntries: 10_000 });
    // Windows wholly in the past (issue 16): an hour, refreshed behind the caller's back.
    for (const route of ['avaamo.messages.past', 'avaamo.smsReport.past', 'avaamo.unhandledMessages.past'] as const) {
      expect(traffic.cache.policies[route]).toEqual({ ttlSeconds: 3600, staleWhileRevalidate: true });
    }
  });

  it('takes MAX_REPORT_ENTRIES, within bounds', () => {
    expect(loadConfig({ MAX_REPORT_ENTRIES: '500' }).traffic.maxReportEntries).toBe(500);
    expect(() => loadConfig({ MAX_REPORT_ENTRIES: '0' })).toThrow(/MAX_REPORT_ENTRIES/);
  });

  it('takes TTL overrides per route and budgets per upstream, and refuses what it cannot use', () => {
    const { traffic } = loadConfig({ CACHE_TTL_SECONDS: '{"avaamo.messages": 30, "avaamo.smsReport.past": 7200}', AVAAMO_CALLS_PER_MINUTE: '0', CACHE: 'off' });
    expect(traffic.cache.policies['avaamo.messages']).toEqual({ ttlSeconds: 30, staleWhileRevalidate: false });
    expect(traffic.cache.policies['avaamo.smsReport.past'].ttlSeconds).toBe(7200);
    expect(traffic.cache.enabled).toBe(false);
    expect(traffic.budgets.rules.avaamo).toBeNull();
    expect(() => loadConfig({ CACHE_TTL_SECONDS: '{"avaamo.mesages": 30}' })).toThrow(/CACHE_TTL_SECONDS/);
    expect(() => loadConfig({ AVAAMO_CALLS_PER_MINUTE: '1' })).toThrow(/at least 2/);
    expect(() => loadConfig({ CACHE_MAX_BYTES: 'lots' })).toThrow(/CACHE_MAX_BYTES/);
  });

  it('runs the response cache unless RESPONSE_CACHE=false, or CACHE=false turns every cache off', () => {
    expect(loadConfig({}).traffic.responseCache).toEqual({ enabled: true, maxBytes: 32 * 1024 * 1024 });
    expect(loadConfig({ RESPONSE_CACHE: 'false' }).traffic.responseCache.enabled).toBe(false);
    expect(loadConfig({ CACHE: 'false' }).traffic.responseCache.enabled).toBe(false);
    expect(loadConfig({ RESPONSE_CACHE_MAX_BYTES: '1000' }).traffic.responseCache.maxBytes).toBe(1000);
    expect(() => loadConfig({ RESPONSE_CACHE: 'yes' })).toThrow(/RESPONSE_CACHE/);
  });

  it('bounds how long a client may take to send a request, and refuses headers outliving their request', () => {
    expect(loadConfig({}).http).toEqual({ requestTimeoutMs: 30_000, headersTimeoutMs: 10_000, keepAliveTimeoutMs: 5_000 });
    const set = loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '60000', HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_KEEP_ALIVE_TIMEOUT_MS: '65000' });
    expect(set.http).toEqual({ requestTimeoutMs: 60_000, headersTimeoutMs: 20_000, keepAliveTimeoutMs: 65_000 });
    expect(() => loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '5000' })).toThrow(/HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS/);
    // No way to turn a bound off: Node reads 0 as "never".
    expect(() => loadConfig({ HTTP_KEEP_ALIVE_TIMEOUT_MS: '0' })).toThrow(/HTTP_KEEP_ALIVE_TIMEOUT_MS/);
  });
});

describe('boolean settings', () => {
  const vambe = { VAMBE_BASE_URL: 'https://api.vambe.me', VAMBE_API_KEY: 'k' };
  const settings: [string, (env: Record<string, string>) => boolean][] = [
    ['CACHE', (env) => loadConfig(env).traffic.cache.enabled],
    ['DATALOADER', (env) => loadConfig(env).traffic.dataloader],
    ['DEBUG_UPSTREAM', (env) => loadConfig(env).traffic.debugUpstream],
    ['FORWARD_UPSTREAM_CREDENTIALS', (env) => loadConfig(env).security.forwardUpstreamCredentials],
    ['INTROSPECTION', (env) => loadConfig({ NODE_ENV: 'production', ...env }).security.introspection],
    ['GRAPHIQL', (env) => loadConfig({ NODE_ENV: 'production', ...env }).security.graphiql],
    // Without keys on real upstreams, GATEWAY_AUTH alone decides whether a key is asked.
    ['GATEWAY_AUTH', (env) => loadConfig({ ...vambe, ...env }).security.auth === 'keys'],
    ['SANDBOX_RATE_LIMITS', (env) => loadSandboxSettings(env).rateLimits],
  ];
  const spellings: [string, boolean][] = [
    ['true', true],
    ['false', false],
    ['on', true],
    ['off', false],
    ['1', true],
    ['0', false],
  ];

  it.each(settings)('%s reads true/false, and on/off and 1/0 as the same', (name, read) => {
    for (const [spelling, expected] of spellings) expect(read({ [name]: spelling }), `${name}=${spelling}`).toBe(expected);
  });

  it('refuses any other spelling, naming the variable and the one to use', () => {
    for (const [name, read] of settings) {
      expect(() => read({ [name]: 'yes' }), name).toThrow(ConfigError);
      expect(() => read({ [name]: 'TRUE ' }), name).toThrow(new RegExp(`${name}: must be true or false`));
    }
  });

  it('takes a blank value as unset', () => {
    expect(loadConfig({ CACHE: ' ', DEBUG_UPSTREAM: '', FORWARD_UPSTREAM_CREDENTIALS: '' })).toMatchObject({
      traffic: { cache: { enabled: true }, debugUpstream: false },
      security: { forwardUpstreamCredentials: false },
    });
    expect(loadSandboxSettings({ SANDBOX_RATE_LIMITS: '' }).rateLimits).toBe(false);
  });
});
