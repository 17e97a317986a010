import { afterEach, describe, expect, it } from 'vitest';
import { sandboxRestrictedAgentId } from '../../src/sandbox/credentials.js';
import { agentIds, errorAt, startStack, type Stack } from '../helpers.js';

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
    expect((response.data!.agent!.messages as { totalCount: number }).totalCount).toBeGreaterThan(0);
    expect(response.data!.contacts!.totalCount).toBeGreaterThan(0);
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
    expect(response.data!.contacts!.totalCount).toBeGreaterThan(0);
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
});
