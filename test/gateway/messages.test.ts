import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AvaamoPage } from '../../src/upstreams/avaamo/types.js';
import { agentIds, agentToken, errorAt, isoFromSeconds, startStack, type Stack } from '../helpers.js';

interface WireMessage {
  uuid: string;
  content: string;
  content_type: string;
  created_at: number;
  sequence: string | null;
  request_message_uuid: string | null;
  conversation: { uuid: string; display_name: string; locale: string | null };
  user: { first_name: string; last_name: string; layer_id: string; email: string | null; phone: string[] | null; avaamo_id: number };
  custom_properties: Record<string, unknown>;
  attachments: unknown[];
  device_uuid: string;
  read_acks: { read_at: number; user: { first_name: string } }[];
}

interface MessageNode {
  id: string;
  uuid: string;
  content: string | null;
  contentType: string | null;
  createdAt: string;
  requestMessageUuid: string | null;
  sequence: { index: number; total: number } | null;
  conversation: { uuid: string; displayName: string | null; locale?: string | null } | null;
  sender: {
    firstName: string | null;
    lastName?: string | null;
    layerId?: string | null;
    email?: string | null;
    phone?: string | null;
    avaamoId: number | null;
    device: { osName: string | null } | null;
  } | null;
  customProperties?: unknown;
  attachments?: unknown;
  deviceUuid?: string | null;
  readReceipts?: { readAt: string; user: { firstName: string | null } | null }[];
}
interface MessagesData {
  agent: {
    messages: {
      totalCount: number;
      edges: { cursor: string; node: MessageNode }[];
      pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
    };
  };
}

const MESSAGES = /* GraphQL */ `
  query Messages($agentId: Int!, $first: Int, $after: String, $last: Int, $before: String, $since: DateTime, $until: DateTime, $device: Boolean) {
    agent(agentId: $agentId) {
      messages(first: $first, after: $after, last: $last, before: $before, since: $since, until: $until, includeDeviceInfo: $device) {
        totalCount
        edges {
          cursor
          node {
            id uuid content contentType createdAt requestMessageUuid
            sequence { index total }
            conversation { uuid displayName locale }
            sender { firstName lastName layerId email phone avaamoId device { osName } }
            customProperties attachments deviceUuid
            readReceipts { readAt user { firstName } }
          }
        }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }
  }
`;

let stack: Stack;
const busiest = agentIds[0]!;
let reference: WireMessage[];

beforeAll(async () => {
  stack = await startStack();
  // The whole list as Avaamo pages it: the reference every window must match.
  reference = [];
  for (let page = 1; ; page += 1) {
    const body = await stack.upstream<AvaamoPage<WireMessage>>(
      '/v1/messages.json',
      { page, per_page: 100 },
      { 'access-token': agentToken(busiest) },
    );
    reference.push(...body.entries);
    if (page >= body.total_pages) break;
  }
});
afterAll(() => stack.close());
beforeEach(() => stack.resetStats());

describe('Agent.messages', () => {
  it('returns the sandbox messages newest first with every field mapped', async () => {
    expect(reference.length).toBeGreaterThan(250);
    const { data, errors } = await stack.execute<MessagesData>(MESSAGES, { agentId: busiest, first: 60 });
    expect(errors).toBeUndefined();
    const nodes = data!.agent.messages.edges.map((edge) => edge.node);
    expect(nodes.map((node) => node.uuid)).toEqual(reference.slice(0, 60).map((wire) => wire.uuid));
    // The window holds every kind of sender and extra the mapping must carry.
    expect(reference.slice(0, 60).some((wire) => wire.read_acks.length > 0)).toBe(true);
    expect(reference.slice(0, 60).some((wire) => wire.sequence === null)).toBe(true);
    nodes.forEach((node, index) => {
      const wire = reference[index]!;
      expect(node.content).toBe(wire.content);
      expect(node.contentType).toBe(wire.content_type);
      expect(node.createdAt).toBe(isoFromSeconds(wire.created_at));
      expect(node.conversation).toEqual({
        uuid: wire.conversation.uuid,
        displayName: wire.conversation.display_name,
        locale: wire.conversation.locale,
      });
      expect(node.requestMessageUuid).toBe(wire.request_message_uuid);
      expect(node.sender).toEqual({
        firstName: wire.user.first_name,
        lastName: wire.user.last_name,
        layerId: wire.user.layer_id,
        email: wire.user.email,
        phone: wire.user.phone?.[0] ?? null,
        avaamoId: wire.user.avaamo_id,
        device: null,
      });
      expect(node.customProperties).toEqual(wire.custom_properties);
      expect(node.attachments).toEqual(wire.attachments);
      expect(node.deviceUuid).toBe(wire.device_uuid);
      expect(node.readReceipts).toEqual(
        wire.read_acks.map((ack) => ({ readAt: isoFromSeconds(ack.read_at), user: { firstName: ack.user.first_name } })),
      );
      const [position, total] = wire.sequence ? wire.sequence.split('/').map(Number) : [];
      expect(node.sequence).toEqual(wire.sequence ? { index: position, total } : null);
    });
    const times = nodes.map((node) => Date.parse(node.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(data!.agent.messages.totalCount).toBe(reference.length);
  });

  it('pages forward across an upstream page boundary with one request per page', async () => {
    const first = await stack.execute<MessagesData>(MESSAGES, { agentId: busiest, first: 90 });
    const after = first.data!.agent.messages.pageInfo.endCursor;
    await stack.resetStats();
    const second = await stack.execute<MessagesData>(MESSAGES, { agentId: busiest, first: 20, after });
    const page = second.data!.agent.messages;
    expect(page.edges.map((edge) => edge.node.uuid)).toEqual(reference.slice(90, 110).map((wire) => wire.uuid));
    expect(page.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const sent = (await stack.requests()).filter((request) => request.route === '/v1/messages.json');
    expect(sent.map((request) => request.query.page).sort()).toEqual(['1', '2']);
    expect(sent.every((request) => request.query.per_page === '100')).toBe(true);
  });

  it('pages backward from the end to the start with totalCount', async () => {
    const collected: string[] = [];
    let before: string | null = null;
    let pages = 0;
    for (;;) {
      const response: { data?: MessagesData } = await stack.execute<MessagesData>(MESSAGES, { agentId: busiest, last: 100, before });
      const connection = response.data!.agent.messages;
      expect(connection.totalCount).toBe(reference.length);
      collected.unshift(...connection.edges.map((edge) => edge.node.uuid));
      pages += 1;
      if (!connection.pageInfo.hasPreviousPage) break;
      before = connection.pageInfo.startCursor;
    }
    expect(pages).toBe(Math.ceil(reference.length / 100));
    expect(collected).toEqual(reference.map((wire) => wire.uuid));
  });

  it('sends since/until to Avaamo as microsecond timetokens, with the agent token', async () => {
    const since = new Date(reference[150]!.created_at * 1000);
    const until = new Date(reference[20]!.created_at * 1000);
    const { data } = await stack.execute<MessagesData>(MESSAGES, {
      agentId: busiest,
      since: since.toISOString(),
      until: until.toISOString(),
      first: 100,
    });
    const [sent] = (await stack.requests()).filter((request) => request.route === '/v1/messages.json');
    expect(sent!.query.since_timetoken).toBe(String(since.getTime() * 1000));
    expect(sent!.query.timetoken).toBe(String(until.getTime() * 1000));
    expect(sent!.credential).toBe(`avaamo-agent:${busiest}`);
    // Avaamo compares in microseconds; a DateTime has milliseconds.
    const micros = (wire: WireMessage) => Math.round(wire.created_at * 1e6);
    const expected = reference.filter(
      (wire) => micros(wire) >= since.getTime() * 1000 && micros(wire) <= until.getTime() * 1000,
    );
    expect(data!.agent.messages.totalCount).toBe(expected.length);
  });

  it('sends device_info only when device info is asked for, and maps it', async () => {
    const { data } = await stack.execute<MessagesData>(MESSAGES, { agentId: busiest, first: 5, device: true });
    const [sent] = (await stack.requests()).filter((request) => request.route === '/v1/messages.json');
    expect(sent!.query.device_info).toBe('true');
    const devices = data!.agent.messages.edges.map((edge) => edge.node.sender?.device);
    expect(devices.some((device) => device && typeof device.osName === 'string')).toBe(true);
  });

  it('refuses an inverted range without asking Avaamo', async () => {
    const response = await stack.execute<MessagesData>(MESSAGES, {
      agentId: busiest,
      since: '2026-01-02T00:00:00Z',
      until: '2026-01-01T00:00:00Z',
    });
    expect(errorAt(response, ['agent', 'messages'])?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await stack.stats()).total).toBe(0);
  });

  it('refuses a cursor from another agent\'s list', async () => {
    const other = await stack.execute<MessagesData>(MESSAGES, { agentId: agentIds[1], first: 1 });
    const foreign = other.data!.agent.messages.pageInfo.endCursor;
    const response = await stack.execute<MessagesData>(MESSAGES, { agentId: busiest, first: 1, after: foreign });
    expect(errorAt(response, ['agent', 'messages'])?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(errorAt(response, ['agent', 'messages'])?.message).toMatch(/invalid cursor/);
  });

  it('refetches a message by its global id', async () => {
    const list = await stack.execute<MessagesData>(MESSAGES, { agentId: busiest, first: 3 });
    const listed = list.data!.agent.messages.edges[2]!.node;
    const { data, errors } = await stack.execute<{ node: MessageNode }>(
      `query($id: ID!) { node(id: $id) { id ... on Message { uuid content createdAt conversation { uuid } } } }`,
      { id: listed.id },
    );
    expect(errors).toBeUndefined();
    expect(data!.node).toEqual({
      id: listed.id,
      uuid: listed.uuid,
      content: listed.content,
      createdAt: listed.createdAt,
      conversation: { uuid: listed.conversation!.uuid },
    });
  });
});
