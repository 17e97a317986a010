import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxCredentials } from '../../src/sandbox/credentials.js';
import { agentIds, errorAt, startStack, type Stack } from '../helpers.js';

const NODE = `query($id: ID!) { node(id: $id) { id } }`;
const b64 = (text: string) => Buffer.from(text).toString('base64');

let stack: Stack;
const served = agentIds[0]!;
const other = agentIds[1]!;

beforeAll(async () => {
  // Only one agent served, though the sandbox's user token could read the others.
  stack = await startStack({
    env: { AVAAMO_AGENTS: JSON.stringify(sandboxCredentials.avaamoAgents.filter((agent) => agent.id === served)) },
  });
});
afterAll(() => stack.close());

describe('global ids', () => {
  it.each([
    ['garbage', 'xyz'],
    ['no type', b64(':1')],
    ['a type that is no Node', b64('Contact:1')],
    ['a type that does not exist', b64('Foo:1')],
    ['a forged far-future time', b64(`UnhandledMessage:${served}:abc:1e300`)],
    ['a malformed entry key', b64('SmsRecord:nope')],
  ])('%s is BAD_USER_INPUT and asks nothing', async (_name, id) => {
    await stack.resetStats();
    const response = await stack.execute(NODE, { id });
    expect(errorAt(response, ['node'])?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await stack.stats()).total).toBe(0);
  });

  it('nodes() refuses a list with a bad id', async () => {
    const response = await stack.execute(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: [b64(`Agent:${served}`), 'xyz'] });
    expect(errorAt(response, ['nodes'])?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('an entry of an agent this gateway does not serve is NOT_FOUND, even with a valid key', async () => {
    const { entries } = await stack.upstream<{ entries: { message_uuid: string; created_at: number }[] }>(
      `/bots/analytics/${other}/unhandled_messages.json`,
      { per_page: 1 },
    );
    const entry = entries[0]!;
    await stack.resetStats();
    const response = await stack.execute(NODE, { id: b64(`UnhandledMessage:${other}:${entry.message_uuid}:${entry.created_at}`) });
    expect(errorAt(response, ['node'])?.extensions?.code).toBe('NOT_FOUND');
    expect(response.data).toEqual({ node: null });
    expect((await stack.stats()).total).toBe(0);
  });

  it('an id of a served agent refetches', async () => {
    const { data } = await stack.execute<{ agent: { unhandledMessages: { nodes: { id: string; content: string }[] } } }>(
      `query($a: Int!) { agent(agentId: $a) { unhandledMessages(first: 1) { nodes { id content } } } }`,
      { a: served },
    );
    const listed = data!.agent.unhandledMessages.nodes[0]!;
    const refetched = await stack.execute<{ node: { id: string; content: string } }>(
      `query($id: ID!) { node(id: $id) { id ... on UnhandledMessage { content } } }`,
      { id: listed.id },
    );
    expect(refetched.data!.node).toEqual(listed);
  });
});
