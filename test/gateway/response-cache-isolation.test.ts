import { afterEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/auth/callers.js';
import { sandboxCredentials, sandboxSecondTenant } from '../../src/sandbox/credentials.js';
import { agentIds } from '../helpers.js';
import { startCachedStack, upstreamOf, type CachedStack } from './response-cache-support.js';

let stack: CachedStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const [agentId, other] = [agentIds[0]!, agentIds[1]!];
const MESSAGES = /* GraphQL */ `
  query Messages($agentId: Int!) { agent(agentId: $agentId) { messages(first: 5) { nodes { uuid content conversation { uuid } } } } }
`;
interface MessagesData {
  agent: { messages: { nodes: { uuid: string; content: string; conversation: { uuid: string } }[] } };
}
const POST = /* GraphQL */ `mutation Post($input: PostAgentMessageInput!) { postAgentMessage(input: $input) { success } }`;

describe('whose result a cached result is', () => {
  it('never hands a reader key\'s result to a writer key, nor the other way round', async () => {
    const keys = { reader: 'reader-key-0c5e1f7a', writer: 'writer-key-9b2d4e6f', secondReader: 'reader-key-3a8c0d2b' };
    stack = await startCachedStack({
      env: {
        GATEWAY_API_KEYS: JSON.stringify([
          { name: 'dashboards', keySha256: sha256Hex(keys.reader), scopes: ['read'] },
          { name: 'console', keySha256: sha256Hex(keys.writer), scopes: ['read', 'write'] },
          { name: 'wallboard', keySha256: sha256Hex(keys.secondReader), scopes: ['read'] },
        ]),
      },
    });
    const as = (key: string) => stack!.ask<MessagesData>(MESSAGES, { agentId }, { authorization: `Bearer ${key}` });
    expect(upstreamOf(await as(keys.reader))?.responseCache).toBe('miss');
    expect(upstreamOf(await as(keys.writer))?.responseCache).toBe('miss');
    expect(stack.executions.query).toBe(2);
    expect(upstreamOf(await as(keys.writer))?.responseCache).toBe('hit');
    expect(upstreamOf(await as(keys.reader))?.responseCache).toBe('hit');
    // Another key with the reader's scopes, on the same upstream credentials, may see just what the reader sees.
    expect(upstreamOf(await as(keys.secondReader))?.responseCache).toBe('hit');
    expect(stack.executions.query).toBe(2);
  });

  it('never hands one forwarded credential\'s result to another', async () => {
    stack = await startCachedStack({ env: { FORWARD_UPSTREAM_CREDENTIALS: 'true' } });
    const query = `{ agents { nodes { agentId name } } contacts(status: UNATTENDED, first: 50) { totalCount } }`;
    const tenantHeaders = (tenant: typeof sandboxCredentials | typeof sandboxSecondTenant) => ({
      'x-avaamo-access-token': tenant.avaamoUserToken,
      'x-avaamo-agent-token': tenant.avaamoAgents.map((agent) => `${agent.id}=${agent.accessToken}`).join(','),
      'x-vambe-api-key': tenant.vambeApiKey,
    });
    const first = await stack.ask(query, {}, tenantHeaders(sandboxCredentials));
    const second = await stack.ask(query, {}, tenantHeaders(sandboxSecondTenant));
    for (const response of [first, second]) expect(upstreamOf(response)?.responseCache).toBe('miss');
    expect(second.data).not.toEqual(first.data);
    // Only the Vambe key differs: still another caller.
    const vambeOnly = await stack.ask(query, {}, { ...tenantHeaders(sandboxCredentials), 'x-vambe-api-key': sandboxSecondTenant.vambeApiKey });
    expect(upstreamOf(vambeOnly)?.responseCache).toBe('miss');
    expect(stack.executions.query).toBe(3);

    const warmSecond = await stack.ask(query, {}, tenantHeaders(sandboxSecondTenant));
    const warmFirst = await stack.ask(query, {}, tenantHeaders(sandboxCredentials));
    expect([warmFirst, warmSecond].map((response) => upstreamOf(response)?.responseCache)).toEqual(['hit', 'hit']);
    expect(warmFirst.data).toEqual(first.data);
    expect(warmSecond.data).toEqual(second.data);
    expect(stack.executions.query).toBe(3);
  });
});

describe('a write drops the results built from what it changed', () => {
  it('postAgentMessage drops that agent\'s cached results, and only that agent\'s', async () => {
    stack = await startCachedStack();
    const before = await stack.ask<MessagesData>(MESSAGES, { agentId });
    await stack.ask(MESSAGES, { agentId: other });
    expect(upstreamOf(await stack.ask(MESSAGES, { agentId }))?.responseCache).toBe('hit');

    const text = `Response cache test ${Date.now()}`;
    const conversationUuid = before.data!.agent.messages.nodes[0]!.conversation.uuid;
    expect((await stack.ask(POST, { input: { agentId, conversationUuid, text } })).errors).toBeUndefined();

    const after = await stack.ask<MessagesData>(MESSAGES, { agentId });
    expect(upstreamOf(after)?.responseCache).toBe('miss');
    expect(after.data!.agent.messages.nodes[0]!.content).toBe(text);
    expect(upstreamOf(await stack.ask(MESSAGES, { agentId: other }))?.responseCache).toBe('hit');
    expect(stack.executions.query).toBe(3);
  });

  it('neither keeps nor lets anyone join a query in flight whose read a write invalidated', async () => {
    stack = await startCachedStack();
    const conversationUuid = stack.sandbox.dataset.avaamo.agents[agentId]!.conversations[0]!.uuid;
    // The message page answers late: the post below lands while the first read is on its way.
    await stack.setFaults([{ route: 'GET /v1/messages.json', kind: 'latency', ms: 1_500 }]);
    const early = stack.ask<MessagesData>(MESSAGES, { agentId });
    await waitForRequests(stack, 'GET /v1/messages.json', 1);

    const text = `Written while a read was in flight ${Date.now()}`;
    expect((await stack.ask(POST, { input: { agentId, conversationUuid, text } })).errors).toBeUndefined();
    // Arrives while the early query is still in flight: it must see the write.
    const late = await stack.ask<MessagesData>(MESSAGES, { agentId });
    expect(upstreamOf(late)?.responseCache).toBe('miss');
    expect(late.data!.agent.messages.nodes[0]!.content).toBe(text);
    expect(upstreamOf(await early)?.responseCache).toBe('miss');
    expect(stack.executions.query).toBe(2);

    // The late query's result is kept; the early one's, from before the write, never was.
    const again = await stack.ask<MessagesData>(MESSAGES, { agentId });
    expect(upstreamOf(again)?.responseCache).toBe('hit');
    expect(again.data).toEqual(late.data);
  });
});

/** Until the sandbox has received `count` requests of a route (a poll on its own counters). */
async function waitForRequests(stack: CachedStack, route: string, count: number) {
  for (let tries = 0; tries < 200; tries++) {
    if (((await stack.stats()).byRoute[route] ?? 0) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`the sandbox never received ${count} × ${route}`);
}
