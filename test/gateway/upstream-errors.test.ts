import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sandboxRestrictedAgentId } from '../../src/sandbox/credentials.js';
import { agentIds, errorAt, startStack, upstreamTotals, type Stack } from '../helpers.js';

const WIDE = /* GraphQL */ `
  query Wide($agentId: Int!) {
    agents { totalCount }
    agent(agentId: $agentId) {
      agentId
      name
      messages(first: 2) { totalCount }
      unhandledMessages(first: 2) { totalCount }
      smsRecords(first: 2) { totalCount }
    }
    contacts(status: UNATTENDED, first: 2) { totalCount }
  }
`;
interface WideData {
  agents: { totalCount: number };
  agent: Record<string, unknown> | null;
  contacts: { totalCount: number } | null;
}

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('upstream failures cost only the fields that depend on them', () => {
  it('a rejected Avaamo user token is UNAUTHENTICATED on its fields; the rest resolves', async () => {
    stack = await startStack({ env: { AVAAMO_USER_TOKEN: 'revoked-token' } });
    const messages = await upstreamTotals.messages(stack, agentIds[0]!);
    const unattended = await upstreamTotals.contacts(stack, 'unattended');
    const response = await stack.execute<WideData>(WIDE, { agentId: agentIds[0] });
    for (const field of ['name', 'unhandledMessages', 'smsRecords']) {
      expect(errorAt(response, ['agent', field])?.extensions).toMatchObject({
        code: 'UNAUTHENTICATED',
        upstream: 'avaamo',
        upstreamStatus: 401,
      });
    }
    expect(response.errors).toHaveLength(3);
    expect(response.data!.agent).toMatchObject({ agentId: agentIds[0], name: null, unhandledMessages: null, smsRecords: null });
    // The agent token still reads messages, and Vambe is untouched.
    expect(response.data!.agent!.messages).toEqual({ totalCount: messages });
    expect(response.data!.contacts).toEqual({ totalCount: unattended });
    expect(JSON.stringify(response)).not.toContain('revoked-token');
  });

  it('a rejected Vambe key is UNAUTHENTICATED on contacts only', async () => {
    stack = await startStack({ env: { VAMBE_API_KEY: 'wrong' } });
    const response = await stack.execute<WideData>(WIDE, { agentId: agentIds[0] });
    expect(errorAt(response, ['contacts'])?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', upstream: 'vambe' });
    expect(response.errors).toHaveLength(1);
    expect(response.data!.agent).not.toBeNull();
  });

  it('an agent the user token may not view is FORBIDDEN on its details', async () => {
    stack = await startStack({
      env: { AVAAMO_AGENTS: JSON.stringify([{ id: sandboxRestrictedAgentId, accessToken: 'none' }]) },
    });
    const response = await stack.execute<WideData>(WIDE, { agentId: sandboxRestrictedAgentId });
    expect(errorAt(response, ['agent', 'name'])?.extensions).toMatchObject({ code: 'FORBIDDEN', upstreamStatus: 403 });
    expect(errorAt(response, ['agent', 'unhandledMessages'])?.extensions?.code).toBe('FORBIDDEN');
    expect(response.data!.contacts).toEqual({ totalCount: await upstreamTotals.contacts(stack, 'unattended') });
  });

  it('an unconfigured upstream answers UPSTREAM_NOT_CONFIGURED and asks nothing', async () => {
    stack = await startStack({ env: { VAMBE_BASE_URL: undefined, VAMBE_API_KEY: undefined } });
    await stack.resetStats();
    const response = await stack.execute<WideData>(WIDE, { agentId: agentIds[0] });
    const error = errorAt(response, ['contacts']);
    expect(error?.extensions).toMatchObject({ code: 'UPSTREAM_NOT_CONFIGURED', upstream: 'vambe' });
    expect(error?.message).toContain('VAMBE_BASE_URL');
    expect(response.data!.agent).toMatchObject({ agentId: agentIds[0] });
    expect((await stack.stats()).byRoute['GET /api/public/analytics/contacts/by-status']).toBeUndefined();
  });

  it('an upstream that cannot be reached is UPSTREAM_ERROR without its address', async () => {
    stack = await startStack({ env: { ROCKETCHAT_BASE_URL: 'http://127.0.0.1:9' } });
    const response = await stack.execute(
      `query($start: DateTime!, $end: DateTime!) { agents { totalCount } agentConversationStats(start: $start, end: $end) { totalCount } }`,
      { start: '2026-01-01T00:00:00Z', end: '2026-01-02T00:00:00Z' },
    );
    expect(errorAt(response, ['agentConversationStats'])?.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', upstream: 'rocketchat' });
    expect(JSON.stringify(response.errors)).not.toContain('127.0.0.1:9');
    expect(response.data).toMatchObject({ agents: { totalCount: agentIds.length }, agentConversationStats: null });
  });

  it('an upstream slower than UPSTREAM_TIMEOUT_MS is UPSTREAM_TIMEOUT, within the deadline', async () => {
    stack = await startStack({ sandbox: { latencyMs: 1500 }, env: { UPSTREAM_TIMEOUT_MS: '200' } });
    const response = await stack.execute<WideData>(WIDE, { agentId: agentIds[0] });
    expect(errorAt(response, ['contacts'])?.extensions).toMatchObject({ code: 'UPSTREAM_TIMEOUT', upstream: 'vambe' });
    // The attempt's own timer ended it, not the operation's deadline.
    expect(errorAt(response, ['contacts'])?.message).toBe('Vambe did not answer within 200 ms');
    expect(errorAt(response, ['agent', 'messages'])?.extensions?.code).toBe('UPSTREAM_TIMEOUT');
    expect(response.data!.agents.totalCount).toBe(agentIds.length);
  });

  it('a rate-limited upstream is RATE_LIMITED with retryAfter in seconds', async () => {
    stack = await startStack({ sandbox: { rateLimits: true } });
    const query = `query($start: DateTime!, $end: DateTime!) { agentConversationStats(start: $start, end: $end) { totalCount } }`;
    const day = 24 * 3600 * 1000;
    let limited;
    // Rocket.Chat allows 10 calls a minute per client on this route (CONTRACTS.md §6).
    for (let i = 0; i < 11; i += 1) {
      const start = new Date(stack.sandbox.dataset.now - (i + 2) * day).toISOString();
      limited = await stack.execute(query, { start, end: new Date(stack.sandbox.dataset.now).toISOString() });
    }
    const error = errorAt(limited!, ['agentConversationStats']);
    expect(error?.extensions).toMatchObject({ code: 'RATE_LIMITED', upstream: 'rocketchat', upstreamStatus: 429 });
    expect(error?.extensions?.retryAfter).toBeGreaterThan(0);
    expect(error?.extensions?.retryAfter).toBeLessThanOrEqual(60);
  });
});

describe('upstream answers that do not follow the documented shape', () => {
  let vendor: Server | undefined;
  afterEach(() => vendor?.close());

  /** A stand-in Vambe that answers every request with `body`. */
  async function fakeVambe(body: string): Promise<string> {
    vendor = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(body);
    });
    await new Promise<void>((resolve) => vendor!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(vendor.address() as AddressInfo).port}`;
  }
  const contact = (id: number) => ({
    id: `c-${id}`,
    name: `Contact ${id}`,
    created_at: '2026-11-01T10:00:00Z',
    platform: 'whatsapp',
    chat_status: 'unattended',
    waiting_time: 100 - id,
    active_ticket_v2: null,
    assigned_agents: [{ id: 't-1', name: 'Ana' }],
  });

  it('accepts the bare-array form Vambe\'s OpenAPI block shows, and the other sub-object spellings', async () => {
    const url = await fakeVambe(JSON.stringify([contact(1), contact(2)]));
    stack = await startStack({ env: { VAMBE_BASE_URL: url } });
    const { data, errors } = await stack.execute<{
      contacts: { totalCount: number; nodes: { id: string; chatStatus: string; assignedAgents: { id: string; name: string }[] }[]; pageInfo: { hasNextPage: boolean } };
    }>(`{ contacts(status: UNATTENDED, first: 10) { totalCount nodes { id chatStatus assignedAgents { id name } } pageInfo { hasNextPage } } }`);
    expect(errors).toBeUndefined();
    expect(data!.contacts).toEqual({
      totalCount: 2,
      nodes: [
        { id: 'c-1', chatStatus: 'UNATTENDED', assignedAgents: [{ id: 't-1', name: 'Ana' }] },
        { id: 'c-2', chatStatus: 'UNATTENDED', assignedAgents: [{ id: 't-1', name: 'Ana' }] },
      ],
      pageInfo: { hasNextPage: false },
    });
  });

  it.each([
    ['not JSON', '<html>502 Bad Gateway</html>'],
    ['a wrong shape', JSON.stringify({ contacts: 'none' })],
    ['a date that is not one', JSON.stringify({ data: [{ ...contact(1), created_at: 'yesterday' }], total: 1 })],
  ])('answers %s with UPSTREAM_ERROR on that field only', async (_name, body) => {
    const url = await fakeVambe(body);
    stack = await startStack({ env: { VAMBE_BASE_URL: url } });
    const response = await stack.execute<WideData>(WIDE, { agentId: agentIds[0] });
    expect(errorAt(response, ['contacts'])?.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', upstream: 'vambe' });
    expect(response.errors).toHaveLength(1);
    expect(response.data!.agent).toMatchObject({ agentId: agentIds[0] });
  });
});
