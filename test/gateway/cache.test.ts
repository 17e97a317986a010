import { afterEach, describe, expect, it } from 'vitest';
import { sandboxRestrictedAgentId } from '../../src/sandbox/credentials.js';
import { agentIds, errorAt, startStack, type Stack } from '../helpers.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const cached = (options: Parameters<typeof startStack>[0] = {}) =>
  startStack({ ...options, env: { CACHE: 'on', ...options.env } });

const DASHBOARD = /* GraphQL */ `
  query Dashboard($a: Int!, $b: Int!, $start: DateTime!, $end: DateTime!) {
    a: agent(agentId: $a) { ...lists }
    b: agent(agentId: $b) { ...lists }
    contacts(status: UNATTENDED, first: 20) { totalCount nodes { name } }
    agentConversationStats(start: $start, end: $end) { totalConversations }
  }
  fragment lists on Agent {
    name
    unhandledMessages(first: 10) { totalCount nodes { content } }
    smsRecords(first: 10) { totalCount nodes { status } }
  }
`;
const MESSAGES = /* GraphQL */ `
  query Messages($agentId: Int!) {
    agent(agentId: $agentId) { messages(first: 5) { nodes { uuid content conversation { uuid } } } }
  }
`;
interface MessagesData {
  agent: { messages: { nodes: { uuid: string; content: string; conversation: { uuid: string } }[] } };
}

interface UpstreamExtension {
  requests: number;
  cacheHits: number;
  staleHits: number;
  coalesced: number;
  byRoute: Record<string, { requests: number; cacheHits: number; coalesced: number }>;
}

/** Posts an operation with the debug header, as GraphiQL or curl would. */
async function withUpstreamCounts(url: string, query: string, variables: Record<string, unknown>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-cx-debug-upstream': '1' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: unknown; errors?: unknown[]; extensions?: { upstream?: UpstreamExtension } };
}

function dashboardVariables(now: number) {
  return {
    a: agentIds[0],
    b: agentIds[1],
    start: new Date(now - 7 * 24 * 3600 * 1000).toISOString(),
    end: new Date(now).toISOString(),
  };
}

describe('the cross-request cache, counted at the sandbox', () => {
  it('asks nothing upstream for a dashboard repeated within its TTL, and says so when asked', async () => {
    stack = await cached();
    const variables = dashboardVariables(stack.sandbox.dataset.now);
    const cold = await withUpstreamCounts(stack.url, DASHBOARD, variables);
    expect(cold.errors).toBeUndefined();
    const coldStats = await stack.stats();
    expect(coldStats.total).toBe(8);
    expect(cold.extensions!.upstream).toMatchObject({ requests: 8, cacheHits: 0 });
    expect(cold.extensions!.upstream!.byRoute['avaamo.smsReport']).toMatchObject({ requests: 2 });

    await stack.resetStats();
    const warm = await withUpstreamCounts(stack.url, DASHBOARD, variables);
    expect(warm.data).toEqual(cold.data);
    expect((await stack.stats()).total).toBe(0);
    expect(warm.extensions!.upstream).toMatchObject({ requests: 0, cacheHits: 8 });
    // Without the header the response carries no counts.
    const plain = await stack.execute(DASHBOARD, variables);
    expect(JSON.stringify(plain)).not.toContain('cacheHits');
  });

  it('with DEBUG_UPSTREAM=1 every response carries the counts, header or not', async () => {
    stack = await cached({ env: { DEBUG_UPSTREAM: '1' } });
    const response = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: MESSAGES, variables: { agentId: agentIds[0] } }),
    });
    const body = (await response.json()) as { extensions?: { upstream?: UpstreamExtension } };
    expect(body.extensions?.upstream).toMatchObject({ requests: 1, byRoute: { 'avaamo.messages': { requests: 1 } } });
  });

  it('coalesces identical operations arriving together into one upstream request', async () => {
    stack = await cached({ sandbox: { latencyMs: 1_000 } });
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => withUpstreamCounts(stack!.url, MESSAGES, { agentId: agentIds[0] })),
    );
    expect((await stack.stats()).byRoute).toEqual({ 'GET /v1/messages.json': 1 });
    for (const answer of answers) expect(answer.data).toEqual(answers[0]!.data);
    const counts = answers.map((answer) => answer.extensions!.upstream!);
    expect(counts.reduce((sum, count) => sum + count.requests, 0)).toBe(1);
    // On a busy machine a late one may find the answer already cached instead of in flight.
    const coalesced = counts.reduce((sum, count) => sum + count.coalesced, 0);
    expect(coalesced).toBeGreaterThanOrEqual(1);
    expect(coalesced + counts.reduce((sum, count) => sum + count.cacheHits, 0)).toBe(9);
  });

  it('keeps two credentials apart: the same URL with two tokens is two requests, and no data crosses', async () => {
    stack = await cached();
    const [a, b] = [agentIds[0]!, agentIds[1]!];
    const first = await stack.execute<MessagesData>(MESSAGES, { agentId: a });
    const second = await stack.execute<MessagesData>(MESSAGES, { agentId: b });
    const requests = await stack.requests();
    // Messages are read with each agent's own token, on one and the same URL.
    expect(requests.map((request) => [request.path, request.query, request.credential])).toEqual([
      ['/v1/messages.json', requests[0]!.query, `avaamo-agent:${a}`],
      ['/v1/messages.json', requests[0]!.query, `avaamo-agent:${b}`],
    ]);
    expect(first.data!.agent.messages.nodes).not.toEqual(second.data!.agent.messages.nodes);

    await stack.resetStats();
    expect((await stack.execute<MessagesData>(MESSAGES, { agentId: a })).data).toEqual(first.data);
    expect((await stack.execute<MessagesData>(MESSAGES, { agentId: b })).data).toEqual(second.data);
    expect((await stack.stats()).total).toBe(0);
  });

  it('drops an agent\'s cached message pages after postAgentMessage, and only that agent\'s', async () => {
    stack = await cached();
    const [agentId, other] = [agentIds[1]!, agentIds[2]!];
    const before = await stack.execute<MessagesData>(MESSAGES, { agentId });
    await stack.execute<MessagesData>(MESSAGES, { agentId: other });
    const text = `Cache test ${Date.now()}`;
    const posted = await stack.execute(
      `mutation($input: PostAgentMessageInput!) { postAgentMessage(input: $input) { success } }`,
      { input: { agentId, conversationUuid: before.data!.agent.messages.nodes[0]!.conversation.uuid, text } },
    );
    expect(posted.errors).toBeUndefined();

    await stack.resetStats();
    const after = await stack.execute<MessagesData>(MESSAGES, { agentId });
    expect(after.data!.agent.messages.nodes[0]!.content).toBe(text);
    await stack.execute<MessagesData>(MESSAGES, { agentId: other });
    const requests = await stack.requests();
    expect(requests.map((request) => request.credential)).toEqual([`avaamo-agent:${agentId}`]);
  });

  it('never caches an error', async () => {
    stack = await cached({
      env: { AVAAMO_AGENTS: JSON.stringify([{ id: sandboxRestrictedAgentId, accessToken: 'none' }]) },
    });
    const query = `query($agentId: Int!) { agent(agentId: $agentId) { name } }`;
    for (let round = 0; round < 2; round++) {
      const response = await stack.execute(query, { agentId: sandboxRestrictedAgentId });
      expect(errorAt(response, ['agent', 'name'])?.extensions?.code).toBe('FORBIDDEN');
    }
    expect((await stack.stats()).byRoute).toEqual({ 'GET /api/v1/agents/{id}.json': 2 });
  });
});
