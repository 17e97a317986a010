import type { Fault } from '../../src/sandbox/faults.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { agentIds, errorAt, startStack, type Stack } from '../helpers.js';

const POST = /* GraphQL */ `
  mutation Post($input: PostAgentMessageInput!) {
    postAgentMessage(input: $input) { success clientMutationId }
  }
`;
const LATEST = /* GraphQL */ `
  query Latest($agentId: Int!) {
    agent(agentId: $agentId) { messages(first: 5) { nodes { content contentType conversation { uuid } } } }
  }
`;
interface LatestData {
  agent: { messages: { nodes: { content: string; contentType: string; conversation: { uuid: string } }[] } };
}

let stack: Stack;
const agentId = agentIds[1]!;
let conversationUuid: string;

beforeAll(async () => {
  stack = await startStack();
  const { data } = await stack.execute<LatestData>(LATEST, { agentId });
  conversationUuid = data!.agent.messages.nodes[0]!.conversation.uuid;
});
afterAll(() => stack.close());
beforeEach(() => stack.resetStats());

describe('postAgentMessage', () => {
  it('posts text as the agent, and the message appears in a later read', async () => {
    const text = `Your refund was approved (${Date.now()})`;
    const { data, errors } = await stack.execute(POST, {
      input: { agentId, conversationUuid, text, forceLocale: 'en', clientMutationId: 'm-1' },
    });
    expect(errors).toBeUndefined();
    expect(data).toEqual({ postAgentMessage: { success: true, clientMutationId: 'm-1' } });
    const [sent] = await stack.requests();
    expect(sent).toMatchObject({ method: 'POST', route: '/bots_api/v1/messages.json', credential: 'avaamo-user', status: 200 });

    const later = await stack.execute<LatestData>(LATEST, { agentId });
    expect(later.data!.agent.messages.nodes[0]).toMatchObject({ content: text, conversation: { uuid: conversationUuid } });
  });

  it('posts rich content as an object', async () => {
    const richContent = { quick_reply: { content: 'Was this helpful?', links: [{ title: 'Yes' }, { title: 'No' }] } };
    const { data, errors } = await stack.execute(POST, { input: { agentId, conversationUuid, richContent } });
    expect(errors).toBeUndefined();
    expect(data).toEqual({ postAgentMessage: { success: true, clientMutationId: null } });
    const later = await stack.execute<LatestData>(LATEST, { agentId });
    expect(later.data!.agent.messages.nodes[0]!.contentType).toBe('quick_reply');
  });

  it.each([
    ['neither text nor richContent', {}],
    ['both text and richContent', { text: 'hi', richContent: { card: {} } }],
    ['richContent that is not an object', { richContent: ['card'] }],
    ['richContent that is a string', { richContent: 'card' }],
    ['empty text', { text: '   ' }],
    ['a conversation id that is not 32-hex', { text: 'hi', conversationUuid: 'abc&bot_id=1' }],
  ])('refuses %s with BAD_USER_INPUT and sends nothing', async (_name, fields) => {
    const response = await stack.execute(POST, { input: { agentId, conversationUuid, ...fields } });
    expect(errorAt(response, ['postAgentMessage'])?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.data).toEqual({ postAgentMessage: null });
    expect((await stack.stats()).total).toBe(0);
  });

  it('answers NOT_FOUND for an agent the gateway does not serve, and sends nothing', async () => {
    const response = await stack.execute(POST, { input: { agentId: 999, conversationUuid, text: 'hi' } });
    expect(errorAt(response, ['postAgentMessage'])?.extensions?.code).toBe('NOT_FOUND');
    expect((await stack.stats()).total).toBe(0);
  });

  it('answers NOT_FOUND for a conversation Avaamo does not know', async () => {
    const response = await stack.execute(POST, { input: { agentId, conversationUuid: 'f'.repeat(32), text: 'hi' } });
    expect(errorAt(response, ['postAgentMessage'])?.extensions).toMatchObject({ code: 'NOT_FOUND', upstream: 'avaamo' });
  });
});

describe('postAgentMessage with an unknown outcome', () => {
  let cached: Stack;
  beforeAll(async () => {
    cached = await startStack({ env: { CACHE: 'on', OPERATION_DEADLINE_MS: '1500', UPSTREAM_TIMEOUT_MS: '500' } });
  });
  afterAll(() => cached.close());

  it('drops the agent\'s cached message pages, since the message may have been posted', async () => {
    await cached.execute<LatestData>(LATEST, { agentId });
    await cached.resetStats();
    await cached.execute<LatestData>(LATEST, { agentId });
    expect((await cached.stats()).total).toBe(0);

    const hang: Fault[] = [{ route: 'POST /bots_api/v1/messages.json', kind: 'hang' }];
    await cached.setFaults(hang);
    const posted = await cached.execute(POST, { input: { agentId, conversationUuid, text: 'Maybe posted.' } });
    expect(errorAt(posted, ['postAgentMessage'])?.extensions).toMatchObject({ code: 'UPSTREAM_TIMEOUT', outcome: 'unknown' });
    await cached.setFaults([]);

    await cached.resetStats();
    await cached.execute<LatestData>(LATEST, { agentId });
    expect((await cached.stats()).byRoute['GET /v1/messages.json']).toBe(1);
  });
});
