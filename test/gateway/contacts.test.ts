import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sandboxCredentials } from '../../src/sandbox/credentials.js';
import { startStack, upstreamTotals, type Stack } from '../helpers.js';

interface WireContact {
  id: string;
  name: string;
  created_at: string;
  platform: string;
  chat_status: string;
  waiting_time: number;
  active_ticket_v2: unknown;
  assigned_agents: { agent_id: string; agent_name: string }[];
}

const CONTACTS = /* GraphQL */ `
  query Contacts($status: ContactStatus!, $platform: ContactPlatform, $pipelineId: ID, $first: Int, $after: String, $last: Int) {
    contacts(status: $status, platform: $platform, pipelineId: $pipelineId, first: $first, after: $after, last: $last) {
      totalCount
      nodes { id name createdAt platform chatStatus waitingTime activeTicket assignedAgents { id name } }
      pageInfo { hasNextPage hasPreviousPage endCursor }
    }
  }
`;
type ContactNode = { id: string; waitingTime: number; platform: string | null; chatStatus: string | null } & Record<string, unknown>;
interface ContactsData {
  contacts: { totalCount: number; nodes: ContactNode[]; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string } };
}

let stack: Stack;
let unattended: WireContact[];
const vambeKey = { 'x-api-key': sandboxCredentials.vambeApiKey };

beforeAll(async () => {
  stack = await startStack();
  unattended = [];
  for (let page = 1; ; page += 1) {
    const body = await stack.upstream<{ data: WireContact[]; total: number }>(
      '/api/public/analytics/contacts/by-status',
      { status: 'unattended', page },
      vambeKey,
    );
    unattended.push(...body.data);
    if (unattended.length >= body.total || body.data.length === 0) break;
  }
});
afterAll(() => stack.close());
beforeEach(() => stack.resetStats());

describe('contacts', () => {
  it('returns one status, longest waiting first, with every field mapped', async () => {
    expect(unattended.length).toBeGreaterThan(50);
    const { data, errors } = await stack.execute<ContactsData>(CONTACTS, { status: 'UNATTENDED', first: 20 });
    expect(errors).toBeUndefined();
    const [sent] = await stack.requests();
    expect(sent).toMatchObject({ route: '/api/public/analytics/contacts/by-status', credential: 'vambe', query: { status: 'unattended', page: '1' } });
    const nodes = data!.contacts.nodes;
    expect(data!.contacts.totalCount).toBe(unattended.length);
    expect(nodes.map((node) => node.id)).toEqual(unattended.slice(0, 20).map((wire) => wire.id));
    nodes.forEach((node, index) => {
      const wire = unattended[index]!;
      expect(node).toMatchObject({
        name: wire.name,
        createdAt: new Date(wire.created_at).toISOString(),
        platform: wire.platform.toUpperCase().replaceAll('-', '_'),
        chatStatus: 'UNATTENDED',
        activeTicket: wire.active_ticket_v2,
        assignedAgents: wire.assigned_agents.map((agent) => ({ id: agent.agent_id, name: agent.agent_name })),
      });
      // Waiting times are live: allow the seconds between the two reads.
      expect(Math.abs(node.waitingTime - wire.waiting_time)).toBeLessThanOrEqual(5);
    });
    const waits = nodes.map((node) => node.waitingTime);
    expect([...waits].sort((a, b) => b - a)).toEqual(waits);
  });

  it('pages across Vambe\'s 50-contact pages', async () => {
    const first = await stack.execute<ContactsData>(CONTACTS, { status: 'UNATTENDED', first: 45 });
    const second = await stack.execute<ContactsData>(CONTACTS, {
      status: 'UNATTENDED',
      first: 10,
      after: first.data!.contacts.pageInfo.endCursor,
    });
    expect(second.data!.contacts.nodes.map((node) => node.id)).toEqual(unattended.slice(45, 55).map((wire) => wire.id));
    expect(second.data!.contacts.pageInfo.hasPreviousPage).toBe(true);
    const pages = (await stack.requests()).map((request) => request.query.page);
    expect(pages).toEqual(['1', '1', '2']);
    expect((await stack.stats()).total).toBe(3);
  });

  it('asks for the total first and then only the last page for `last`', async () => {
    const { data } = await stack.execute<ContactsData>(CONTACTS, { status: 'UNATTENDED', last: 3 });
    expect(data!.contacts.nodes.map((node) => node.id)).toEqual(unattended.slice(-3).map((wire) => wire.id));
    expect(data!.contacts.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const lastPage = String(Math.ceil(unattended.length / 50));
    expect((await stack.requests()).map((request) => request.query.page)).toEqual(lastPage === '1' ? ['1'] : ['1', lastPage]);
  });

  it('sends the platform and pipeline filters as Vambe values', async () => {
    const { contacts, pipelines } = stack.sandbox.dataset.vambe;
    const pipelineId = pipelines[0]!.id;
    const { data, errors } = await stack.execute<ContactsData>(CONTACTS, {
      status: 'UNATTENDED',
      platform: 'WHATSAPP',
      pipelineId,
      first: 50,
    });
    expect(errors).toBeUndefined();
    const [sent] = await stack.requests();
    expect(sent!.query).toMatchObject({ channel: 'whatsapp', pipelineId, status: 'unattended' });
    const expected = contacts.filter(
      (record) =>
        record.pipelineId === pipelineId &&
        record.contact.platform === 'whatsapp' &&
        record.contact.chat_status === 'UNATTENDED',
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(new Set(data!.contacts.nodes.map((node) => node.id))).toEqual(new Set(expected.map((record) => record.contact.id)));
  });

  it('maps every status both ways', async () => {
    const wire = { ATTENDED: 'attended', AI_ATTENDED: 'ai-attended', AI_AWAY: 'ai-away' } as const;
    const totals = Object.fromEntries(
      await Promise.all(Object.entries(wire).map(async ([status, sent]) => [status, await upstreamTotals.contacts(stack, sent)] as const)),
    );
    await stack.resetStats();
    for (const status of ['ATTENDED', 'AI_ATTENDED', 'AI_AWAY'] as const) {
      const { data, errors } = await stack.execute<ContactsData>(CONTACTS, { status, first: 5 });
      expect(errors).toBeUndefined();
      expect(data!.contacts.totalCount).toBe(totals[status]);
      expect(totals[status]).toBeGreaterThan(0);
      expect(data!.contacts.nodes.every((node) => node.chatStatus === status)).toBe(true);
    }
    expect((await stack.requests()).map((request) => request.query.status)).toEqual(['attended', 'ai-attended', 'ai-away']);
  });
});
