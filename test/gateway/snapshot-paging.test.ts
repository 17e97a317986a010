import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { agentIds, startStack, type Stack } from '../helpers.js';

interface Page {
  totalCount: number;
  edges: { cursor: string; node: { uuid: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const LISTS = {
  messages: {
    query: `query($a: Int!, $first: Int, $after: String) { agent(agentId: $a) { list: messages(first: $first, after: $after) {
      totalCount edges { cursor node { uuid } } pageInfo { hasNextPage endCursor } } } }`,
    route: '/v1/messages.json',
    bound: 'timetoken',
    control: 'messages',
  },
  smsRecords: {
    query: `query($a: Int!, $first: Int, $after: String) { agent(agentId: $a) { list: smsRecords(first: $first, after: $after) {
      totalCount edges { cursor node { uuid } } pageInfo { hasNextPage endCursor } } } }`,
    route: '/api/v1/agents/{id}/sms/report.json',
    bound: 'to_timetoken',
    control: 'sms',
  },
  unhandledMessages: {
    query: `query($a: Int!, $first: Int, $after: String) { agent(agentId: $a) { list: unhandledMessages(first: $first, after: $after) {
      totalCount edges { cursor node { uuid: messageUuid } } pageInfo { hasNextPage endCursor } } } }`,
    route: '/bots/analytics/{id}/unhandled_messages.json',
    bound: 'to_timetoken',
    control: 'unhandled',
  },
} as const;
type ListName = keyof typeof LISTS;

let stack: Stack;
const agentId = agentIds[0]!;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.resetStats());

async function page(list: ListName, first: number, after: string | null): Promise<Page> {
  const response = await stack.execute<{ agent: { list: Page } }>(LISTS[list].query, { a: agentId, first, after });
  expect(response.errors).toBeUndefined();
  return response.data!.agent.list;
}

async function addNow(list: ListName, count: number): Promise<string[]> {
  const response = await fetch(`${stack.sandbox.url}/__sandbox/${LISTS[list].control}?agent=${agentId}&count=${count}`, { method: 'POST' });
  expect(response.status).toBe(200);
  return ((await response.json()) as { added: string[] }).added;
}

/** The list as the sandbox holds it now (newest first): the reference. */
function reference(list: ListName): string[] {
  const agent = stack.sandbox.dataset.avaamo.agents[agentId]!;
  if (list === 'messages') return agent.messages.map((m) => m.uuid);
  if (list === 'smsRecords') return agent.smsRecords.map((r) => r.uuid);
  return agent.unhandledMessages.filter((u) => u.created_at >= Date.now() / 1000 - 3 * 86_400 + 60).map((u) => u.message_uuid);
}

describe('snapshot-pinned paging of Avaamo lists', () => {
  it('pages 1,000 messages 25 at a time while 50 arrive between pages, and yields exactly the original 1,000', async () => {
    const original = reference('messages');
    expect(original.length).toBeGreaterThanOrEqual(1_000);
    const seen: string[] = [];
    let after: string | null = null;
    let inserted = 0;
    for (let n = 0; n < 40; n++) {
      const connection = await page('messages', 25, after);
      // The list holds still for the traversal: its total is the first page's.
      expect(connection.totalCount).toBe(original.length);
      seen.push(...connection.edges.map((edge) => edge.node.uuid));
      after = connection.pageInfo.endCursor;
      inserted += (await addNow('messages', 50)).length;
    }
    expect(seen).toEqual(original.slice(0, 1_000));
    expect(inserted).toBe(2_000);

    const sent = (await stack.requests()).filter((request) => request.route === LISTS.messages.route);
    // One upstream request per GraphQL page here (no cross-request cache on this branch).
    expect(sent).toHaveLength(40);
    const [first, ...pinned] = sent;
    expect(first!.query.timetoken).toBeUndefined();
    const pin = pinned[0]!.query.timetoken;
    expect(pin).toMatch(/^\d{16}$/);
    expect(pinned.every((request) => request.query.timetoken === pin && request.query.since_timetoken === '0')).toBe(true);
    // Ten distinct grid pages of 100: what a shared cache would fetch (plus the unpinned first page).
    expect(new Set(sent.map((request) => `${request.query.page}:${request.query.timetoken}`)).size).toBe(11);

    // A traversal started now sees the new ones first.
    const fresh = await page('messages', 25, null);
    expect(fresh.totalCount).toBe(original.length + inserted);
    expect(fresh.edges.map((edge) => edge.node.uuid)).toEqual(reference('messages').slice(0, 25));
  });

  it.each(['smsRecords', 'unhandledMessages'] as const)('%s hold still while entries arrive', async (list) => {
    // Unhandled messages default to a 3-day window, which holds fewer.
    const size = list === 'unhandledMessages' ? 5 : 20;
    const original = reference(list);
    expect(original.length).toBeGreaterThan(3 * size);
    const first = await page(list, size, null);
    // Unhandled messages carry whole seconds: an entry in the first page's second would tie with the pin.
    if (list === 'unhandledMessages') await new Promise((resolve) => setTimeout(resolve, 1_100));
    await addNow(list, 7);
    const second = await page(list, size, first.pageInfo.endCursor);
    await addNow(list, 7);
    const third = await page(list, size, second.pageInfo.endCursor);
    const seen = [first, second, third].flatMap((connection) => connection.edges.map((edge) => edge.node.uuid));
    expect(seen).toEqual(original.slice(0, 3 * size));
    expect(third.totalCount).toBe(first.totalCount);

    const sent = (await stack.requests()).filter((request) => request.route === LISTS[list].route);
    const bounds = sent.map((request) => request.query[LISTS[list].bound]);
    expect(bounds[0]).toBeUndefined();
    expect(new Set(bounds.slice(1)).size).toBe(1);
    expect(Number(bounds[1])).toBeGreaterThan(Date.now() / 1000 - 60);

    const fresh = await page(list, size, null);
    expect(fresh.totalCount).toBe(first.totalCount + 14);
  });

  it('a backward traversal from the end holds still too', async () => {
    const original = reference('messages');
    const query = `query($a: Int!, $last: Int, $before: String) { agent(agentId: $a) { list: messages(last: $last, before: $before) {
      totalCount edges { node { uuid } } pageInfo { hasPreviousPage startCursor } } } }`;
    type Backward = { agent: { list: { totalCount: number; edges: { node: { uuid: string } }[]; pageInfo: { hasPreviousPage: boolean; startCursor: string | null } } } };
    const collected: string[] = [];
    let before: string | null = null;
    for (let n = 0; n < 100; n++) {
      const response: { data?: Backward } = await stack.execute<Backward>(query, { a: agentId, last: 100, before });
      const connection = response.data!.agent.list;
      expect(connection.totalCount).toBe(original.length);
      collected.unshift(...connection.edges.map((edge) => edge.node.uuid));
      if (!connection.pageInfo.hasPreviousPage) break;
      before = connection.pageInfo.startCursor;
      await addNow('messages', 30);
    }
    expect(collected).toEqual(original);
  });

  it('refuses a cursor whose snapshot was tampered with', async () => {
    const first = await page('messages', 5, null);
    // Format 2: version~pin~offset~tag, the pin `s` + Avaamo's time_token.
    const [version, pin, offset, tag] = first.pageInfo.endCursor!.split('~');
    expect(pin).toMatch(/^s\d+\.?\d*$/);
    const forged = [version, `s${Number(pin!.slice(1)) + 3600}`, offset, tag].join('~');
    await stack.resetStats();
    const response = await stack.execute(LISTS.messages.query, { a: agentId, first: 5, after: forged });
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.message).toMatch(/invalid cursor/);
    expect((await stack.stats()).total).toBe(0);
  });
});
