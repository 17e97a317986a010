import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { agentIds, startStack, type Stack } from '../helpers.js';

/**
 * node(id) refetches every Node kind, and the refetched node equals the list
 * version field for field. Entries are taken from deep in their lists (not
 * only the newest), so the refetch cannot lean on being near the top.
 */
const FIELDS = {
  Agent: 'agentId name description createdAt languages',
  Message: `uuid content contentType createdAt requestMessageUuid sequence { index total }
    conversation { uuid displayName locale } sender { firstName lastName layerId email phone avaamoId }
    customProperties attachments deviceUuid readReceipts { readAt user { firstName } }`,
  UnhandledMessage: 'messageUuid content score intentType intentName channel createdAt user',
  SmsRecord: 'uuid fromPhone toPhone toPhoneE164 message createdAt status statusResponse',
} as const;

const LIST = {
  Message: 'messages',
  UnhandledMessage: 'unhandledMessages',
  SmsRecord: 'smsRecords',
} as const;

let stack: Stack;
const agentId = agentIds[0]!;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.resetStats());

async function refetch(id: string, typename: keyof typeof FIELDS) {
  const response = await stack.execute<{ node: Record<string, unknown> }>(
    `query($id: ID!) { node(id: $id) { __typename id ... on ${typename} { ${FIELDS[typename]} } } }`,
    { id },
  );
  expect(response.errors).toBeUndefined();
  return response.data!.node;
}

describe('node(id) refetch', () => {
  it('Agent equals the agents list version', async () => {
    const { data } = await stack.execute<{ agents: { nodes: Record<string, unknown>[] } }>(
      `{ agents(first: 5) { nodes { __typename id ${FIELDS.Agent} } } }`,
    );
    expect(data!.agents.nodes.length).toBeGreaterThan(1);
    for (const listed of data!.agents.nodes) expect(await refetch(listed.id as string, 'Agent')).toEqual(listed);
  });

  it.each(Object.keys(LIST) as (keyof typeof LIST)[])('%s equals its list version, with one narrow upstream request', async (typename) => {
    const { data, errors } = await stack.execute<{ agent: { list: { nodes: Record<string, unknown>[] } } }>(
      `query($a: Int!) { agent(agentId: $a) { list: ${LIST[typename]}(first: 12) { nodes { __typename id ${FIELDS[typename]} } } } }`,
      { a: agentId },
    );
    expect(errors).toBeUndefined();
    const listed = data!.agent.list.nodes;
    expect(listed.length).toBe(12);
    for (const node of [listed[0]!, listed[7]!, listed[11]!]) {
      await stack.resetStats();
      expect(await refetch(node.id as string, typename)).toEqual(node);
      // One request, bounded to the entry's creation time a second either side.
      const sent = await stack.requests();
      expect(sent).toHaveLength(1);
      const query = sent[0]!.query;
      const [low, high] =
        typename === 'Message'
          ? [Number(query.since_timetoken) / 1e6, Number(query.timetoken) / 1e6]
          : [Number(query.from_timetoken), Number(query.to_timetoken)];
      const created = Date.parse(node.createdAt as string) / 1000;
      expect(low).toBeLessThanOrEqual(created);
      expect(high).toBeGreaterThanOrEqual(created);
      expect(high - low).toBeLessThanOrEqual(3);
    }
  });
});
