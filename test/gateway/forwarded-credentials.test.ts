import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sandboxCredentials, sandboxSecondTenant } from '../../src/sandbox/credentials.js';
import { startStack, type Stack } from '../helpers.js';
import { postGraphQL } from '../raw-request.js';

type Tenant = typeof sandboxCredentials | typeof sandboxSecondTenant;
const headersOf = (tenant: Tenant) => ({
  'x-avaamo-access-token': tenant.avaamoUserToken,
  'x-avaamo-agent-token': tenant.avaamoAgents.map((agent) => `${agent.id}=${agent.accessToken}`).join(','),
  'x-vambe-api-key': tenant.vambeApiKey,
  'x-rocketchat-user-id': tenant.rocketchatUserId,
  'x-rocketchat-auth-token': tenant.rocketchatAuthToken,
});
const first = sandboxCredentials.avaamoAgents[0]!.id;
const second = sandboxSecondTenant.avaamoAgents[0]!.id;

const SAME_FIELDS = /* GraphQL */ `
  query Same($start: DateTime!, $end: DateTime!, $first: Int!, $second: Int!) {
    agents { nodes { agentId name messages(first: 3) { nodes { uuid content } } smsRecords(first: 3) { totalCount } } }
    one: agent(agentId: $first) { name }
    two: agent(agentId: $second) { name }
    contacts(status: UNATTENDED, first: 50) { totalCount nodes { id } }
    agentConversationStats(start: $start, end: $end, first: 100) { totalConversations nodes { agentName conversationCount } }
  }
`;
interface SameData {
  agents: { nodes: { agentId: number; name: string; messages: { nodes: { uuid: string }[] }; smsRecords: { totalCount: number } }[] };
  one: { name: string } | null;
  two: { name: string } | null;
  contacts: { totalCount: number; nodes: { id: string }[] };
  agentConversationStats: { totalConversations: number; nodes: { agentName: string; conversationCount: number }[] };
}

describe('credential forwarding (FORWARD_UPSTREAM_CREDENTIALS=true)', () => {
  let stack: Stack;
  let variables: Record<string, unknown>;
  beforeAll(async () => {
    stack = await startStack({ env: { FORWARD_UPSTREAM_CREDENTIALS: 'true' } });
    const now = Date.now();
    variables = { start: new Date(now - 20 * 86_400_000).toISOString(), end: new Date(now).toISOString(), first, second };
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.resetStats());

  const ask = (tenant: Tenant) => postGraphQL<SameData>(stack.url, { query: SAME_FIELDS, variables }, headersOf(tenant));

  it('sends each tenant upstream with its own credentials only', async () => {
    await ask(sandboxSecondTenant);
    const kinds = new Set((await stack.requests()).map((request) => request.credential));
    expect([...kinds].sort()).toEqual(['avaamo-agent:29999', 'avaamo-user:second-tenant', 'rocketchat:second-tenant', 'vambe:second-tenant']);
  });

  it('never shows one tenant the other\'s data, cold or warm, in turn or at once', async () => {
    const coldA = await ask(sandboxCredentials);
    const coldB = await ask(sandboxSecondTenant);
    for (const answer of [coldA, coldB]) expect(answer.status).toBe(200);

    // Each sees its own agents, and the other's agent is not one it is served.
    expect(coldA.data!.agents.nodes.map((agent) => agent.agentId)).toEqual(sandboxCredentials.avaamoAgents.map((agent) => agent.id));
    expect(coldB.data!.agents.nodes.map((agent) => agent.agentId)).toEqual([second]);
    expect(coldA.data!.one?.name).toBeTruthy();
    expect(coldA.data!.two).toBeNull();
    expect(coldB.data!.one).toBeNull();
    expect(coldB.data!.two?.name).toBeTruthy();
    expect(coldB.errors?.map((error) => [error.path?.[0], error.extensions?.code])).toEqual([['one', 'NOT_FOUND']]);

    // Messages are read with each agent's own token: no uuid in common.
    const uuids = (answer: typeof coldA) => answer.data!.agents.nodes.flatMap((agent) => agent.messages.nodes.map((m) => m.uuid));
    expect(uuids(coldB).length).toBeGreaterThan(0);
    expect(uuids(coldA).filter((uuid) => uuids(coldB).includes(uuid))).toEqual([]);

    // Vambe and Rocket.Chat: the second tenant's view is its own workspace and team.
    const { dataset } = stack.sandbox;
    const support = dataset.vambe.pipelines.find((pipeline) => pipeline.name === 'Soporte')!.id;
    const pipelineOf = new Map(dataset.vambe.contacts.map((record) => [record.contact.id, record.pipelineId]));
    expect(coldB.data!.contacts.totalCount).toBeLessThan(coldA.data!.contacts.totalCount);
    expect(coldB.data!.contacts.nodes.every((contact) => pipelineOf.get(contact.id) === support)).toBe(true);
    expect(coldA.data!.contacts.nodes.some((contact) => pipelineOf.get(contact.id) !== support)).toBe(true);
    const team = dataset.rocketchat.users.slice(0, 4).map((user) => user.name);
    expect(coldB.data!.agentConversationStats.nodes.every((row) => team.includes(row.agentName))).toBe(true);
    expect(coldA.data!.agentConversationStats.totalConversations).toBeGreaterThan(coldB.data!.agentConversationStats.totalConversations);

    // Warm, in turn and concurrently: every answer is the tenant's own cold answer.
    const warm = [await ask(sandboxSecondTenant), await ask(sandboxCredentials)];
    const together = await Promise.all([ask(sandboxCredentials), ask(sandboxSecondTenant), ask(sandboxCredentials), ask(sandboxSecondTenant)]);
    for (const [answer, cold] of [
      [warm[0]!, coldB],
      [warm[1]!, coldA],
      [together[0]!, coldA],
      [together[1]!, coldB],
      [together[2]!, coldA],
      [together[3]!, coldB],
    ] as const) {
      expect(stripLive(answer.data)).toEqual(stripLive(cold.data));
    }
  });

  it('uses the configured credentials for upstreams the caller sends none for', async () => {
    const response = await postGraphQL<SameData>(
      stack.url,
      { query: SAME_FIELDS, variables },
      { 'x-vambe-api-key': sandboxSecondTenant.vambeApiKey },
    );
    expect(response.data!.agents.nodes).toHaveLength(sandboxCredentials.avaamoAgents.length);
    const kinds = new Set((await stack.requests()).map((request) => request.credential));
    expect(kinds.has('vambe:second-tenant')).toBe(true);
    expect(kinds.has('vambe')).toBe(false);
    expect(kinds.has('avaamo-user')).toBe(true);
  });

  it('names the missing user token when only agent tokens are forwarded, and sends no empty token upstream', async () => {
    const agentTokensOnly = { 'x-avaamo-agent-token': headersOf(sandboxSecondTenant)['x-avaamo-agent-token'] };
    const response = await postGraphQL<{ agent: { name: string | null; messages: { nodes: { uuid: string }[] } } }>(
      stack.url,
      { query: `{ agent(agentId: ${second}) { name messages(first: 1) { nodes { uuid } } } }` },
      agentTokensOnly,
    );
    // Messages are read with the agent token; the agent's name needs the user token.
    expect(response.data!.agent.messages.nodes).toHaveLength(1);
    expect(response.data!.agent.name).toBeNull();
    expect(response.errors).toHaveLength(1);
    expect(response.errors![0]!.path).toEqual(['agent', 'name']);
    expect(response.errors![0]!.extensions).toMatchObject({ code: 'UNAUTHENTICATED', upstream: 'avaamo' });
    expect(response.errors![0]!.message).toContain('x-avaamo-access-token');
    expect(response.errors![0]!.message).not.toContain('configured');
    expect((await stack.requests()).map((request) => request.credential)).toEqual(['avaamo-agent:29999']);
  });

  it('refuses half a Rocket.Chat credential with 400 BAD_USER_INPUT', async () => {
    const response = await postGraphQL(stack.url, { query: '{ agents { totalCount } }' }, { 'x-rocketchat-user-id': 'someone' });
    expect(response.status).toBe(400);
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.text).not.toContain('someone');
  });

  it('rejects a forwarded token the upstream does not know with that upstream\'s UNAUTHENTICATED', async () => {
    const response = await postGraphQL(
      stack.url,
      { query: '{ contacts(status: UNATTENDED, first: 1) { totalCount } }' },
      { 'x-vambe-api-key': 'a-key-vambe-never-issued' },
    );
    expect(response.data).toEqual({ contacts: null });
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', upstream: 'vambe' });
    // The caller's own key was refused, not the deployment's.
    expect(response.errors?.[0]?.message).toBe('Vambe answered 401 (the credentials sent were rejected)');
  });
});

interface UpstreamCounts {
  requests: number;
  cacheHits: number;
  staleHits: number;
}

describe('credential forwarding with the cross-request cache and budgets on', () => {
  let stack: Stack;
  let variables: Record<string, unknown>;
  beforeAll(async () => {
    // Budgets large enough for the warm-up: the per-tenant budget has its own stack below.
    stack = await startStack({ env: { FORWARD_UPSTREAM_CREDENTIALS: 'true', CACHE: 'on', AVAAMO_CALLS_PER_MINUTE: '1000', ROCKETCHAT_CALLS_PER_MINUTE: '1000' } });
    const now = Date.now();
    variables = { start: new Date(now - 20 * 86_400_000).toISOString(), end: new Date(now).toISOString(), first, second };
  });
  afterAll(() => stack.close());

  /** One round for a tenant: its answer, what the gateway says it cost, and what the sandbox saw. */
  async function round(tenant: Tenant) {
    await stack.resetStats();
    const response = await postGraphQL<SameData>(
      stack.url,
      { query: SAME_FIELDS, variables },
      { ...headersOf(tenant), 'x-cx-debug-upstream': '1' },
    );
    const upstream = (JSON.parse(response.text) as { extensions: { upstream: UpstreamCounts } }).extensions.upstream;
    const seen = await stack.requests();
    return { response, upstream, seen, kinds: new Set(seen.map((request) => request.credential)) };
  }

  it('keeps each tenant\'s cache entries its own: cold for each, then warm from its own entries only', async () => {
    const coldA = await round(sandboxCredentials);
    const coldB = await round(sandboxSecondTenant);
    // The second tenant asks the same fields right after the first: nothing of the first's may serve it.
    for (const cold of [coldA, coldB]) {
      expect(cold.response.status).toBe(200);
      expect(cold.upstream.cacheHits).toBe(0);
      expect(cold.upstream.requests).toBeGreaterThan(0);
      expect(cold.seen.length).toBe(cold.upstream.requests);
    }
    expect([...coldB.kinds].sort()).toEqual(['avaamo-agent:29999', 'avaamo-user:second-tenant', 'rocketchat:second-tenant', 'vambe:second-tenant']);
    expect([...coldA.kinds].every((kind) => !kind.includes('second-tenant'))).toBe(true);
    expect(coldA.response.data!.agents.nodes.map((agent) => agent.agentId)).toEqual(sandboxCredentials.avaamoAgents.map((agent) => agent.id));
    expect(coldB.response.data!.agents.nodes.map((agent) => agent.agentId)).toEqual([second]);
    expect(coldB.response.data!.contacts.totalCount).toBeLessThan(coldA.response.data!.contacts.totalCount);

    // Warm, in the other order: each round is served wholly from that tenant's own entries.
    const warmB = await round(sandboxSecondTenant);
    const warmA = await round(sandboxCredentials);
    for (const [warm, cold] of [
      [warmA, coldA],
      [warmB, coldB],
    ] as const) {
      expect(warm.seen).toEqual([]);
      expect(warm.upstream).toMatchObject({ requests: 0, cacheHits: cold.upstream.requests });
      expect(warm.response.data).toEqual(cold.response.data);
      expect(warm.response.errors).toEqual(cold.response.errors);
    }
    expect(warmA.response.data).not.toEqual(warmB.response.data);
  });

  it('keeps a budget per tenant: one tenant spending its Avaamo budget leaves the other\'s whole', async () => {
    const budgeted = await startStack({
      env: { FORWARD_UPSTREAM_CREDENTIALS: 'true', CACHE: 'on', AVAAMO_CALLS_PER_MINUTE: '2', BUDGET_MAX_WAIT_MS: '0' },
    });
    try {
      // Distinct two-day ranges (one request each, no 7-day windows) over recent data, so every operation needs its own upstream call.
      const recent = Date.now() - 3 * 86_400_000;
      const sms = (tenant: Tenant, agentId: number, second: number) =>
        postGraphQL<{ agent: { smsRecords: { totalCount: number } | null } }>(
          budgeted.url,
          {
            query: 'query($agentId: Int!, $from: DateTime!, $to: DateTime!) { agent(agentId: $agentId) { smsRecords(from: $from, to: $to, first: 1) { totalCount } } }',
            variables: { agentId, from: new Date(recent + second * 1000).toISOString(), to: new Date(recent + second * 1000 + 2 * 86_400_000).toISOString() },
          },
          headersOf(tenant),
        );
      // A budget of 2 a minute is a burst of 1: the first tenant's second call is refused.
      expect((await sms(sandboxCredentials, first, 1)).errors).toBeUndefined();
      const limited = await sms(sandboxCredentials, first, 2);
      expect(limited.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([[['agent', 'smsRecords'], 'RATE_LIMITED']]);
      // The second tenant's budget is untouched by that.
      const other = await sms(sandboxSecondTenant, second, 3);
      expect(other.errors).toBeUndefined();
      const smsCalls = (await budgeted.requests()).filter((request) => request.route.includes('sms'));
      expect(smsCalls.map((request) => request.credential)).toEqual(['avaamo-user', 'avaamo-user:second-tenant']);
      // What the sandbox holds for that tenant's agent in that window, asked with its own token.
      const reference = await budgeted.upstream<{ total_entries: number }>(
        smsCalls[1]!.path,
        smsCalls[1]!.query as Record<string, string>,
        { 'access-token': sandboxSecondTenant.avaamoUserToken },
      );
      expect(other.data!.agent.smsRecords!.totalCount).toBe(reference.total_entries);
      expect(reference.total_entries).toBeGreaterThan(0);
    } finally {
      await budgeted.close();
    }
  });
});

describe('without credential forwarding', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it('ignores credential headers and uses the configured ones', async () => {
    const response = await postGraphQL<SameData>(stack.url, { query: '{ agents { nodes { agentId } } }' }, headersOf(sandboxSecondTenant));
    expect(response.data!.agents.nodes.map((agent) => agent.agentId)).toEqual(sandboxCredentials.avaamoAgents.map((agent) => agent.id));
  });
});

/** Waiting times tick between two reads; everything else must be equal. */
function stripLive(data: SameData | undefined) {
  return JSON.parse(JSON.stringify(data ?? null, (key, value: unknown) => (key === 'waitingTime' ? undefined : value))) as unknown;
}
