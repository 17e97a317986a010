import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AvaamoUnhandledMessage } from '../../src/sandbox/data.js';
import { agentIds, isoFromSeconds, startStack, type Stack } from '../helpers.js';

/**
 * What the bot did not understand, clustered, compared with how the sandbox
 * generated it: every unhandled query is one wording of one intent, and the
 * intent is kept beside the wire data (unhandledIntents).
 */
const DAY = 86_400_000;

interface Cluster {
  representative: string;
  key: string;
  count: number;
  share: number;
  firstSeen: string;
  lastSeen: string;
  channels: string[];
  examples: { messageUuid: string; content: string; createdAt: string }[];
}
interface Clusters {
  totalCount: number;
  queryCount: number;
  complete: boolean;
  asOf: string;
  stale: boolean;
  nodes: Cluster[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const CLUSTERS = `query($a: Int!, $from: DateTime, $to: DateTime, $first: Int, $after: String) {
  agent(agentId: $a) { unhandledQueryClusters(from: $from, to: $to, first: $first, after: $after) {
    totalCount queryCount complete asOf stale
    nodes { representative key count share firstSeen lastSeen channels examples(first: 20) { messageUuid content createdAt } }
    pageInfo { hasNextPage endCursor } } } }`;

let stack: Stack;
const agentId = agentIds[0]!;
let range: { from: string; to: string };
let queries: AvaamoUnhandledMessage[];
let intentOf: Record<string, string>;

beforeAll(async () => {
  stack = await startStack();
  const to = Math.floor(stack.sandbox.dataset.now / 1000) * 1000;
  const from = to - 120 * DAY;
  range = { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
  const agent = stack.sandbox.dataset.avaamo.agents[agentId]!;
  queries = agent.unhandledMessages.filter((entry) => entry.created_at * 1000 >= from && entry.created_at * 1000 <= to);
  intentOf = agent.unhandledIntents;
});
afterAll(() => stack.close());

async function clusters(variables: Record<string, unknown> = {}, on: Stack = stack): Promise<Clusters> {
  const response = await on.execute<{ agent: { unhandledQueryClusters: Clusters } }>(CLUSTERS, { a: agentId, ...range, first: 100, ...variables });
  expect(response.errors).toBeUndefined();
  return response.data!.agent.unhandledQueryClusters;
}

/** The sandbox's queries of the range by the intent they were drawn from. */
function byIntent(): Map<string, AvaamoUnhandledMessage[]> {
  const groups = new Map<string, AvaamoUnhandledMessage[]>();
  for (const query of queries) groups.set(intentOf[query.message_uuid]!, [...(groups.get(intentOf[query.message_uuid]!) ?? []), query]);
  return groups;
}

describe('Agent.unhandledQueryClusters', () => {
  it("holds one cluster per intent the sandbox drew the queries from, with its count, times and channels", async () => {
    const answer = await clusters();
    const intents = byIntent();
    expect(answer).toMatchObject({ complete: true, stale: false, queryCount: queries.length, totalCount: intents.size });
    expect(answer.nodes).toHaveLength(intents.size);
    for (const cluster of answer.nodes) {
      // Every wording in the cluster comes from one intent...
      const drawnFrom = new Set(cluster.examples.map((example) => intentOf[example.messageUuid]));
      expect(drawnFrom.size).toBe(1);
      const members = intents.get([...drawnFrom][0]!)!;
      // ...and the cluster is all of that intent's queries.
      expect(cluster.count).toBe(members.length);
      expect(cluster.share).toBeCloseTo(members.length / queries.length, 12);
      const times = members.map((member) => member.created_at);
      expect(cluster.firstSeen).toBe(isoFromSeconds(Math.min(...times)));
      expect(cluster.lastSeen).toBe(isoFromSeconds(Math.max(...times)));
      expect([...cluster.channels].sort()).toEqual([...new Set(members.map((member) => member.channel_name))].sort());
      expect(cluster.examples.map((example) => example.content.trim().replace(/\s+/g, ' ')).sort()).toEqual(
        [...new Set(members.map((member) => member.content.trim().replace(/\s+/g, ' ')))].sort(),
      );
      expect(cluster.representative).toBe(cluster.examples[0]!.content.trim().replace(/\s+/g, ' '));
    }
    const counts = answer.nodes.map((cluster) => cluster.count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
  });

  it('puts "Where is my order?", "WHERE IS MY ORDER!!" and "where\'s my order" in one cluster, and "Where is my refund?" in another', async () => {
    const answer = await clusters();
    const holding = (text: string) => answer.nodes.filter((cluster) => cluster.examples.some((example) => example.content === text));
    const order = holding('Where is my order?');
    expect(order).toHaveLength(1);
    for (const variant of ['where is my order', 'WHERE IS MY ORDER!!', "where's my order"]) expect(holding(variant)).toEqual(order);
    expect(order[0]!.key).toBe('where is my order');
    const refund = holding('Where is my refund?');
    expect(refund).toHaveLength(1);
    expect(refund[0]).not.toBe(order[0]);
  });

  it('is deterministic: the same data gives the same clusters, and pages of them follow one another', async () => {
    const whole = await clusters();
    const again = await clusters();
    // asOf, and the snapshot its cursors pin, are each answer's own time.
    expect(again.nodes).toEqual(whole.nodes);
    expect({ ...again, asOf: null, pageInfo: null }).toEqual({ ...whole, asOf: null, pageInfo: null });
    const paged: Cluster[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 20; guard++) {
      const page = await clusters({ first: 4, after });
      paged.push(...page.nodes);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(paged).toEqual(whole.nodes);
  });

  it('pages without `from` keep their traversal, and their range, across the top of the hour', async () => {
    const hour = 3_600_000;
    const top = Math.ceil(Date.now() / hour) * hour;
    const defaults = { from: null, to: null };
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(top - 10_000);
      const whole = await clusters({ ...defaults, first: 100 });
      const first = await clusters({ ...defaults, first: 4 });
      expect(first.pageInfo.hasNextPage).toBe(true);
      // The default range (30 days back from the start of the hour) moved on: the traversal did not.
      vi.setSystemTime(top + 5_000);
      const second = await clusters({ ...defaults, first: 4, after: first.pageInfo.endCursor });
      expect([...first.nodes, ...second.nodes]).toEqual(whole.nodes.slice(0, 8));
      expect(second.queryCount).toBe(whole.queryCount);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses examples(first:) below 0 or above 20 as BAD_USER_INPUT, and gives up to 20', async () => {
    const query = `query($a: Int!, $n: Int) { agent(agentId: $a) { unhandledQueryClusters(first: 1) { nodes { examples(first: $n) { content } } } } }`;
    for (const n of [-1, 21]) {
      const response = await stack.execute(query, { a: agentId, n });
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
      expect(response.errors?.[0]?.message).toMatch(/`first` must be 0 to 20/);
    }
    const zero = await stack.execute<{ agent: { unhandledQueryClusters: { nodes: { examples: unknown[] }[] } } }>(query, { a: agentId, n: 0 });
    expect(zero.errors).toBeUndefined();
    expect(zero.data!.agent.unhandledQueryClusters.nodes[0]!.examples).toEqual([]);
  });

  it('covers the newest MAX_REPORT_ENTRIES queries of a larger range, and says it is not complete', async () => {
    const capped = await startStack({ env: { MAX_REPORT_ENTRIES: '100' } });
    try {
      const answer = await clusters({}, capped);
      expect(answer).toMatchObject({ complete: false, queryCount: 100 });
      expect(answer.nodes.reduce((sum, cluster) => sum + cluster.count, 0)).toBe(100);
      // Its own sandbox, started a moment later: the same data, a moment later.
      const own = capped.sandbox.dataset.avaamo.agents[agentId]!.unhandledMessages.filter((entry) => entry.created_at * 1000 <= Date.parse(range.to));
      const oldestCounted = Math.min(...answer.nodes.map((cluster) => Date.parse(cluster.firstSeen)));
      expect(oldestCounted).toBe(own[99]!.created_at * 1000);
    } finally {
      await capped.close();
    }
  });
});
