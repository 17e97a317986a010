import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AvaamoPage } from '../../src/upstreams/avaamo/types.js';
import { agentIds, isoFromSeconds, startStack, type Stack } from '../helpers.js';

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
    expect(Number(sent[0]!.query.to_timetoken)).toBe(Math.ceil(to.getTime() / 1000));
    const lowest = Math.min(...sent.map((request) => Number(request.query.from_timetoken)));
    expect(lowest).toBe(Math.floor(to.getTime() / 1000) - 30 * 24 * 3600);
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
