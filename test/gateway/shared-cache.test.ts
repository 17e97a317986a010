import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sandboxCredentials } from '../../src/sandbox/credentials.js';
import { startRedisServer, type RedisServer } from '../../bench/redis-server.js';
import { agentIds, startStack, type Stack } from '../helpers.js';

/**
 * Two replicas of one gateway in this process, one sandbox and one Redis:
 * what one replica asked the upstream for, the other does not ask again.
 */
let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis.stop());

const stacks: Stack[] = [];
afterEach(async () => {
  for (const stack of stacks.splice(0).reverse()) await stack.close();
  const client = new Redis(redis.url);
  await client.flushall();
  client.disconnect();
});

async function replicas(env: Record<string, string> = {}): Promise<[Stack, Stack]> {
  const shared = { CACHE: 'on', RESPONSE_CACHE: 'true', REDIS_URL: redis.url, ...env };
  const a = await startStack({ env: shared });
  stacks.push(a);
  const b = await startStack({ env: shared, sandboxOf: a });
  stacks.push(b);
  return [a, b];
}

const LISTS = /* GraphQL */ `
  query Lists($agentId: Int!) {
    agent(agentId: $agentId) {
      name
      unhandledMessages(first: 10) { totalCount nodes { content } }
      smsRecords(first: 10) { totalCount nodes { status } }
      messages(first: 5) { nodes { uuid content conversation { uuid } } }
    }
    contacts(status: UNATTENDED, first: 20) { totalCount nodes { name } }
  }
`;
interface ListsData {
  agent: { messages: { nodes: { uuid: string; content: string; conversation: { uuid: string } }[] } };
}

async function debugPost(url: string, query: string, variables: Record<string, unknown>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-cx-debug-upstream': '1' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: unknown; errors?: unknown[]; extensions?: { upstream?: { requests: number; cacheHits: number; staleHits: number; responseCache?: string } } };
}

describe('a cache the replicas share (L2 in Redis)', () => {
  it('answers the second replica from what the first loaded, with no upstream call', async () => {
    const [a, b] = await replicas({ RESPONSE_CACHE: 'false' });
    const first = await a.execute(LISTS, { agentId: agentIds[0] });
    expect(first.errors).toBeUndefined();
    const cold = (await a.stats()).total;
    expect(cold).toBe(5);
    await a.resetStats();
    const second = await debugPost(b.url, LISTS, { agentId: agentIds[0] });
    expect(second.data).toEqual(first.data);
    expect((await b.stats()).total).toBe(0);
    // What another replica loaded counts as the cache's.
    expect(second.extensions?.upstream).toMatchObject({ requests: 0, cacheHits: 5 });
  });

  it('sends one upstream request per resource when both replicas miss at once', async () => {
    const [a, b] = await replicas({ RESPONSE_CACHE: 'false' });
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, index) => (index % 2 === 0 ? a : b).execute(LISTS, { agentId: agentIds[1] })),
    );
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    const { byRoute } = await a.stats();
    expect(Object.values(byRoute)).toEqual([1, 1, 1, 1, 1]);
  });

  it('shares whole results: the other replica answers from the response cache', async () => {
    const [a, b] = await replicas();
    const first = await debugPost(a.url, LISTS, { agentId: agentIds[2] });
    expect(first.extensions?.upstream?.responseCache).toBe('miss');
    const second = await debugPost(b.url, LISTS, { agentId: agentIds[2] });
    expect(second.extensions?.upstream).toMatchObject({ requests: 0, responseCache: 'hit' });
    expect(second.data).toEqual(first.data);
  });

  it('drops what a write changed on every replica, in their own caches too', async () => {
    const [a, b] = await replicas();
    const agentId = agentIds[1]!;
    const before = await b.execute<ListsData>(LISTS, { agentId });
    // Replica A reads it too, so each holds the messages page in process.
    await a.execute<ListsData>(LISTS, { agentId });
    const text = `Shared cache test ${Date.now()}`;
    const posted = await a.execute(`mutation($input: PostAgentMessageInput!) { postAgentMessage(input: $input) { success } }`, {
      input: { agentId, conversationUuid: before.data!.agent.messages.nodes[0]!.conversation.uuid, text },
    });
    expect(posted.errors).toBeUndefined();
    await a.resetStats();
    // The notice reaches B over pub/sub; B then reads the page afresh.
    await expect.poll(async () => (await b.execute<ListsData>(LISTS, { agentId })).data!.agent.messages.nodes[0]!.content).toBe(text);
    const requests = await b.requests();
    expect(requests.map((request) => request.credential)).toEqual([`avaamo-agent:${agentId}`]);
  });

  it('keeps answers for their TTL and stale window: past the TTL a replica loads afresh, or serves the old answer when refused', async () => {
    const [a, b] = await replicas({ RESPONSE_CACHE: 'false', CACHE_TTL_SECONDS: JSON.stringify({ 'avaamo.unhandledMessages': 1 }), UPSTREAM_RETRY_ATTEMPTS: '1' });
    const query = `query($agentId: Int!) { agent(agentId: $agentId) { unhandledMessages(first: 3) { nodes { content } } } }`;
    const first = await a.execute(query, { agentId: agentIds[3] });
    // Redis's clock, not the gateway's: a second must really pass.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await a.setFaults([{ route: 'GET /bots/analytics/{id}/unhandled_messages.json', kind: 'status', status: 429, retryAfter: 30 }]);
    await a.resetStats();
    const refused = await debugPost(b.url, query, { agentId: agentIds[3] });
    expect(refused.data).toEqual(first.data);
    expect(refused.extensions?.upstream).toMatchObject({ requests: 1, staleHits: 1 });
    await a.setFaults([]);
    const c = await startStack({ env: { CACHE: 'on', REDIS_URL: redis.url, CACHE_TTL_SECONDS: JSON.stringify({ 'avaamo.unhandledMessages': 1 }) }, sandboxOf: a });
    stacks.push(c);
    await c.execute(query, { agentId: agentIds[3] });
    expect((await a.stats()).total).toBe(2);
  });

  it('keeps no credential in Redis, only hashes of them', async () => {
    const [a, b] = await replicas();
    await a.execute(LISTS, { agentId: agentIds[0] });
    await b.execute(`query { agentConversationStats(start: "2026-11-14T00:00:00Z", end: "2026-11-21T00:00:00Z") { totalConversations } }`);
    const client = new Redis(redis.url);
    const keys = await client.keys('*');
    const values = await Promise.all(keys.map(async (key) => ((await client.type(key)) === 'string' ? client.get(key) : (await client.smembers(key)).join(' '))));
    client.disconnect();
    expect(keys.length).toBeGreaterThan(5);
    const secrets = [
      sandboxCredentials.avaamoUserToken,
      ...sandboxCredentials.avaamoAgents.map((agent) => agent.accessToken),
      sandboxCredentials.vambeApiKey,
      sandboxCredentials.rocketchatAuthToken,
    ];
    for (const text of [...keys, ...values]) for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('keeps answers larger than REDIS_MAX_VALUE_BYTES to each replica, which then loads its own', async () => {
    const [a, b] = await replicas({ RESPONSE_CACHE: 'false', REDIS_MAX_VALUE_BYTES: '1024' });
    const query = `query($agentId: Int!) { agent(agentId: $agentId) { unhandledMessages(first: 50) { nodes { content } } } }`;
    const first = await a.execute(query, { agentId: agentIds[0] });
    const second = await b.execute(query, { agentId: agentIds[0] });
    expect(second).toEqual(first);
    // One request each: B did not wait for A's answer, which Redis would not take.
    expect((await a.stats()).total).toBe(2);
  });
});
