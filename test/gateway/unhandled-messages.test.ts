import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AvaamoPage } from '../../src/upstreams/avaamo/types.js';
import { agentIds, errorAt, isoFromSeconds, startStack, upstreamTotals, type Stack } from '../helpers.js';

interface WireUnhandled {
  message_uuid: string;
  content: string;
  channel_name: string;
  created_at: number;
  score: number;
  intent_type: string;
  intent_name: string;
  user: Record<string, unknown>;
}

const UNHANDLED = /* GraphQL */ `
  query Unhandled($agentId: Int!, $from: DateTime, $to: DateTime, $first: Int, $after: String) {
    agent(agentId: $agentId) {
      unhandledMessages(from: $from, to: $to, first: $first, after: $after) {
        totalCount
        nodes { id messageUuid content score intentType intentName channel createdAt user }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
`;
interface UnhandledData {
  agent: {
    unhandledMessages: {
      totalCount: number;
      nodes: Array<{ id: string; messageUuid: string; content: string; createdAt: string } & Record<string, unknown>>;
      pageInfo: { hasNextPage: boolean; endCursor: string };
    };
  };
}

let stack: Stack;
const agentId = agentIds[0]!;
const DAY = 24 * 60 * 60 * 1000;
let from: Date;
let to: Date;

beforeAll(async () => {
  stack = await startStack();
  to = new Date(stack.sandbox.dataset.now);
  from = new Date(to.getTime() - 30 * DAY);
});
afterAll(() => stack.close());
beforeEach(() => stack.resetStats());

describe('Agent.unhandledMessages', () => {
  it('returns the sandbox entries of 30 days, read in windows of at most 7 days with from/to as epoch seconds', async () => {
    const fromS = Math.floor(from.getTime() / 1000);
    const toS = Math.ceil(to.getTime() / 1000);
    // The sandbox's own answer for the whole range in one request (it does not insist on 7 days).
    const reference = await stack.upstream<AvaamoPage<WireUnhandled>>(
      `/bots/analytics/${agentId}/unhandled_messages.json`,
      { from_timetoken: fromS, to_timetoken: toS, per_page: 100, page: 1 },
    );
    await stack.resetStats();
    const { data, errors } = await stack.execute<UnhandledData>(UNHANDLED, {
      agentId,
      from: from.toISOString(),
      to: to.toISOString(),
      first: 30,
    });
    expect(errors).toBeUndefined();
    const sent = await stack.requests();
    for (const request of sent) {
      expect(request).toMatchObject({ route: '/bots/analytics/{id}/unhandled_messages.json', credential: 'avaamo-user', query: { per_page: '100' } });
      const span = Number(request.query.to_timetoken) - Number(request.query.from_timetoken);
      expect(span).toBeLessThanOrEqual(7 * 86_400);
    }
    // The newest window ends where the range does; the totals reach back to where it starts.
    expect(sent[0]!.query.to_timetoken).toBe(String(toS));
    expect(Math.min(...sent.map((request) => Number(request.query.from_timetoken)))).toBe(fromS);
    const connection = data!.agent.unhandledMessages;
    expect(connection.totalCount).toBe(reference.total_entries);
    expect(reference.total_entries).toBeGreaterThan(100);
    expect(connection.nodes).toHaveLength(30);
    connection.nodes.forEach((node, index) => {
      const wire = reference.entries[index]!;
      expect(node).toMatchObject({
        messageUuid: wire.message_uuid,
        content: wire.content,
        channel: wire.channel_name,
        createdAt: isoFromSeconds(wire.created_at),
        score: wire.score,
        intentType: wire.intent_type,
        intentName: wire.intent_name,
        user: wire.user,
      });
    });
  });

  it('sends a range of at most 7 days as one request, from/to as epoch seconds', async () => {
    const weekFrom = new Date(to.getTime() - 7 * DAY);
    await stack.execute<UnhandledData>(UNHANDLED, { agentId, from: weekFrom.toISOString(), to: to.toISOString(), first: 30 });
    expect(await stack.requests()).toMatchObject([
      { query: { from_timetoken: String(Math.floor(weekFrom.getTime() / 1000)), to_timetoken: String(Math.ceil(to.getTime() / 1000)), page: '1', per_page: '100' } },
    ]);
  });

  it('refuses an inverted range at the gateway, without asking Avaamo, other fields intact', async () => {
    const response = await stack.execute<{ agents: { totalCount: number }; agent: { smsRecords: { totalCount: number } } }>(
      `query($agentId: Int!, $from: DateTime, $to: DateTime) {
        agents { totalCount }
        agent(agentId: $agentId) {
          agentId
          unhandledMessages(from: $from, to: $to) { totalCount }
          smsRecords(first: 1) { totalCount }
        }
      }`,
      { agentId, from: to.toISOString(), to: from.toISOString() },
    );
    const error = errorAt(response, ['agent', 'unhandledMessages']);
    expect(error?.extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expect(error?.message).toBe('`to` must not be before `from`.');
    expect(response.data).toMatchObject({
      agents: { totalCount: agentIds.length },
      agent: { agentId, unhandledMessages: null },
    });
    expect(response.errors).toHaveLength(1);
    // The SMS list's one call, and none for the refused range.
    expect((await stack.stats()).byRoute).toEqual({ 'GET /api/v1/agents/{id}/sms/report.json': 1 });
    expect(response.data!.agent.smsRecords).toEqual({ totalCount: await upstreamTotals.smsRecords(stack, agentId) });
  });

  it('refuses a `from` in the future without `to`, which Avaamo would end now, before any call', async () => {
    const response = await stack.execute<UnhandledData>(UNHANDLED, { agentId, from: new Date(Date.now() + DAY).toISOString(), first: 5 });
    expect(errorAt(response, ['agent', 'unhandledMessages'])?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(errorAt(response, ['agent', 'unhandledMessages'])?.message).toMatch(/`from` must not be in the future/);
    expect((await stack.stats()).total).toBe(0);
  });

  it('refetches an unhandled message by its global id', async () => {
    const list = await stack.execute<UnhandledData>(UNHANDLED, { agentId, from: from.toISOString(), first: 5 });
    const listed = list.data!.agent.unhandledMessages.nodes[4]!;
    const { data, errors } = await stack.execute<{ node: Record<string, unknown> }>(
      `query($id: ID!) { node(id: $id) { id ... on UnhandledMessage { messageUuid content score intentType intentName channel createdAt user } } }`,
      { id: listed.id },
    );
    expect(errors).toBeUndefined();
    expect(data!.node).toEqual(listed);
  });
});
