import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AvaamoPage } from '../../src/upstreams/avaamo/types.js';
import { agentIds, isoFromSeconds, startStack, type GraphQLResponse, type Stack } from '../helpers.js';

interface WireSms {
  uuid: string;
  from_phone: string;
  to_phone: string;
  message: string;
  created_at: number;
  sms_status: string;
  sms_status_response?: string;
}

const SMS = /* GraphQL */ `
  query Sms($agentId: Int!, $status: SmsStatus, $toPhone: String, $fromPhone: String, $from: DateTime, $to: DateTime, $first: Int) {
    agent(agentId: $agentId) {
      smsRecords(status: $status, toPhone: $toPhone, fromPhone: $fromPhone, from: $from, to: $to, first: $first) {
        totalCount
        nodes { id uuid fromPhone toPhone toPhoneE164 message createdAt status statusResponse }
      }
    }
  }
`;
type SmsNode = { id: string; uuid: string; toPhone: string; status: string; statusResponse: string | null } & Record<string, unknown>;
interface SmsData {
  agent: { smsRecords: { totalCount: number; nodes: SmsNode[] } };
}

let stack: Stack;
const agentId = agentIds[0]!;
let all: WireSms[];

beforeAll(async () => {
  stack = await startStack();
  all = [];
  for (let page = 1; ; page += 1) {
    const body = await stack.upstream<AvaamoPage<WireSms>>(`/api/v1/agents/${agentId}/sms/report.json`, { page, per_page: 100 });
    all.push(...body.entries);
    if (page >= body.total_pages) break;
  }
});
afterAll(() => stack.close());
beforeEach(() => stack.resetStats());

describe('Agent.smsRecords', () => {
  it('maps every field and status of the sandbox records', async () => {
    const { data, errors } = await stack.execute<SmsData>(SMS, { agentId, first: 40 });
    expect(errors).toBeUndefined();
    expect(data!.agent.smsRecords.totalCount).toBe(all.length);
    data!.agent.smsRecords.nodes.forEach((node, index) => {
      const wire = all[index]!;
      expect(node).toMatchObject({
        uuid: wire.uuid,
        fromPhone: wire.from_phone,
        toPhone: wire.to_phone,
        message: wire.message,
        createdAt: isoFromSeconds(wire.created_at),
        status: wire.sms_status.toUpperCase(),
        statusResponse: wire.sms_status_response ?? null,
      });
    });
    expect(new Set(all.map((wire) => wire.sms_status))).toEqual(new Set(['sent', 'failed', 'delivered', 'undelivered']));
  });

  it('filters by status as the lower-case upstream value; failed ones carry the carrier\'s reason', async () => {
    const { data } = await stack.execute<SmsData>(SMS, { agentId, status: 'FAILED', first: 100 });
    const [sent] = await stack.requests();
    expect(sent!.query.status).toBe('failed');
    const failed = all.filter((wire) => wire.sms_status === 'failed');
    expect(data!.agent.smsRecords.totalCount).toBe(failed.length);
    expect(data!.agent.smsRecords.nodes.every((node) => node.status === 'FAILED' && Boolean(node.statusResponse))).toBe(true);
  });

  it('sends a phone filter URL-encoded, never as extra parameters', async () => {
    const phone = all[0]!.to_phone;
    const hostile = `${phone}&status=sent#x`;
    await stack.execute<SmsData>(SMS, { agentId, toPhone: hostile, first: 5 });
    const [sent] = await stack.requests();
    expect(sent!.query.to_phone).toBe(hostile);
    expect(sent!.query.status).toBeUndefined();

    await stack.resetStats();
    const fromPhone = all[0]!.from_phone;
    const { data } = await stack.execute<SmsData>(SMS, { agentId, toPhone: phone, fromPhone, first: 100 });
    expect((await stack.requests())[0]!.query).toMatchObject({ to_phone: phone, from_phone: fromPhone });
    expect(data!.agent.smsRecords.nodes.length).toBeGreaterThan(0);
    expect(data!.agent.smsRecords.nodes.map((node) => node.uuid)).toContain(all[0]!.uuid);
  });

  it('sends from/to as epoch seconds and reads 30 days back when only `to` is given, in windows of at most 7 days', async () => {
    const to = new Date(all[10]!.created_at * 1000);
    // totalCount reads every window of the range.
    await stack.execute<SmsData>(SMS, { agentId, to: to.toISOString(), first: 5 });
    const sent = await stack.requests();
    expect(Number(sent[0]!.query.to_timetoken)).toBeCloseTo(to.getTime() / 1000, 3);
    const lowest = Math.min(...sent.map((request) => Number(request.query.from_timetoken)));
    expect(lowest).toBeCloseTo(to.getTime() / 1000 - 30 * 24 * 3600, 3);
    for (const request of sent) expect(Number(request.query.to_timetoken) - Number(request.query.from_timetoken)).toBeLessThanOrEqual(7 * 24 * 3600);
  });

  it('refetches a record by its global id', async () => {
    const { data } = await stack.execute<SmsData>(SMS, { agentId, status: 'FAILED', first: 2 });
    const listed = data!.agent.smsRecords.nodes[1]!;
    const refetched = await stack.execute<{ node: Record<string, unknown> }>(
      `query($id: ID!) { node(id: $id) { id ... on SmsRecord { uuid fromPhone toPhone toPhoneE164 message createdAt status statusResponse } } }`,
      { id: listed.id },
    );
    expect(refetched.errors).toBeUndefined();
    expect(refetched.data!.node).toEqual(listed);
  });
});

describe('smsRecords bounds with milliseconds', () => {
  const RANGED = /* GraphQL */ `query($agentId: Int!, $from: DateTime!, $to: DateTime!, $after: String) { agent(agentId: $agentId) {
    smsRecords(from: $from, to: $to, first: 100, after: $after) { totalCount nodes { uuid } pageInfo { hasNextPage endCursor } }
    smsDeliveryStats(from: $from, to: $to) { total } } }`;
  interface Ranged {
    agent: { smsRecords: { totalCount: number; nodes: { uuid: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } }; smsDeliveryStats: { total: number } };
  }

  it.each([
    ['one request', 1],
    ['windows', 10],
  ])('are inclusive to the millisecond, not rounded outward to whole seconds (%s)', async (_name, days) => {
    const agent = stack.sandbox.dataset.avaamo.agents[agentId]!;
    // Whole seconds, three days back: from = …+0.700 s, to = `days` later at …+0.200 s.
    const base = Math.floor(stack.sandbox.dataset.now / 1000) - 3 * 86_400 - days * 86_400;
    const from = base + 0.7;
    const to = base + days * 86_400 + 0.2;
    const template = agent.smsRecords[0]!;
    const added = { outBefore: base + 0.3, inFirst: base + 0.9, inLast: base + days * 86_400 + 0.1, outAfter: base + days * 86_400 + 0.9 };
    for (const [name, seconds] of Object.entries(added)) agent.smsRecords.push({ ...template, uuid: `ms-${days}-${name}`, created_at: seconds });
    agent.smsRecords.sort((a, b) => b.created_at - a.created_at);
    const expected = agent.smsRecords.filter((record) => record.created_at >= from && record.created_at <= to).map((record) => record.uuid);

    const seen: string[] = [];
    let answer: Ranged | undefined;
    for (let after: string | null = null, guard = 0; guard < 50; guard++) {
      const response: GraphQLResponse<Ranged> = await stack.execute<Ranged>(RANGED, { agentId, from: isoFromSeconds(from), to: isoFromSeconds(to), after });
      expect(response.errors).toBeUndefined();
      answer ??= response.data!;
      const page: Ranged['agent']['smsRecords'] = response.data!.agent.smsRecords;
      seen.push(...page.nodes.map((node) => node.uuid));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected);
    expect(seen).toEqual(expect.arrayContaining([`ms-${days}-inFirst`, `ms-${days}-inLast`]));
    expect(seen).not.toContain(`ms-${days}-outBefore`);
    expect(seen).not.toContain(`ms-${days}-outAfter`);
    expect(answer!.agent.smsRecords.totalCount).toBe(expected.length);
    expect(answer!.agent.smsDeliveryStats.total).toBe(expected.length);
  });
});
