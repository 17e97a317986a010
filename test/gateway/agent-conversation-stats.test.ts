import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { errorAt, startStack, type Stack } from '../helpers.js';

const STATS = /* GraphQL */ `
  query Stats($start: DateTime!, $end: DateTime!, $orderBy: AgentConversationStatOrder, $first: Int, $after: String) {
    agentConversationStats(start: $start, end: $end, orderBy: $orderBy, first: $first, after: $after) {
      totalCount
      totalConversations
      unspecifiedCount
      nodes { agentName conversationCount share }
      pageInfo { hasNextPage endCursor }
    }
  }
`;
interface Row {
  agentName: string;
  conversationCount: number;
  share: number;
}
interface StatsData {
  agentConversationStats: {
    totalCount: number;
    totalConversations: number;
    unspecifiedCount: number;
    nodes: Row[];
    pageInfo: { hasNextPage: boolean; endCursor: string };
  };
}

let stack: Stack;
let start: Date;
let end: Date;

beforeAll(async () => {
  stack = await startStack();
  end = new Date(stack.sandbox.dataset.now);
  start = new Date(end.getTime() - 30 * 24 * 3600 * 1000);
});
afterAll(() => stack.close());
beforeEach(() => stack.resetStats());

/** The report computed from the sandbox's rooms, as Rocket.Chat's aggregation does. */
function expectedReport(from: Date, to: Date) {
  const { rooms, users } = stack.sandbox.dataset.rocketchat;
  const inRange = rooms.filter((room) => Date.parse(room.ts) >= from.getTime() && Date.parse(room.ts) < to.getTime());
  const counts = new Map<string, number>();
  for (const room of inRange) if (room.servedBy) counts.set(room.servedBy._id, (counts.get(room.servedBy._id) ?? 0) + 1);
  const rows = [...counts].map(([userId, count]) => ({
    label: users.find((user) => user._id === userId)?.name ?? userId,
    value: count,
  }));
  return { rows, unspecified: inRange.filter((room) => !room.servedBy).length };
}

describe('agentConversationStats', () => {
  it('returns one row per human agent, busiest first, with share and unspecified', async () => {
    const { data, errors } = await stack.execute<StatsData>(STATS, { start: start.toISOString(), end: end.toISOString(), first: 100 });
    expect(errors).toBeUndefined();
    const [sent] = await stack.requests();
    expect(sent!.query).toEqual({ start: start.toISOString(), end: end.toISOString() });
    expect(sent!.credential).toBe('rocketchat');

    const expected = expectedReport(start, end);
    const connection = data!.agentConversationStats;
    const total = expected.rows.reduce((sum, row) => sum + row.value, 0);
    expect(connection.totalCount).toBe(expected.rows.length);
    expect(connection.totalCount).toBeGreaterThanOrEqual(15);
    expect(connection.totalConversations).toBe(total);
    expect(connection.unspecifiedCount).toBe(expected.unspecified);
    expect(connection.unspecifiedCount).toBeGreaterThan(0);
    expect(connection.nodes.map((row) => [row.agentName, row.conversationCount]).sort()).toEqual(
      expected.rows.map((row) => [row.label, row.value]).sort(),
    );
    const counts = connection.nodes.map((row) => row.conversationCount);
    expect([...counts].sort((a, b) => b - a)).toEqual(counts);
    connection.nodes.forEach((row) => expect(row.share).toBeCloseTo(row.conversationCount / total, 10));
    // A user with no name shows as its raw id (CONTRACTS.md §6).
    const unnamed = stack.sandbox.dataset.rocketchat.users.find((user) => !user.name);
    expect(connection.nodes.map((row) => row.agentName)).toContain(unnamed!._id);
  });

  it('pages the whole list with one upstream request for any order', async () => {
    const byName = await stack.execute<StatsData>(STATS, {
      start: start.toISOString(),
      end: end.toISOString(),
      orderBy: 'AGENT_NAME_ASC',
      first: 5,
    });
    const names = byName.data!.agentConversationStats.nodes.map((row) => row.agentName);
    expect([...names].sort((a, b) => a.localeCompare(b))).toEqual(names);
    const next = await stack.execute<StatsData>(STATS, {
      start: start.toISOString(),
      end: end.toISOString(),
      orderBy: 'AGENT_NAME_ASC',
      first: 5,
      after: byName.data!.agentConversationStats.pageInfo.endCursor,
    });
    expect(next.data!.agentConversationStats.nodes).toHaveLength(5);
    expect(next.data!.agentConversationStats.nodes[0]!.agentName.localeCompare(names[4]!)).toBeGreaterThanOrEqual(0);
    // Two operations, two upstream requests: nothing fetched per page.
    expect((await stack.stats()).total).toBe(2);
  });

  it('refuses an inverted or over-long range, and a bad cursor or page size, before asking Rocket.Chat', async () => {
    const refusals = [
      [{ start: end.toISOString(), end: start.toISOString() }, '`end` must not be before `start`.'],
      [{ start: '2024-01-01T00:00:00Z', end: '2026-01-01T00:00:00Z' }, '`start` and `end` must be at most 366 days apart.'],
      [{ start: '2025-01-01T00:00:00Z', end: '2026-01-02T00:00:01Z' }, '`start` and `end` must be at most 366 days apart.'],
      [{ start: start.toISOString(), end: end.toISOString(), after: 'not-a-cursor' }, expect.stringContaining('invalid cursor')],
      [{ start: start.toISOString(), end: end.toISOString(), first: -1 }, '`first` must not be negative (got -1)'],
    ] as const;
    for (const [variables, message] of refusals) {
      const response = await stack.execute<StatsData>(STATS, variables);
      expect(errorAt(response, ['agentConversationStats'])).toMatchObject({ message, extensions: { code: 'BAD_USER_INPUT' } });
    }
    expect((await stack.stats()).total).toBe(0);
    // A year and a day (2024 is a leap year: 366 days) is still asked.
    const leapYear = await stack.execute<StatsData>(STATS, { start: '2024-01-01T00:00:00Z', end: '2025-01-01T00:00:00Z' });
    expect(leapYear.errors).toBeUndefined();
    expect((await stack.stats()).total).toBe(1);
  });

  it('rejects a DateTime that is not one before asking anything', async () => {
    const response = await stack.execute<StatsData>(STATS, { start: 'yesterday', end: end.toISOString() });
    expect(response.status).toBe(400);
    expect(response.data).toBeUndefined();
    expect(response.errors?.[0]?.message).toMatch(/DateTime/);
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await stack.stats()).total).toBe(0);
  });
});
