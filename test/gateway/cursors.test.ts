import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCursorCodec, createCursorKeys } from '../../src/schema/cursor-codec.js';
import { agentIds, startStack, type GraphQLResponse, type Stack } from '../helpers.js';

const SECRET = 'gateway-test cursor secret, 32+ characters';
const agentId = agentIds[0]!;

/** Each kind of list the gateway pages: pinned Avaamo, live Vambe, held whole (agents, Rocket.Chat rows). */
const LISTS = {
  messages: {
    query: `query($first: Int, $after: String, $last: Int, $before: String) { list: agent(agentId: ${agentId}) { messages(first: $first, after: $after, last: $last, before: $before) {
      edges { cursor } pageInfo { hasNextPage endCursor } } } }`,
  },
  contacts: {
    query: `query($first: Int, $after: String, $last: Int, $before: String) { list: contacts(status: UNATTENDED, first: $first, after: $after, last: $last, before: $before) {
      edges { cursor } pageInfo { hasNextPage endCursor } } }`,
  },
  agents: {
    query: `query($first: Int, $after: String, $last: Int, $before: String) { list: agents(first: $first, after: $after, last: $last, before: $before) {
      edges { cursor } pageInfo { hasNextPage endCursor } } }`,
  },
  agentConversationStats: {
    query: `query($first: Int, $after: String, $last: Int, $before: String, $start: DateTime!, $end: DateTime!) { list: agentConversationStats(start: $start, end: $end, first: $first, after: $after, last: $last, before: $before) {
      edges { cursor } pageInfo { hasNextPage endCursor } } }`,
  },
} as const;
type ListName = keyof typeof LISTS;
interface Page {
  edges: { cursor: string }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}
interface Data {
  /** The connection itself, or the agent around `messages`. */
  list: Page & { messages?: Page };
}
const pageOf = (data: Data): Page => data.list.messages ?? data.list;

/** The Rocket.Chat report's range: the 30 days of sandbox data (any other list ignores them). */
let range: { start: string; end: string };
let stack: Stack;
let otherSecret: Stack;
let sameSecret: Stack;

beforeAll(async () => {
  [stack, otherSecret, sameSecret] = await Promise.all([
    startStack({ env: { CURSOR_SECRET: SECRET } }),
    startStack({ env: { CURSOR_SECRET: 'another gateway, another secret of 32+ characters' } }),
    startStack({ env: { CURSOR_SECRET: SECRET } }),
  ]);
  const end = stack.sandbox.dataset.now;
  range = { start: new Date(end - 30 * 24 * 3600 * 1000).toISOString(), end: new Date(end).toISOString() };
});
afterAll(() => Promise.all([stack, otherSecret, sameSecret].map((each) => each.close())));
beforeEach(() => Promise.all([stack, otherSecret, sameSecret].map((each) => each.resetStats())));

const variablesOf = (list: ListName) => (list === 'agentConversationStats' ? range : {});

async function cursorOf(list: ListName, on = stack): Promise<string> {
  const response = await on.execute<Data>(LISTS[list].query, { ...variablesOf(list), first: 2 });
  expect(response.errors).toBeUndefined();
  return pageOf(response.data!).pageInfo.endCursor!;
}

async function refusal(list: ListName, variables: Record<string, unknown>, on = stack) {
  await on.resetStats();
  const response: GraphQLResponse<Data> = await on.execute<Data>(LISTS[list].query, { ...variablesOf(list), ...variables });
  return { error: response.errors?.[0], upstreamCalls: (await on.stats()).total };
}

describe.each(Object.keys(LISTS) as ListName[])('a %s cursor', (list) => {
  it('edited anywhere, the offset included, is BAD_USER_INPUT with no upstream call', async () => {
    const cursor = await cursorOf(list);
    const [version, pin, offset, tag] = cursor.split('~') as [string, string, string, string];
    const edits = [
      [version, pin, String(Number(offset) + 1), tag],
      [version, pin, String(Number(offset) - 1), tag],
      [version, pin, offset, `${tag.slice(0, -1)}${tag.endsWith('0') ? '1' : '0'}`],
      [version, pin === '' ? 's1763758748.5' : `${pin.slice(0, -1)}${pin.endsWith('1') ? '2' : '1'}`, offset, tag],
      ['1', pin, offset, tag],
    ].map((parts) => parts.join('~'));
    for (const after of edits) {
      expect(after).not.toBe(cursor);
      const { error, upstreamCalls } = await refusal(list, { first: 2, after });
      expect(error).toMatchObject({ message: expect.stringMatching(/^invalid cursor/), extensions: { code: 'BAD_USER_INPUT' } });
      expect(upstreamCalls).toBe(0);
    }
  });

  it('truncated is BAD_USER_INPUT with no upstream call', async () => {
    const cursor = await cursorOf(list);
    for (const length of [0, 1, 2, Math.floor(cursor.length / 2), cursor.length - 1]) {
      const { error, upstreamCalls } = await refusal(list, { last: 2, before: cursor.slice(0, length) });
      expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(upstreamCalls).toBe(0);
    }
  });

  it('signed by a gateway with another CURSOR_SECRET is BAD_USER_INPUT with no upstream call', async () => {
    const foreign = await cursorOf(list, otherSecret);
    const { error, upstreamCalls } = await refusal(list, { first: 2, after: foreign });
    expect(error).toMatchObject({ message: expect.stringMatching(/^invalid cursor/), extensions: { code: 'BAD_USER_INPUT', reason: 'CURSOR_INVALID' } });
    expect(upstreamCalls).toBe(0);
  });

  it('from another list is BAD_USER_INPUT with no upstream call', async () => {
    for (const other of (Object.keys(LISTS) as ListName[]).filter((name) => name !== list)) {
      const { error, upstreamCalls } = await refusal(list, { first: 2, after: await cursorOf(other) });
      expect(error?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CURSOR_INVALID' });
      expect(upstreamCalls).toBe(0);
    }
  });
});

describe('cursors across gateways', () => {
  it('travel between gateways sharing CURSOR_SECRET, for lists whose position the cursor holds', async () => {
    const opening = await stack.execute<Data>(LISTS.messages.query, { first: 3 });
    const there = await sameSecret.execute<Data>(LISTS.messages.query, { first: 2, after: pageOf(opening.data!).pageInfo.endCursor });
    const here = await stack.execute<Data>(LISTS.messages.query, { first: 2, after: pageOf(opening.data!).pageInfo.endCursor });
    expect(there.errors).toBeUndefined();
    expect(pageOf(there.data!).edges).toEqual(pageOf(here.data!).edges);
  });

  it('say so when a contacts traversal is held by another gateway process', async () => {
    const { error, upstreamCalls } = await refusal('contacts', { first: 2, after: await cursorOf('contacts') }, sameSecret);
    expect(error).toMatchObject({ message: expect.stringMatching(/^expired cursor/), extensions: { code: 'BAD_USER_INPUT', reason: 'CURSOR_EXPIRED' } });
    expect(upstreamCalls).toBe(0);
  });
});

describe('cursors of an earlier gateway version (format 1)', () => {
  it('are refused, saying why, with no upstream call', async () => {
    // The old contacts cursor carried a 6-character tag of every contact returned: here 1,000 of them.
    const formatOne = Buffer.from(JSON.stringify({ v: 1, o: 999, n: 'AbCdEf'.repeat(1000), k: 'x'.repeat(16) })).toString('base64url');
    for (const list of ['contacts', 'messages'] as const) {
      const { error, upstreamCalls } = await refusal(list, { first: 1, after: formatOne });
      expect(error).toMatchObject({ message: expect.stringMatching(/earlier version of this gateway/), extensions: { code: 'BAD_USER_INPUT', reason: 'CURSOR_OUTDATED' } });
      expect(upstreamCalls).toBe(0);
    }
  });
});

describe('a crafted cursor, even one signed with the secret itself', () => {
  const codec = createCursorCodec(createCursorKeys(SECRET));
  const offsets = [0, 49, 99, 12_345, 2 ** 48 - 1];

  it('cannot make an Avaamo list read more pages than its size spans, plus one for the total', async () => {
    const messages = codec.list('messages', { agentId, deviceInfo: false });
    for (const offset of offsets) {
      const [cursor] = messages.issue({ kind: 'snapshot', snapshot: 1763758748.5 }, [offset]);
      for (const variables of [{ first: 1, after: cursor }, { first: 100, after: cursor }, { last: 100, before: cursor }, { first: 100, after: cursor, before: cursor }]) {
        const { error, upstreamCalls } = await refusal('messages', variables);
        expect(error).toBeUndefined();
        const size = variables.first ?? variables.last!;
        expect(upstreamCalls).toBeLessThanOrEqual(Math.ceil(size / 100) + 2);
      }
    }
  });

  it('cannot make a list read in windows read more pages than its size spans, plus two, whatever window it names', async () => {
    // A year ending 100 days before the sandbox's newest entry: some weeks of entries, then ~38 empty ones.
    const until = new Date(stack.sandbox.dataset.now - 100 * 86_400_000);
    const since = new Date(until.getTime() - 265 * 86_400_000);
    const query = `query($first: Int, $after: String, $last: Int, $before: String, $since: DateTime!, $until: DateTime!) {
      agent(agentId: ${agentId}) { messages(since: $since, until: $until, first: $first, after: $after, last: $last, before: $before) {
        edges { cursor } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`;
    const opening = await stack.execute<{ agent: { messages: Page } }>(query, { since, until, first: 1 });
    expect(opening.errors).toBeUndefined();
    // A window cursor the gateway really issued: only the week and offset are crafted.
    const snapshot = Number(/^2~w\d+s([\d.]+)~/.exec(opening.data!.agent.messages.pageInfo.endCursor!)![1]);
    const messages = codec.list('messages', { agentId, since, until, deviceInfo: false });
    const week = (ms: number) => Math.floor((ms - Date.UTC(1970, 0, 5)) / (7 * 86_400_000));
    for (const at of [week(until.getTime()), week(until.getTime()) - 10, week(since.getTime())]) {
      for (const offset of offsets) {
        const [cursor] = messages.issue({ kind: 'window', week: at, snapshot }, [offset]);
        for (const variables of [{ first: 1, after: cursor }, { first: 100, after: cursor }, { last: 100, before: cursor }, { first: 100, after: cursor, before: cursor }]) {
          await stack.resetStats();
          const response = await stack.execute(query, { since, until, ...variables });
          expect(response.errors).toBeUndefined();
          const size = variables.first ?? variables.last!;
          expect((await stack.stats()).total).toBeLessThanOrEqual(Math.ceil(size / 100) + 2);
        }
      }
    }
  });

  it('cannot make the contacts list read more Vambe pages than its size spans, plus one', async () => {
    // A page the gateway really holds: only the offset is crafted.
    const page = /^2~p([^~]+)~/.exec(await cursorOf('contacts'))![1]!;
    const contacts = codec.list('contacts', { status: 'unattended' });
    for (const offset of offsets) {
      const [cursor] = contacts.issue({ kind: 'page', page }, [offset]);
      for (const variables of [{ first: 1, after: cursor }, { first: 100, after: cursor }, { last: 100, before: cursor }]) {
        const { error, upstreamCalls } = await refusal('contacts', variables);
        expect(error).toBeUndefined();
        const size = variables.first ?? variables.last!;
        expect(upstreamCalls).toBeLessThanOrEqual(Math.ceil((size + 1) / 50) + 1);
      }
    }
  });
});
