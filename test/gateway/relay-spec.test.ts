import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { agentIds, errorAt, startStack, type Stack } from '../helpers.js';

const MESSAGES = `query($a: Int!, $first: Int, $after: String, $last: Int, $before: String, $since: DateTime) {
  agent(agentId: $a) { messages(first: $first, after: $after, last: $last, before: $before, since: $since) {
    totalCount edges { cursor node { uuid } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`;
interface Data {
  agent: {
    messages: {
      totalCount: number;
      edges: { cursor: string; node: { uuid: string } }[];
      pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
    };
  };
}

let stack: Stack;
const agentId = agentIds[0]!;
let reference: string[];

beforeAll(async () => {
  stack = await startStack();
  reference = stack.sandbox.dataset.avaamo.agents[agentId]!.messages.map((message) => message.uuid);
});
afterAll(() => stack.close());
beforeEach(() => stack.resetStats());

const messages = (variables: Record<string, unknown>) => stack.execute<Data>(MESSAGES, { a: agentId, ...variables });

describe('Relay Cursor Connections on the gateway', () => {
  it('`last` without `before` asks the total first, then only the pages it needs, pinned', async () => {
    const { data, errors } = await messages({ last: 10 });
    expect(errors).toBeUndefined();
    const connection = data!.agent.messages;
    expect(connection.edges.map((edge) => edge.node.uuid)).toEqual(reference.slice(-10));
    expect(connection.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    expect(connection.totalCount).toBe(reference.length);
    const sent = await stack.requests();
    const lastPage = Math.ceil(reference.length / 100);
    const needed = new Set([Math.floor((reference.length - 10) / 100) + 1, lastPage]);
    expect(sent.map((request) => Number(request.query.page))).toEqual([1, ...[...needed].sort((a, b) => a - b)]);
    expect(sent[0]!.query.timetoken).toBeUndefined();
    expect(new Set(sent.slice(1).map((request) => request.query.timetoken)).size).toBe(1);
  });

  it('first and last together take `last` of the first `first`, as the spec orders them', async () => {
    const opening = await messages({ first: 10 });
    const after = opening.data!.agent.messages.edges[4]!.cursor;
    const { data } = await messages({ first: 30, last: 7, after });
    expect(data!.agent.messages.edges.map((edge) => edge.node.uuid)).toEqual(reference.slice(5, 35).slice(-7));
    expect(data!.agent.messages.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
  });

  it.each([
    [{ first: -1 }, /first.*negative/],
    [{ last: -3 }, /last.*negative/],
    [{ first: 101 }, /at most 100/],
    [{ last: 1000 }, /at most 100/],
    [{ first: 5, after: 'garbage' }, /invalid cursor/],
    [{ last: 5, before: Buffer.from('{"v":1,"o":3}').toString('base64url') }, /invalid cursor/],
  ])('%j is BAD_USER_INPUT and asks no upstream', async (variables, message) => {
    const response = await messages(variables);
    const error = errorAt(response, ['agent', 'messages']);
    expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error?.message).toMatch(message);
    expect((await stack.requests()).filter((request) => request.route === '/v1/messages.json')).toHaveLength(0);
  });

  it('a cursor read with other arguments is an invalid cursor, not a wrong page', async () => {
    const opening = await messages({ first: 3 });
    const since = new Date(Date.now() - 86_400_000).toISOString();
    const response = await messages({ first: 3, after: opening.data!.agent.messages.pageInfo.endCursor, since });
    expect(errorAt(response, ['agent', 'messages'])?.message).toMatch(/invalid cursor/);
  });

  it('a zero-size page still says what lies around it', async () => {
    const opening = await messages({ first: 10 });
    const after = opening.data!.agent.messages.edges[9]!.cursor;
    const { data } = await messages({ first: 0, after });
    expect(data!.agent.messages.edges).toEqual([]);
    expect(data!.agent.messages.pageInfo).toMatchObject({ hasNextPage: true, startCursor: null, endCursor: null });
    expect(data!.agent.messages.totalCount).toBe(reference.length);
  });
});
