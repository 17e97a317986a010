import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sha256Hex } from '../../src/auth/callers.js';
import { loadConfig } from '../../src/config/index.js';
import { sandboxCredentials, sandboxRestrictedAgentId, sandboxSecondTenant } from '../../src/sandbox/credentials.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { createApp, createServiceLogger, type App } from '../../src/app.js';
import { sandboxEnv } from '../helpers.js';
import { postGraphQL, type RawResponse } from '../raw-request.js';

const KEYS = { writer: 'gateway-writer-key-1f0a8c2e9b', reader: 'gateway-reader-key-7d3b5e1a44' };
const FORWARDED_BOGUS = 'forwarded-token-nobody-issued-93a1';
/** Every value that must never come back: upstream tokens (both tenants), API keys, forwarded tokens. */
const SECRETS = [
  ...Object.values(KEYS),
  FORWARDED_BOGUS,
  sandboxCredentials.avaamoUserToken,
  sandboxCredentials.vambeApiKey,
  sandboxCredentials.rocketchatUserId,
  sandboxCredentials.rocketchatAuthToken,
  ...sandboxCredentials.avaamoAgents.map((agent) => agent.accessToken),
  sandboxSecondTenant.avaamoUserToken,
  sandboxSecondTenant.vambeApiKey,
  sandboxSecondTenant.rocketchatAuthToken,
  sandboxSecondTenant.avaamoAgents[0].accessToken,
];

/**
 * A vendor that repeats what it was sent in its error messages (some do):
 * every 4xx body names the credentials of the request. The sandbox behind it
 * is the real one.
 */
const echoingFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  if (response.status < 400 || response.status >= 500) return response;
  const sent = Object.values((init?.headers ?? {}) as Record<string, string>).join(' ');
  return new Response(JSON.stringify({ error: `request with ${sent} to ${String(input)} refused`, message: sent }), {
    status: response.status === 401 || response.status === 403 ? 422 : response.status,
    headers: { 'content-type': 'application/json' },
  });
};

let sandbox: Sandbox;
let app: App;
let url: string;
const logLines: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  const config = loadConfig(
    sandboxEnv(sandbox.url, {
      GATEWAY_API_KEYS: JSON.stringify([
        { name: 'writer', keySha256: sha256Hex(KEYS.writer), scopes: ['read', 'write'] },
        { name: 'reader', keySha256: sha256Hex(KEYS.reader), scopes: ['read'] },
      ]),
      FORWARD_UPSTREAM_CREDENTIALS: 'true',
    }),
  );
  const record =
    (level: string) =>
    (...args: unknown[]) =>
      logLines.push(`${level} ${args.map((arg) => (arg instanceof Error ? `${arg.stack}` : typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' ')}`);
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) vi.spyOn(console, level).mockImplementation(record(`console.${level}`));
  // Everything the gateway logs, at every level, as written to stdout.
  const traced = { ...config, telemetry: { ...config.telemetry, logLevel: 'trace' as const } };
  app = createApp({
    config: traced,
    logger: createServiceLogger(traced, { write: (line: string) => logLines.push(line) }),
    dependencies: { fetch: echoingFetch },
  });
  url = (await app.listen({ port: 0 })).url;
});
afterAll(async () => {
  vi.restoreAllMocks();
  await app.close();
  await sandbox.close();
});

const agentId = sandboxCredentials.avaamoAgents[0].id;
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const week = { from: new Date(Date.now() - 7 * 86_400_000).toISOString(), to: new Date().toISOString() };

describe('secrets never leave', () => {
  it('appear in no response body and no log line across a full suite of operations, failing ones included', async () => {
    const conversationUuid = sandbox.dataset.avaamo.agents[agentId]!.conversations[0]!.uuid;
    const everything = /* GraphQL */ `
      query Everything($agentId: Int!, $from: DateTime!, $to: DateTime!) {
        agents { nodes { agentId name messages(first: 3, includeDeviceInfo: true) { nodes { uuid content sender { firstName device { osName } } } } } }
        agent(agentId: $agentId) {
          name skills { name }
          unhandledMessages(first: 3, from: $from, to: $to) { totalCount nodes { id } }
          smsRecords(first: 3, from: $from, to: $to, fromPhone: "+1 (555) 010-0000") { totalCount }
        }
        contacts(status: UNATTENDED, first: 3) { totalCount nodes { id name } }
        agentConversationStats(start: $from, end: $to, first: 5) { totalConversations nodes { agentName } }
      }
    `;
    const post = 'mutation P($input: PostAgentMessageInput!) { postAgentMessage(input: $input) { success } }';
    const runs: Array<Promise<RawResponse>> = [
      // Succeeding.
      postGraphQL(url, { query: everything, variables: { agentId, ...week } }, bearer(KEYS.reader)),
      postGraphQL(url, { query: post, variables: { input: { agentId, conversationUuid, text: 'hello' } } }, bearer(KEYS.writer)),
      // Refused callers.
      postGraphQL(url, { query: everything, variables: { agentId, ...week } }),
      postGraphQL(url, { query: everything }, bearer(`${KEYS.writer}x`)),
      postGraphQL(url, { query: everything }, { authorization: KEYS.reader }),
      postGraphQL(url, { query: post, variables: { input: { agentId, conversationUuid, text: 'hi' } } }, bearer(KEYS.reader)),
      // Failing upstream calls: the vendor echoes the credentials it got.
      postGraphQL(url, { query: `{ agent(agentId: ${sandboxRestrictedAgentId}) { name } }` }, bearer(KEYS.reader)),
      postGraphQL(url, { query: post, variables: { input: { agentId, conversationUuid: 'f'.repeat(32), text: 'x' } } }, bearer(KEYS.writer)),
      postGraphQL(url, { query: post, variables: { input: { agentId: sandboxRestrictedAgentId, conversationUuid, text: 'x' } } }, bearer(KEYS.writer)),
      postGraphQL(url, { query: '{ agents { nodes { messages(first: 2) { totalCount } } } }' }, { ...bearer(KEYS.reader), 'x-avaamo-agent-token': `${agentId}=${FORWARDED_BOGUS}` }),
      postGraphQL(url, { query: '{ contacts(status: ATTENDED, first: 2) { totalCount } }' }, { ...bearer(KEYS.reader), 'x-vambe-api-key': FORWARDED_BOGUS }),
      postGraphQL(
        url,
        { query: everything, variables: { agentId: sandboxSecondTenant.avaamoAgents[0].id, ...week } },
        {
          ...bearer(KEYS.reader),
          'x-avaamo-access-token': sandboxSecondTenant.avaamoUserToken,
          'x-avaamo-agent-token': `${sandboxSecondTenant.avaamoAgents[0].id}=${sandboxSecondTenant.avaamoAgents[0].accessToken}`,
          'x-vambe-api-key': sandboxSecondTenant.vambeApiKey,
          'x-rocketchat-user-id': sandboxSecondTenant.rocketchatUserId,
          'x-rocketchat-auth-token': sandboxSecondTenant.rocketchatAuthToken,
        },
      ),
      postGraphQL(url, { query: '{ agents { totalCount } }' }, { ...bearer(KEYS.reader), 'x-rocketchat-auth-token': FORWARDED_BOGUS }),
      // Caller mistakes that repeat the caller's input, a key among it.
      postGraphQL(url, { query: 'query ($id: Int!) { agent(agentId: $id) { name } }', variables: { id: KEYS.reader } }, bearer(KEYS.reader)),
      postGraphQL(url, { query: `{ agent(agentId: 1) { name(x: "${KEYS.reader}") } }` }, bearer(KEYS.reader)),
      postGraphQL(url, `{"query": "${KEYS.writer}`, bearer(KEYS.writer)),
      postGraphQL(url, { query: '{ contacts(status: UNATTENDED, first: 1, after: "' + KEYS.reader + '") { totalCount } }' }, bearer(KEYS.reader)),
    ];
    const responses = await Promise.all(runs);

    // The suite did exercise what it claims: successes, refusals and upstream failures.
    expect(responses[0]!.data).toMatchObject({ agent: { name: expect.any(String) } });
    expect(responses[1]!.data).toEqual({ postAgentMessage: { success: true } });
    expect(responses[2]!.status).toBe(401);
    expect(responses[7]!.errors?.[0]?.extensions).toMatchObject({ upstream: 'avaamo', code: 'NOT_FOUND' });
    expect(responses[10]!.errors?.[0]?.extensions?.upstream).toBe('vambe');
    expect(responses.filter((response) => response.errors !== undefined).length).toBeGreaterThanOrEqual(14);
    expect(logLines.some((line) => /upstream (avaamo|vambe)/.test(line))).toBe(true);

    for (const response of responses) {
      const seen = `${response.text} ${[...response.headers].join(' ')}`;
      for (const secret of SECRETS) expect(seen, `a response carries ${secret}`).not.toContain(secret);
    }
    for (const line of logLines) {
      for (const secret of SECRETS) expect(line, `a log line carries ${secret}`).not.toContain(secret);
    }
  });
});
