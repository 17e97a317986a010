import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/auth/callers.js';
import { agentIds, startStack, type Stack } from '../helpers.js';
import { postGraphQL } from '../raw-request.js';

const KEYS = { reader: 'reader-key-5f1c9a0e7d', writer: 'writer-key-b83e2d4c61', writeOnly: 'write-only-key-77a1c0' };
const apiKeys = JSON.stringify([
  { name: 'dashboards', keySha256: sha256Hex(KEYS.reader), scopes: ['read'] },
  { name: 'bot-console', keySha256: sha256Hex(KEYS.writer), scopes: ['read', 'write'] },
  { name: 'poster', keySha256: sha256Hex(KEYS.writeOnly), scopes: ['write'] },
]);
const agentId = agentIds[0]!;
const AGENT = `query { agent(agentId: ${agentId}) { id name } }`;
const POST = /* GraphQL */ `
  mutation Post($input: PostAgentMessageInput!) { postAgentMessage(input: $input) { success } }
`;
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('API keys (GATEWAY_API_KEYS)', () => {
  let stack: Stack;
  let conversationUuid: string;
  beforeAll(async () => {
    stack = await startStack({ env: { GATEWAY_API_KEYS: apiKeys } });
    conversationUuid = stack.sandbox.dataset.avaamo.agents[agentId]!.conversations[0]!.uuid;
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.resetStats());

  it.each([
    ['no Authorization header', {}],
    ['an unknown key', bearer('not-a-key-of-this-gateway')],
    ['a key without the Bearer scheme', { authorization: KEYS.reader }],
    ['an empty bearer', { authorization: 'Bearer ' }],
  ])('answers 401 UNAUTHENTICATED to %s, before any upstream call', async (_name, headers) => {
    const response = await postGraphQL(stack.url, { query: AGENT }, headers);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(response.errors).toEqual([expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED' } })]);
    expect(response.data).toBeUndefined();
    expect((await stack.stats()).total).toBe(0);
  });

  it('serves the GraphiQL page without a key (it holds no data; its queries send one)', async () => {
    const page = await fetch(stack.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/cx-gateway/);
    expect((await postGraphQL(stack.url, { query: '{ agents { totalCount } }' })).status).toBe(401);
  });

  it('lets a read key query', async () => {
    const response = await postGraphQL(stack.url, { query: AGENT }, bearer(KEYS.reader));
    expect(response.status).toBe(200);
    expect(response.errors).toBeUndefined();
    expect(response.data).toMatchObject({ agent: { name: expect.any(String) } });
  });

  it('refuses postAgentMessage to a read key with FORBIDDEN on that field, posting nothing', async () => {
    const response = await postGraphQL(
      stack.url,
      { query: POST, variables: { input: { agentId, conversationUuid, text: 'hello' } } },
      bearer(KEYS.reader),
    );
    expect(response.data).toEqual({ postAgentMessage: null });
    expect(response.errors).toEqual([expect.objectContaining({ path: ['postAgentMessage'], extensions: { code: 'FORBIDDEN' } })]);
    expect((await stack.stats()).total).toBe(0);
  });

  it('lets a write key post', async () => {
    const response = await postGraphQL(
      stack.url,
      { query: POST, variables: { input: { agentId, conversationUuid, text: 'hello from the console' } } },
      bearer(KEYS.writer),
    );
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ postAgentMessage: { success: true } });
    expect((await stack.stats()).byRoute).toEqual({ 'POST /bots_api/v1/messages.json': 1 });
  });

  it('refuses queries to a key with only the write scope', async () => {
    const response = await postGraphQL(stack.url, { query: AGENT }, bearer(KEYS.writeOnly));
    expect(response.data).toEqual({ agent: null });
    expect(response.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([[['agent'], 'FORBIDDEN']]);
    expect((await stack.stats()).total).toBe(0);
  });
});

describe('real upstreams without keys', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { GATEWAY_AUTH: undefined } });
  });
  afterAll(() => stack.close());

  it('refuses every request until keys are configured', async () => {
    const response = await postGraphQL(stack.url, { query: AGENT });
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.message).toMatch(/GATEWAY_API_KEYS/);
    expect((await stack.stats()).total).toBe(0);
  });
});
