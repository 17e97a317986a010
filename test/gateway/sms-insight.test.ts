import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AvaamoSmsRecord } from '../../src/sandbox/data.js';
import { agentIds, errorAt, startStack, type GraphQLResponse, type Stack } from '../helpers.js';
import { weekLinesWithin } from '../week-grid.js';

/**
 * SMS failure reasons and delivery stats, compared with what the sandbox
 * generated: each failed or undelivered record's cause is kept beside its
 * wire data (smsFailureCauses), the reference for the gateway's reading of
 * the carrier's text.
 */
const DAY = 86_400_000;

interface Record_ {
  uuid: string;
  status: string;
  failureReason: string | null;
  failureAdvice: string | null;
  retryable: boolean | null;
}
interface Page {
  totalCount: number;
  nodes: Record_[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const RECORDS = `query($a: Int!, $from: DateTime, $to: DateTime, $reason: SmsFailureReason, $status: SmsStatus, $first: Int, $after: String) {
  agent(agentId: $a) { smsRecords(from: $from, to: $to, failureReason: $reason, status: $status, first: $first, after: $after) {
    totalCount nodes { uuid status failureReason failureAdvice retryable } pageInfo { hasNextPage endCursor } } } }`;
const STATS = `query($a: Int!, $from: DateTime, $to: DateTime) { agent(agentId: $a) { smsDeliveryStats(from: $from, to: $to) {
  total sent delivered failed undelivered deliveryRate complete asOf stale failuresByReason { reason count retryable } } } }`;

let stack: Stack;
const agentId = agentIds[0]!;
let range: { from: string; to: string };
let inRange: AvaamoSmsRecord[];
let causes: Record<string, string>;

beforeAll(async () => {
  stack = await startStack();
  const to = Math.floor(stack.sandbox.dataset.now / 1000) * 1000;
  range = { from: new Date(to - 90 * DAY).toISOString(), to: new Date(to).toISOString() };
  const agent = stack.sandbox.dataset.avaamo.agents[agentId]!;
  inRange = agent.smsRecords.filter((record) => record.created_at * 1000 >= to - 90 * DAY && record.created_at * 1000 <= to);
  causes = agent.smsFailureCauses;
});
afterAll(() => stack.close());
beforeEach(() => stack.resetStats());

async function traverse(variables: Record<string, unknown>, first = 100): Promise<{ nodes: Record_[]; totalCount: number }> {
  const nodes: Record_[] = [];
  let after: string | null = null;
  let totalCount = -1;
  for (let guard = 0; guard < 100; guard++) {
    const response: GraphQLResponse<{ agent: { smsRecords: Page } }> = await stack.execute(RECORDS, { a: agentId, ...range, ...variables, first, after });
    expect(response.errors).toBeUndefined();
    const connection: Page = response.data!.agent.smsRecords;
    nodes.push(...connection.nodes);
    totalCount = connection.totalCount;
    if (!connection.pageInfo.hasNextPage) break;
    after = connection.pageInfo.endCursor;
  }
  return { nodes, totalCount };
}

describe('SmsRecord failure reasons', () => {
  it("names the cause the sandbox gave each failed or undelivered SMS, and null for the others", async () => {
    const { nodes } = await traverse({});
    expect(nodes.map((node) => node.uuid)).toEqual(inRange.map((record) => record.uuid));
    for (const node of nodes) {
      const cause = causes[node.uuid] ?? null;
      expect({ uuid: node.uuid, reason: node.failureReason }).toEqual({ uuid: node.uuid, reason: cause });
      if (cause === null) {
        expect(['SENT', 'DELIVERED']).toContain(node.status);
        expect([node.failureAdvice, node.retryable]).toEqual([null, null]);
      } else if (cause === 'UNCLASSIFIED') {
        expect([node.failureAdvice, node.retryable]).toEqual([null, null]);
      } else {
        expect(node.failureAdvice).toEqual(expect.any(String));
        expect(typeof node.retryable).toBe('boolean');
      }
    }
    expect(nodes.filter((node) => node.retryable === true).map((node) => node.failureReason)).not.toContain('INVALID_TO_NUMBER');
  });

  it.each(['INVALID_TO_NUMBER', 'CARRIER_CONGESTION', 'UNCLASSIFIED'])('smsRecords(failureReason: %s) returns exactly those, paged, with their total', async (reason) => {
    const expected = inRange.filter((record) => causes[record.uuid] === reason).map((record) => record.uuid);
    expect(expected.length).toBeGreaterThan(0);
    const { nodes, totalCount } = await traverse({ reason }, 2);
    expect(nodes.map((node) => node.uuid)).toEqual(expected);
    expect(totalCount).toBe(expected.length);
    // Avaamo cannot filter on it: every page reads the range's windows again (no cross-request cache in this test).
    expect((await stack.requests()).every((request) => request.query.status === undefined)).toBe(true);
  });

  it('asks Avaamo for the status where given, and nothing when the status has no reason', async () => {
    const failedOnly = await traverse({ reason: 'INVALID_TO_NUMBER', status: 'FAILED' });
    expect(failedOnly.nodes.map((node) => node.uuid)).toEqual(inRange.filter((r) => causes[r.uuid] === 'INVALID_TO_NUMBER' && r.sms_status === 'failed').map((r) => r.uuid));
    expect((await stack.requests()).every((request) => request.query.status === 'failed')).toBe(true);
    await stack.resetStats();
    const none = await traverse({ reason: 'INVALID_TO_NUMBER', status: 'DELIVERED' });
    expect(none).toEqual({ nodes: [], totalCount: 0 });
    expect((await stack.stats()).total).toBe(0);
  });
});

describe('Agent.smsDeliveryStats', () => {
  it("equals a count over the sandbox's records of the range, across its windows", async () => {
    const response = await stack.execute<{ agent: { smsDeliveryStats: Record<string, unknown> } }>(STATS, { a: agentId, ...range });
    expect(response.errors).toBeUndefined();
    const count = (status: string) => inRange.filter((record) => record.sms_status === status).length;
    const delivered = count('delivered');
    const reasons = new Map<string, number>();
    for (const record of inRange) if (causes[record.uuid]) reasons.set(causes[record.uuid]!, (reasons.get(causes[record.uuid]!) ?? 0) + 1);
    const stats = response.data!.agent.smsDeliveryStats;
    expect(stats).toMatchObject({
      total: inRange.length,
      sent: count('sent'),
      delivered,
      failed: count('failed'),
      undelivered: count('undelivered'),
      complete: true,
      stale: false,
    });
    expect(stats.deliveryRate).toBeCloseTo(delivered / (delivered + count('failed') + count('undelivered')), 12);
    const byReason = stats.failuresByReason as { reason: string; count: number; retryable: boolean | null }[];
    expect(Object.fromEntries(byReason.map((row) => [row.reason, row.count]))).toEqual(Object.fromEntries(reasons));
    expect(byReason.map((row) => row.count)).toEqual([...byReason.map((row) => row.count)].sort((a, b) => b - a));
    expect(byReason.find((row) => row.reason === 'CARRIER_CONGESTION')?.retryable).toBe(true);
    expect(byReason.find((row) => row.reason === 'INVALID_TO_NUMBER')?.retryable).toBe(false);
    // Every record read once: a request per 100 records of each window of the week grid (README), at least one each.
    const lines = weekLinesWithin(Date.parse(range.from), Date.parse(range.to));
    const bounds = [Date.parse(range.from), ...lines, Date.parse(range.to) + 1];
    let pages = 0;
    for (let window = 0; window + 1 < bounds.length; window++) {
      const held = inRange.filter((record) => record.created_at * 1000 >= bounds[window]! && record.created_at * 1000 < bounds[window + 1]!).length;
      pages += Math.max(1, Math.ceil(held / 100));
    }
    expect(await stack.requests()).toHaveLength(pages);
  });

  it('defaults to the 30 days before now, and refuses a range over 366 days before any call', async () => {
    const recent = await stack.execute<{ agent: { smsDeliveryStats: { total: number } } }>(STATS, { a: agentId });
    const since = Date.now() - 30 * DAY;
    expect(recent.data!.agent.smsDeliveryStats.total).toBe(stack.sandbox.dataset.avaamo.agents[agentId]!.smsRecords.filter((r) => r.created_at * 1000 >= since).length);
    await stack.resetStats();
    const long = await stack.execute(STATS, { a: agentId, from: new Date(Date.now() - 400 * DAY).toISOString() });
    expect(errorAt(long, ['agent', 'smsDeliveryStats'])?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await stack.stats()).total).toBe(0);
  });
});

describe('reports within MAX_REPORT_ENTRIES', () => {
  let capped: Stack;
  beforeAll(async () => {
    capped = await startStack({ env: { MAX_REPORT_ENTRIES: '100' } });
  });
  afterAll(() => capped.close());

  it('stats of a larger range cover its newest 100 records and say they are not complete', async () => {
    const response = await capped.execute<{ agent: { smsDeliveryStats: Record<string, number | boolean> } }>(STATS, { a: agentId, ...range });
    const newest = inRange.slice(0, 100);
    expect(response.data!.agent.smsDeliveryStats).toMatchObject({
      total: 100,
      delivered: newest.filter((record) => record.sms_status === 'delivered').length,
      failed: newest.filter((record) => record.sms_status === 'failed').length,
      complete: false,
    });
  });

  it('a failureReason filter over a larger range is refused, naming the cap', async () => {
    const response = await capped.execute(RECORDS, { a: agentId, ...range, reason: 'INVALID_TO_NUMBER', first: 5 });
    expect(errorAt(response, ['agent', 'smsRecords'])?.extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'REPORT_TOO_LARGE' });
    expect(errorAt(response, ['agent', 'smsRecords'])?.message).toMatch(/MAX_REPORT_ENTRIES/);
  });
});
