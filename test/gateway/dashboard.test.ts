import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { agentIds, startStack, type Stack } from '../helpers.js';

let stack: Stack;
let start: string;
let end: string;

beforeAll(async () => {
  stack = await startStack();
  end = new Date(stack.sandbox.dataset.now).toISOString();
  start = new Date(stack.sandbox.dataset.now - 7 * 24 * 3600 * 1000).toISOString();
});
afterAll(() => stack.close());
beforeEach(() => stack.resetStats());

const DASHBOARD = /* GraphQL */ `
  query Dashboard($a: Int!, $b: Int!, $c: Int!, $start: DateTime!, $end: DateTime!) {
    a: agent(agentId: $a) { ...lists }
    b: agent(agentId: $b) { ...lists }
    c: agent(agentId: $c) { ...lists }
    queue: contacts(status: UNATTENDED, first: 20) { totalCount nodes { name waitingTime } }
    agentConversationStats(start: $start, end: $end, first: 10) { totalConversations nodes { agentName conversationCount } }
  }
  fragment lists on Agent {
    name
    messages(first: 10) { totalCount nodes { content } }
    unhandledMessages(first: 10) { totalCount nodes { content } }
    smsRecords(first: 10) { totalCount nodes { status } }
  }
`;

describe('a dashboard in one operation', () => {
  it('costs exactly one upstream request per distinct upstream page', async () => {
    const [a, b, c] = agentIds;
    const { data, errors } = await stack.execute<Record<string, { messages: { nodes: unknown[] } } | null>>(DASHBOARD, {
      a,
      b,
      c,
      start,
      end,
    });
    expect(errors).toBeUndefined();
    for (const key of ['a', 'b', 'c']) expect(data![key]!.messages.nodes).toHaveLength(10);
    const stats = await stack.stats();
    expect(stats.byRoute).toEqual({
      'GET /api/v1/agents/{id}.json': 3,
      'GET /v1/messages.json': 3,
      'GET /bots/analytics/{id}/unhandled_messages.json': 3,
      'GET /api/v1/agents/{id}/sms/report.json': 3,
      'GET /api/public/analytics/contacts/by-status': 1,
      'GET /api/v1/livechat/analytics/dashboards/conversations-by-agent': 1,
    });
    expect(stats.total).toBe(14);
  });

  it('asks once for the same page under two aliases, and for overlapping windows of one page', async () => {
    const agentId = agentIds[0];
    const { data, errors } = await stack.execute<{
      agent: { one: { nodes: { uuid: string }[] }; two: { nodes: { uuid: string }[] }; three: { nodes: { uuid: string }[] } };
    }>(
      `query($agentId: Int!) {
        agent(agentId: $agentId) {
          one: messages(first: 10) { nodes { uuid } }
          two: messages(first: 10) { nodes { uuid } }
          three: messages(first: 50) { nodes { uuid } }
        }
      }`,
      { agentId },
    );
    expect(errors).toBeUndefined();
    expect(data!.agent.one).toEqual(data!.agent.two);
    expect(data!.agent.three.nodes.slice(0, 10)).toEqual(data!.agent.one.nodes);
    expect((await stack.stats()).byRoute).toEqual({ 'GET /v1/messages.json': 1 });
  });

  it('asks once when two arguments differ only below the upstream\'s precision', async () => {
    // Unhandled messages take whole seconds: both ranges (two days: one request, no 7-day windows) are the same upstream request.
    const { data, errors } = await stack.execute<{ agent: { a: { totalCount: number }; b: { totalCount: number } } }>(
      `query($agentId: Int!) {
        agent(agentId: $agentId) {
          a: unhandledMessages(from: "2026-01-01T00:00:00.100Z", to: "2026-01-03T00:00:00Z", first: 5) { totalCount }
          b: unhandledMessages(from: "2026-01-01T00:00:00.900Z", to: "2026-01-03T00:00:00Z", first: 5) { totalCount }
        }
      }`,
      { agentId: agentIds[0] },
    );
    expect(errors).toBeUndefined();
    expect(data!.agent.a).toEqual(data!.agent.b);
    expect((await stack.stats()).byRoute).toEqual({ 'GET /bots/analytics/{id}/unhandled_messages.json': 1 });
  });

  it('does not share pages between two operations (that is the cross-request cache\'s job)', async () => {
    const query = `query($agentId: Int!) { agent(agentId: $agentId) { messages(first: 5) { totalCount } } }`;
    await stack.execute(query, { agentId: agentIds[0] });
    await stack.execute(query, { agentId: agentIds[0] });
    expect((await stack.stats()).total).toBe(2);
  });
});
