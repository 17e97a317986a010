import { afterEach, describe, expect, it } from 'vitest';
import { sandboxRestrictedAgentId } from '../../src/sandbox/credentials.js';
import { agentIds, errorAt } from '../helpers.js';
import { postGraphQL } from '../raw-request.js';
import { startCachedStack, upstreamOf, type CachedStack } from './response-cache-support.js';

let stack: CachedStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const agentId = agentIds[0]!;
/** Reads agent details (TTL 600 s) and unhandled messages (60 s). */
const AGENT_LISTS = /* GraphQL */ `
  query AgentLists($agentId: Int!) { agent(agentId: $agentId) { name unhandledMessages(first: 10) { totalCount nodes { content } } } }
`;
/** The same, and the live queue (5 s). */
const WITH_QUEUE = /* GraphQL */ `
  query WithQueue($agentId: Int!) {
    agent(agentId: $agentId) { name unhandledMessages(first: 10) { totalCount nodes { content } } }
    contacts(status: UNATTENDED, first: 5) { totalCount nodes { name } }
  }
`;
/** The same unhandled page as AGENT_LISTS asks upstream, in another document. */
const UNHANDLED = /* GraphQL */ `
  query Unhandled($agentId: Int!) { agent(agentId: $agentId) { unhandledMessages(first: 10) { totalCount } } }
`;
const NAME = /* GraphQL */ `query Name($agentId: Int!) { agent(agentId: $agentId) { name } }`;
const POST = /* GraphQL */ `mutation Post($input: PostAgentMessageInput!) { postAgentMessage(input: $input) { success } }`;

describe('the response cache', () => {
  it('answers a repeated query from the cache: no execution, no upstream call, the same data', async () => {
    stack = await startCachedStack();
    const miss = await stack.ask(AGENT_LISTS, { agentId });
    expect(miss.errors).toBeUndefined();
    expect(upstreamOf(miss)).toMatchObject({ requests: 2, responseCache: 'miss' });
    expect((await stack.stats()).total).toBe(2);
    expect(stack.executions.query).toBe(1);

    await stack.resetStats();
    const hit = await stack.ask(AGENT_LISTS, { agentId });
    expect(hit.status).toBe(200);
    expect(hit.data).toEqual(miss.data);
    expect(upstreamOf(hit)).toEqual({ requests: 0, cacheHits: 0, staleHits: 0, coalesced: 0, byRoute: {}, responseCache: 'hit' });
    // Without the debug header a hit is the data alone.
    const plain = await postGraphQL(stack.url, { query: AGENT_LISTS, variables: { agentId } });
    expect(JSON.parse(plain.text)).toEqual({ data: miss.data });
    expect(stack.executions.query).toBe(1);
    expect((await stack.stats()).total).toBe(0);

    // Other variables are another result.
    const other = await stack.ask(AGENT_LISTS, { agentId: agentIds[1] });
    expect(upstreamOf(other)?.responseCache).toBe('miss');
    expect(other.data).not.toEqual(miss.data);
    expect(stack.executions.query).toBe(2);
  });

  it('keeps a result as long as the shortest-lived upstream answer it read stays fresh', async () => {
    stack = await startCachedStack();
    const { clock } = stack;
    await stack.ask(WITH_QUEUE, { agentId });
    await stack.ask(AGENT_LISTS, { agentId });
    expect(stack.executions.query).toBe(2);

    clock.advance(4_900);
    for (const query of [WITH_QUEUE, AGENT_LISTS]) expect(upstreamOf(await stack.ask(query, { agentId }))?.responseCache).toBe('hit');
    expect(stack.executions.query).toBe(2);

    // 5.1 s: the queue (TTL 5 s) is out of date, so is the result that read it, and only it.
    clock.advance(200);
    await stack.resetStats();
    const requeued = await stack.ask(WITH_QUEUE, { agentId });
    expect(upstreamOf(requeued)).toMatchObject({ responseCache: 'miss', requests: 1, cacheHits: 2 });
    expect((await stack.stats()).byRoute).toEqual({ 'GET /api/public/analytics/contacts/by-status': 1 });
    expect(upstreamOf(await stack.ask(AGENT_LISTS, { agentId }))?.responseCache).toBe('hit');
    expect(stack.executions.query).toBe(3);

    // 30 s: a new result built from the 30-second-old unhandled page lives only the 30 s that page has left.
    clock.advance(24_900);
    expect(upstreamOf(await stack.ask(UNHANDLED, { agentId }))).toMatchObject({ responseCache: 'miss', requests: 0, cacheHits: 1 });
    clock.advance(29_900);
    for (const query of [UNHANDLED, AGENT_LISTS]) expect(upstreamOf(await stack.ask(query, { agentId }))?.responseCache).toBe('hit');
    expect(stack.executions.query).toBe(4);

    // 60.1 s: unhandled messages (TTL 60 s) are due; agent details (600 s) are not.
    clock.advance(200);
    await stack.resetStats();
    for (const query of [UNHANDLED, AGENT_LISTS]) expect(upstreamOf(await stack.ask(query, { agentId }))?.responseCache).toBe('miss');
    expect((await stack.stats()).byRoute).toEqual({ 'GET /bots/analytics/{id}/unhandled_messages.json': 1 });
    expect(stack.executions.query).toBe(6);
  });

  it('keeps a result built from an answer served stale for a second, not for its route\'s TTL', async () => {
    stack = await startCachedStack();
    await stack.ask(NAME, { agentId });
    // Past agent details' 600 s: the answer is served stale while it refreshes.
    stack.clock.advance(600_001);
    const stale = await stack.ask(NAME, { agentId });
    expect(upstreamOf(stale)).toMatchObject({ responseCache: 'miss', staleHits: 1 });
    stack.clock.advance(500);
    expect(upstreamOf(await stack.ask(NAME, { agentId }))?.responseCache).toBe('hit');
    stack.clock.advance(600);
    expect(upstreamOf(await stack.ask(NAME, { agentId }))?.responseCache).toBe('miss');
    expect(stack.executions.query).toBe(3);
  });

  it('executes 20 identical queries arriving together once, and hands each the result', async () => {
    stack = await startCachedStack({ sandbox: { latencyMs: 300 } });
    const answers = await Promise.all(Array.from({ length: 20 }, () => stack!.ask(AGENT_LISTS, { agentId })));
    expect(stack.executions.query).toBe(1);
    expect((await stack.stats()).total).toBe(2);
    for (const answer of answers) {
      expect(answer.errors).toBeUndefined();
      expect(answer.data).toEqual(answers[0]!.data);
    }
    const outcomes = answers.map((answer) => upstreamOf(answer)?.responseCache);
    expect(outcomes.filter((outcome) => outcome === 'miss')).toHaveLength(1);
    // On a busy machine a late one may find the result already kept instead of in flight.
    expect(outcomes.filter((outcome) => outcome === 'shared').length).toBeGreaterThanOrEqual(1);
    expect(outcomes.filter((outcome) => outcome === 'shared' || outcome === 'hit')).toHaveLength(19);
    // What a joined operation cost is its own: nothing.
    const shared = answers.find((answer) => upstreamOf(answer)?.responseCache === 'shared')!;
    expect(upstreamOf(shared)).toMatchObject({ requests: 0, cacheHits: 0 });
  });

  it('never keeps a result with errors, even with part of its data', async () => {
    stack = await startCachedStack({
      env: { AVAAMO_AGENTS: JSON.stringify([{ id: agentId, accessToken: 'a' }, { id: sandboxRestrictedAgentId, accessToken: 'b' }]) },
    });
    const query = `query($ok: Int!, $denied: Int!) { ok: agent(agentId: $ok) { name } denied: agent(agentId: $denied) { name } }`;
    for (let round = 0; round < 2; round++) {
      const response = await stack.ask(query, { ok: agentId, denied: sandboxRestrictedAgentId });
      expect(response.data).toMatchObject({ ok: { name: expect.any(String) }, denied: { name: null } });
      expect(errorAt(response, ['denied', 'name'])?.extensions?.code).toBe('FORBIDDEN');
      expect(upstreamOf(response)?.responseCache).toBe('miss');
    }
    expect(stack.executions.query).toBe(2);
    // The agent that answered is kept by the upstream cache; the refusal is asked again.
    expect((await stack.stats()).byRoute).toEqual({ 'GET /api/v1/agents/{id}.json': 3 });
  });

  it('runs every mutation, one after another or at once', async () => {
    stack = await startCachedStack();
    const conversationUuid = stack.sandbox.dataset.avaamo.agents[agentId]!.conversations[0]!.uuid;
    const input = { agentId, conversationUuid, text: 'The same words, sent on purpose each time.' };
    for (let round = 0; round < 2; round++) expect((await stack.ask(POST, { input })).data).toEqual({ postAgentMessage: { success: true } });
    const together = await Promise.all([stack.ask(POST, { input }), stack.ask(POST, { input })]);
    for (const response of together) expect(response.data).toEqual({ postAgentMessage: { success: true } });
    expect(stack.executions.mutation).toBe(4);
    expect((await stack.stats()).byRoute).toEqual({ 'POST /bots_api/v1/messages.json': 4 });
  });
});
