import { afterEach, describe, expect, it } from 'vitest';
import { skippingClock } from '../clock.js';
import { agentIds, errorAt, startStack, upstreamTotals, type Stack } from '../helpers.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const CONTACTS_ROUTE = 'GET /api/public/analytics/contacts/by-status';
const MESSAGES_ROUTE = 'GET /v1/messages.json';



describe('the shared HTTP layer, seen from a client', () => {
  it("does not open the breaker because one operation ran out of its own time: the next operation is served", async () => {
    const clock = skippingClock();
    stack = await startStack({
      gateway: { clock },
      env: {
        OPERATION_DEADLINE_MS: '20000',
        // The attempt timer is far away: only the operation's deadline can end these calls.
        UPSTREAM_TIMEOUT_MS: '60000',
        UPSTREAM_MAX_CONCURRENCY: '1',
        UPSTREAM_RETRY_ATTEMPTS: '1',
        BREAKER_MIN_REQUESTS: '3',
        BREAKER_WINDOW_MS: '30000',
        BREAKER_OPEN_MS: '30000',
      },
    });
    const unattended = await upstreamTotals.contacts(stack, 'unattended');
    await stack.setFaults([{ route: CONTACTS_ROUTE, kind: 'hang' }]);
    await stack.resetStats();
    // Four upstream calls queued behind a concurrency of one, on a Vambe that takes its time.
    const pending = stack.execute(/* GraphQL */ `{
      a: contacts(status: AI_ATTENDED, first: 1) { totalCount }
      b: contacts(status: AI_AWAY, first: 1) { totalCount }
      c: contacts(status: ATTENDED, first: 1) { totalCount }
      d: contacts(status: UNATTENDED, first: 1) { totalCount }
    }`);
    await expect.poll(async () => (await stack!.stats()).total).toBe(1);
    await clock.advance(20_000);
    const wide = await pending;
    for (const field of ['a', 'b', 'c', 'd']) expect(errorAt(wide, [field])?.extensions?.code).toBe('UPSTREAM_TIMEOUT');
    // One went out; the three queued behind it left the queue when the deadline passed.
    expect((await stack.stats()).total).toBe(1);
    await stack.setFaults([]);

    const next = await stack.execute<{ contacts: { totalCount: number } }>(`{ contacts(status: UNATTENDED, first: 1) { totalCount } }`);
    expect(next.errors).toBeUndefined();
    expect(next.data?.contacts.totalCount).toBe(unattended);
  });

  it('does not cache a message page that was on the wire while a message was posted', async () => {
    stack = await startStack({ env: { CACHE: 'on' } });
    const agentId = agentIds[1]!;
    const MESSAGES = `query($agentId: Int!) { agent(agentId: $agentId) { messages(first: 5) { nodes { content conversation { uuid } } } } }`;
    type MessagesData = { agent: { messages: { nodes: { content: string; conversation: { uuid: string } }[] } } };
    const first = await stack.execute<MessagesData>(MESSAGES, { agentId });
    const conversationUuid = first.data!.agent.messages.nodes[0]!.conversation.uuid;
    const post = async (text: string) => {
      const posted = await stack!.execute(`mutation($input: PostAgentMessageInput!) { postAgentMessage(input: $input) { success } }`, {
        input: { agentId, conversationUuid, text },
      });
      expect(posted.errors).toBeUndefined();
    };
    // Nothing of this agent's messages is cached now: the next read goes upstream.
    await post(`Before the read ${Date.now()}`);

    await stack.setFaults([{ route: MESSAGES_ROUTE, kind: 'latency', ms: 3000 }]);
    await stack.resetStats();
    const inFlight = stack.execute<MessagesData>(MESSAGES, { agentId });
    // The sandbox counts a request on arrival, before its latency: the read is on the wire from here.
    await expect.poll(async () => (await stack!.stats()).byRoute[MESSAGES_ROUTE] ?? 0, { timeout: 2500 }).toBe(1);
    const text = `Posted during a read ${Date.now()}`;
    await post(text);
    const during = await inFlight;
    expect(during.errors).toBeUndefined();
    expect((await stack.stats()).byRoute[MESSAGES_ROUTE]).toBe(1);
    await stack.setFaults([]);

    await stack.resetStats();
    const after = await stack.execute<MessagesData>(MESSAGES, { agentId });
    expect(after.data!.agent.messages.nodes.map((node) => node.content)).toContain(text);
    expect((await stack.stats()).byRoute[MESSAGES_ROUTE]).toBe(1);
  });
});
