import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { VambeContactRecord } from '../../src/sandbox/data.js';
import type { QueueSummaryQuery } from '../../packages/sdk/src/index.js';
import type { TestClock } from '../clock.js';
import { errorAt, type Stack } from '../helpers.js';
import { CONTACTS_ROUTE, contactRequests, startClockedStack } from './live-queue-support.js';

const SUMMARY = /* GraphQL */ `
  query Summary($status: ContactStatus!, $platform: ContactPlatform, $pipelineId: ID, $sla: Int) {
    queueSummary(status: $status, platform: $platform, pipelineId: $pipelineId, slaSeconds: $sla) {
      count totalCount longestWaitSeconds medianWaitSeconds p90WaitSeconds breachedCount unassignedCount complete asOf stale
      byPlatform { platform count longestWaitSeconds }
      byAssignedAgent { teamMember { id name } count longestWaitSeconds }
    }
  }
`;

type Summary = NonNullable<QueueSummaryQuery['queueSummary']>;

/**
 * The figures computed straight from the sandbox's records at its own
 * clock (standing still with the gateway's): what the README defines, not
 * what the gateway's code does.
 */
function expectedSummary(stack: Stack, status: string, sla: number, only: (record: VambeContactRecord) => boolean = () => true) {
  const now = stack.sandbox.now();
  const records = stack.sandbox.dataset.vambe.contacts.filter(
    (record) => record.contact.active_ticket_v2 !== null && record.contact.chat_status === status && only(record),
  );
  const waitOf = (record: VambeContactRecord) => (record.lastInboundAt === null ? 0 : Math.floor((now - record.lastInboundAt) / 1000));
  const ascending = records.map(waitOf).sort((a, b) => a - b);
  const rank = (p: number) => ascending[Math.ceil((p / 100) * ascending.length) - 1];
  const groups = <K,>(keyOf: (record: VambeContactRecord) => K[]) => {
    const found = new Map<K, { count: number; longest: number }>();
    for (const record of records) {
      for (const key of keyOf(record)) {
        const group = found.get(key) ?? { count: 0, longest: 0 };
        group.count += 1;
        group.longest = Math.max(group.longest, waitOf(record));
        found.set(key, group);
      }
    }
    return found;
  };
  const platforms = groups((record) => [record.contact.platform.toUpperCase().replaceAll('-', '_')]);
  const agents = groups((record) => record.contact.assigned_agents.map((agent) => `${agent.agent_id} ${agent.agent_name}`));
  return {
    count: records.length,
    totalCount: records.length,
    longestWaitSeconds: ascending.at(-1),
    medianWaitSeconds: rank(50),
    p90WaitSeconds: rank(90),
    breachedCount: ascending.filter((wait) => wait > sla).length,
    unassignedCount: records.filter((record) => record.contact.assigned_agents.length === 0).length,
    byPlatform: [...platforms].map(([platform, group]) => ({ platform, count: group.count, longestWaitSeconds: group.longest })),
    byAssignedAgent: [...agents].map(([agent, group]) => ({
      teamMember: { id: agent.split(' ')[0], name: agent.slice(agent.indexOf(' ') + 1) },
      count: group.count,
      longestWaitSeconds: group.longest,
    })),
  };
}

/** Groups in the order the schema descriptions give: most first, then longest wait first. */
const byLoad = <T extends { count: number; longestWaitSeconds: number }>(groups: T[]) =>
  [...groups].sort((a, b) => b.count - a.count || b.longestWaitSeconds - a.longestWaitSeconds);

describe('queueSummary', () => {
  let stack: Stack & { clock: TestClock };
  beforeAll(async () => {
    stack = await startClockedStack();
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.resetStats());

  it.each([
    ['UNATTENDED', {}, 600],
    ['AI_AWAY', {}, 3600],
    ['UNATTENDED', { platform: 'WHATSAPP' }, 86_400],
  ] as const)('equals the figures computed over the sandbox\'s own %s contacts %j, reading every page once', async (status, filter, sla) => {
    const { data, errors } = await stack.execute<{ queueSummary: Summary }>(SUMMARY, { status, sla, ...filter });
    expect(errors).toBeUndefined();
    const onPlatform = 'platform' in filter ? (record: VambeContactRecord) => record.contact.platform === filter.platform.toLowerCase() : undefined;
    const expected = expectedSummary(stack, status, sla, onPlatform);
    const summary = data!.queueSummary;
    expect(expected.count).toBeGreaterThan(20);
    const { byAssignedAgent: agents, ...figures } = expected;
    expect({ ...summary, byPlatform: byLoad(summary.byPlatform) }).toMatchObject({
      ...figures,
      complete: true,
      stale: false,
      byPlatform: byLoad(expected.byPlatform),
    });
    // Same groups; equal counts and waits may sort either way between agents.
    expect(new Set(summary.byAssignedAgent.map((load) => JSON.stringify(load)))).toEqual(new Set(agents.map((load) => JSON.stringify(load))));
    expect(summary.byAssignedAgent.map((load) => [load.count, load.longestWaitSeconds])).toEqual(byLoad(agents).map((load) => [load.count, load.longestWaitSeconds]));
    expect(Number.isNaN(Date.parse(summary.asOf))).toBe(false);
    const pages = (await stack.requests()).map((request) => Number(request.query.page)).sort((a, b) => a - b);
    expect(pages).toEqual(Array.from({ length: Math.ceil(expected.count / 50) }, (_, index) => index + 1));
  });

  it('without slaSeconds has no breachedCount, and an empty queue has no waits', async () => {
    const { data } = await stack.execute<{ queueSummary: Summary }>(SUMMARY, { status: 'UNATTENDED', pipelineId: 'no-such-pipeline' });
    expect(data!.queueSummary).toMatchObject({
      count: 0,
      totalCount: 0,
      longestWaitSeconds: null,
      medianWaitSeconds: null,
      p90WaitSeconds: null,
      breachedCount: null,
      unassignedCount: 0,
      byPlatform: [],
      byAssignedAgent: [],
      complete: true,
    });
  });

  it('shares the Vambe page it needs with `contacts` in the same operation', async () => {
    const { data, errors } = await stack.execute<{ queueSummary: Summary; contacts: { totalCount: number } }>(
      '{ queueSummary(status: AI_AWAY) { count } contacts(status: AI_AWAY, first: 10) { totalCount } }',
    );
    expect(errors).toBeUndefined();
    expect(data!.queueSummary.count).toBe(data!.contacts.totalCount);
    expect(await contactRequests(stack)).toBe(1);
  });

  it('gives every contact its waitingSince and slaBreached, consistent with its waitingTime', async () => {
    const threshold = 3600;
    const { data, errors } = await stack.execute<{ contacts: { asOf: string; nodes: { waitingTime: number; waitingSince: string; slaBreached: boolean }[] } }>(
      `{ contacts(status: UNATTENDED, first: 100) { asOf nodes { waitingTime waitingSince slaBreached(thresholdSeconds: ${threshold}) } } }`,
    );
    expect(errors).toBeUndefined();
    const nodes = data!.contacts.nodes;
    expect(nodes.some((node) => node.slaBreached) && nodes.some((node) => !node.slaBreached)).toBe(true);
    for (const node of nodes) expect(node.slaBreached).toBe(node.waitingTime > threshold);
    // waitingSince plus waitingTime is when the contact's page was fetched: one moment per page (two here), the oldest the connection's asOf.
    const moments = [...new Set(nodes.map((node) => Date.parse(node.waitingSince) + node.waitingTime * 1000))].sort();
    expect(moments.length).toBeLessThanOrEqual(2);
    expect(moments[0]).toBe(Date.parse(data!.contacts.asOf));
    const bad = await stack.execute('{ contacts(status: UNATTENDED, first: 1) { nodes { slaBreached(thresholdSeconds: -1) } } }');
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a negative slaSeconds before any upstream call', async () => {
    const response = await stack.execute(SUMMARY, { status: 'UNATTENDED', sla: -1 });
    expect(errorAt(response, ['queueSummary'])?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await stack.stats()).total).toBe(0);
  });

  it('answers a coded error on the field alone when Vambe fails', async () => {
    await stack.setFaults([{ route: CONTACTS_ROUTE, kind: 'status', status: 401 }]);
    const response = await stack.execute<{ queueSummary: null; agents: { totalCount: number } }>('{ queueSummary(status: UNATTENDED) { count } agents { totalCount } }');
    await stack.setFaults([]);
    expect(response.data).toMatchObject({ queueSummary: null, agents: { totalCount: expect.any(Number) } });
    expect(errorAt(response, ['queueSummary'])?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', upstream: 'vambe' });
  });
});

describe('queueSummary over a queue longer than the gateway reads', () => {
  it('covers the 1,000 longest-waiting contacts, with the whole total, and says it is not complete', async () => {
    const stack = await startClockedStack();
    try {
      // 1,100 contacts: more than the 20 pages the gateway reads.
      await fetch(`${stack.sandbox.url}/__sandbox/contacts`, { method: 'POST', body: JSON.stringify({ status: 'ai-attended', count: 1000, waitingSeconds: 60 }) });
      const { data } = await stack.execute<{ queueSummary: Summary }>(SUMMARY, { status: 'AI_ATTENDED', sla: 59 });
      const total = stack.sandbox.dataset.vambe.contacts.filter((record) => record.contact.active_ticket_v2 !== null && record.contact.chat_status === 'AI_ATTENDED').length;
      expect(total).toBeGreaterThan(1000);
      expect(data!.queueSummary).toMatchObject({ count: 1000, totalCount: total, complete: false });
      expect(await contactRequests(stack)).toBe(20);
    } finally {
      await stack.close();
    }
  });
});
