import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SandboxRequestRecord } from '../../src/sandbox/server.js';
import { skippingClock } from '../clock.js';
import { agentIds, startStack, type Stack } from '../helpers.js';
import { postGraphQL } from '../raw-request.js';
import { GRID_MONDAY as GRID, WEEK, weekLinesWithin, weeksTouched } from '../week-grid.js';

/**
 * Ranges over 7 days, read the way Avaamo asks: windows of the UTC week grid
 * (README: Monday 00:00 UTC to Monday 00:00 UTC), each holding its start and
 * not its end, so an entry on a week line belongs to the newer week.
 */
const DAY = 86_400_000;

interface Page {
  totalCount?: number;
  edges: { cursor: string; node: { uuid: string } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

const LISTS = {
  smsRecords: { field: 'smsRecords(from: $from, to: $to', uuid: 'uuid', route: '/api/v1/agents/{id}/sms/report.json' },
  unhandledMessages: { field: 'unhandledMessages(from: $from, to: $to', uuid: 'uuid: messageUuid', route: '/bots/analytics/{id}/unhandled_messages.json' },
  messages: { field: 'messages(since: $from, until: $to', uuid: 'uuid', route: '/v1/messages.json' },
} as const;
type ListName = keyof typeof LISTS;

let stack: Stack;
const agentId = agentIds[0]!;
/** 90 days ending at the dataset's last whole second: both ends inclusive. */
let to: number;
let from: number;

beforeAll(async () => {
  stack = await startStack();
  to = Math.floor(stack.sandbox.dataset.now / 1000) * 1000;
  from = to - 90 * DAY;
  addEntriesOnWeekLines();
});
afterAll(() => stack.close());
beforeEach(() => stack.resetStats());

/** Entries exactly on, and just before, each week line of the range: where windows meet. */
function addEntriesOnWeekLines() {
  const agent = stack.sandbox.dataset.avaamo.agents[agentId]!;
  const [sms] = agent.smsRecords;
  const [unhandled] = agent.unhandledMessages;
  const [message] = agent.messages;
  for (const line of weekLinesWithin(from, to)) {
    for (const seconds of [line / 1000, line / 1000 - 0.000_001, line / 1000 - 0.5]) {
      agent.smsRecords.push({ ...sms!, uuid: `edge-sms-${seconds}`, created_at: seconds });
    }
    for (const seconds of [line / 1000, line / 1000 - 1]) agent.unhandledMessages.push({ ...unhandled!, message_uuid: `edge-unhandled-${seconds}`, created_at: seconds });
    for (const timetoken of [line * 1000, line * 1000 - 1]) agent.messages.push({ ...message!, uuid: `edge-message-${timetoken}`, timetoken, created_at: timetoken / 1e6 });
  }
  agent.smsRecords.sort((a, b) => b.created_at - a.created_at);
  agent.unhandledMessages.sort((a, b) => b.created_at - a.created_at);
  agent.messages.sort((a, b) => b.timetoken - a.timetoken);
}

/** The sandbox's own list for [from, to], newest first: the reference. */
function reference(list: ListName, range = { from, to }): string[] {
  const agent = stack.sandbox.dataset.avaamo.agents[agentId]!;
  const within = (seconds: number) => seconds >= range.from / 1000 && seconds <= range.to / 1000;
  if (list === 'smsRecords') return agent.smsRecords.filter((r) => within(r.created_at)).map((r) => r.uuid);
  if (list === 'unhandledMessages') return agent.unhandledMessages.filter((u) => within(u.created_at)).map((u) => u.message_uuid);
  return agent.messages.filter((m) => m.timetoken >= range.from * 1000 && m.timetoken <= range.to * 1000).map((m) => m.uuid);
}

async function page(list: ListName, variables: Record<string, unknown>, withTotal = false): Promise<Page> {
  const query = `query($a: Int!, $from: DateTime, $to: DateTime, $first: Int, $after: String, $last: Int, $before: String) {
    agent(agentId: $a) { list: ${LISTS[list].field}, first: $first, after: $after, last: $last, before: $before) {
      ${withTotal ? 'totalCount' : ''} edges { cursor node { ${LISTS[list].uuid} } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`;
  const response = await stack.execute<{ agent: { list: Page } }>(query, {
    a: agentId,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    ...variables,
  });
  expect(response.errors).toBeUndefined();
  return response.data!.agent.list;
}

/** The span, in seconds, of the range one upstream request asked for. */
function spanOf(request: SandboxRequestRecord): number {
  const { query } = request;
  if (request.route === LISTS.messages.route) return (Number(query.timetoken) - Number(query.since_timetoken)) / 1e6;
  return Number(query.to_timetoken) - Number(query.from_timetoken);
}

describe.each(Object.keys(LISTS) as ListName[])('%s over 90 days', (list) => {
  it('one traversal forwards returns exactly the entries of the range, in order, none lost or twice at window edges', async () => {
    const expected = reference(list);
    const seen: string[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 100; guard++) {
      const connection = await page(list, { first: 100, after });
      seen.push(...connection.edges.map((edge) => edge.node.uuid));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected);
    expect(seen.filter((uuid) => uuid.startsWith('edge-')).length).toBe(weekLinesWithin(from, to).length * (list === 'smsRecords' ? 3 : 2));
    const sent = await stack.requests();
    expect(sent.length).toBeGreaterThan(weeksTouched(from, to) - 1);
    for (const request of sent) {
      expect(request.route).toBe(LISTS[list].route);
      expect(spanOf(request)).toBeLessThanOrEqual(7 * 86_400);
    }
  });

  it('one traversal backwards from the end does too', async () => {
    const seen: string[] = [];
    let before: string | null = null;
    for (let guard = 0; guard < 100; guard++) {
      const connection = await page(list, { last: 100, before });
      seen.unshift(...connection.edges.map((edge) => edge.node.uuid));
      if (!connection.pageInfo.hasPreviousPage) break;
      before = connection.pageInfo.startCursor;
    }
    expect(seen).toEqual(reference(list));
  });

  it('totalCount is the sum of the windows, read only when selected', async () => {
    const counted = await page(list, { first: 10 }, true);
    expect(counted.totalCount).toBe(reference(list).length);
    // One request per window: the first page's window serves its own total.
    expect((await stack.stats()).total).toBe(weeksTouched(from, to));
  });
});

describe('reading only the windows a page needs', () => {
  /** Ends four days into a week, two weeks back: its newest window holds four days. */
  const midWeek = () => GRID + Math.floor((to - 14 * DAY - GRID) / WEEK) * WEEK + 4 * DAY;

  it('first: 10 of 90 days costs 1 upstream request when the newest window holds at least 10', async () => {
    const end = midWeek();
    const range = { from: end - 90 * DAY, to: end };
    const newestWindow = reference('smsRecords', { from: end - 4 * DAY, to: end });
    expect(newestWindow.length).toBeGreaterThanOrEqual(10);
    const connection = await page('smsRecords', { from: new Date(range.from).toISOString(), to: new Date(end).toISOString(), first: 10 });
    expect(connection.edges.map((edge) => edge.node.uuid)).toEqual(reference('smsRecords', range).slice(0, 10));
    const sent = await stack.requests();
    expect(sent).toHaveLength(1);
    expect(Number(sent[0]!.query.from_timetoken)).toBe((end - 4 * DAY) / 1000);
  });

  it('reads the next windows only while those before hold fewer than `first`', async () => {
    // An hour into a week: its window holds an hour.
    const end = midWeek() - 4 * DAY + 60 * 60 * 1000;
    const range = { from: end - 90 * DAY, to: end };
    let windows = 0;
    for (let held = 0, upper = end, lower = end - 60 * 60 * 1000; held < 40; upper = lower - 1, lower -= WEEK) {
      held += reference('smsRecords', { from: Math.max(lower, range.from), to: upper }).length;
      windows += 1;
    }
    expect(windows).toBeGreaterThan(1);
    const connection = await page('smsRecords', { from: new Date(range.from).toISOString(), to: new Date(end).toISOString(), first: 40 });
    expect(connection.edges.map((edge) => edge.node.uuid)).toEqual(reference('smsRecords', range).slice(0, 40));
    expect(await stack.requests()).toHaveLength(windows);
  });
});

describe('windows wholly in the past are cached for longer', () => {
  const QUERY = `query($a: Int!, $from: DateTime!) { agent(agentId: $a) { smsRecords(from: $from, first: 5) { totalCount stale } } }`;
  interface Answer {
    data: { agent: { smsRecords: { totalCount: number; stale: boolean } } };
    extensions: { upstream: { requests: number; cacheHits: number; staleHits: number; byRoute: Record<string, { requests: number; cacheHits: number; staleHits: number }> } };
  }

  async function twice(env: Record<string, string>) {
    const clock = skippingClock();
    const cached = await startStack({ env: { CACHE: 'on', ...env }, gateway: { clock } });
    try {
      const since = new Date(Date.now() - 90 * DAY).toISOString();
      const ask = async () =>
        JSON.parse((await postGraphQL(cached.url, { query: QUERY, variables: { a: agentId, from: since } }, { 'x-cx-debug-upstream': '1' })).text) as Answer;
      const cold = await ask();
      // Past the SMS report's 60 s, well within the past windows' hour.
      await clock.advance(120_000);
      return { cold, warm: await ask() };
    } finally {
      await cached.close();
    }
  }

  it('for an hour by default: two minutes later only the windows still open are asked again', async () => {
    const { cold, warm } = await twice({});
    const windows = weeksTouched(Date.now() - 90 * DAY, Date.now());
    expect(cold.extensions.upstream.requests).toBe(windows);
    // Settled: ended over an hour ago. Every window but the newest, unless the last week line is under an hour old.
    const open = Date.now() - weekLinesWithin(Date.now() - 90 * DAY, Date.now()).at(-1)! < 60 * 60 * 1000 ? 2 : 1;
    expect(warm.extensions.upstream.byRoute['avaamo.smsReport.past']).toEqual({ requests: 0, cacheHits: windows - open, staleHits: 0, coalesced: 0 });
    // The open ones are past their 60 s: served while refreshed behind the caller's back (the report's policy), so stale.
    expect(warm.extensions.upstream.byRoute['avaamo.smsReport']).toEqual({ requests: open, cacheHits: open, staleHits: open, coalesced: 0 });
    expect(warm.data.agent.smsRecords).toEqual({ ...cold.data.agent.smsRecords, stale: true });
    expect(cold.data.agent.smsRecords.stale).toBe(false);
  });

  it('for as long as CACHE_TTL_SECONDS says for avaamo.smsReport.past', async () => {
    const { warm } = await twice({ CACHE_TTL_SECONDS: '{"avaamo.smsReport.past": 60}' });
    const past = warm.extensions.upstream.byRoute['avaamo.smsReport.past']!;
    // Expired: served while refreshed behind the caller's back, and said to be stale.
    expect(past.staleHits).toBe(past.cacheHits);
    expect(past.staleHits).toBeGreaterThan(10);
    expect(warm.data.agent.smsRecords.stale).toBe(true);
  });
});

describe('a page over many empty windows reads at most its cap of them', () => {
  /** Pages one field may read for its edges and pageInfo (issue 11): ceil(size/100) for the items, one crossing into the next window, one for whether more follow. */
  const cap = (size: number) => Math.ceil(size / 100) + 2;

  it('messages over the year before the sandbox data: short pages with a cursor to page on, each at most its cap of requests', async () => {
    // The sandbox holds 120 days: this range's newest 20 days hold entries, its other ~38 weeks none.
    const range = { from: to - 365 * DAY, to: to - 100 * DAY };
    const expected = reference('messages', range);
    expect(expected.length).toBeGreaterThan(10);
    const seen: string[] = [];
    const perPage: number[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 200; guard++) {
      await stack.resetStats();
      const connection = await page('messages', { from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString(), first: 10, after });
      perPage.push((await stack.stats()).total);
      seen.push(...connection.edges.map((edge) => edge.node.uuid));
      if (!connection.pageInfo.hasNextPage) break;
      // An empty page still says where to page on from.
      expect(connection.pageInfo.endCursor).not.toBeNull();
      if (connection.edges.length === 0) expect(connection.pageInfo.startCursor).toBe(connection.pageInfo.endCursor);
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected);
    expect(Math.max(...perPage)).toBeLessThanOrEqual(cap(10));
    // Past the data, the empty weeks are walked a few per page, never all at once.
    expect(perPage.length).toBeGreaterThan(weeksTouched(range.from, range.to) / cap(10));
  });

  it('an empty year of messages: first: 10 costs at most its cap, and says more may follow', async () => {
    const range = { from: to - 365 * DAY, to: to - 130 * DAY };
    expect(reference('messages', range)).toEqual([]);
    const connection = await page('messages', { from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString(), first: 10 });
    expect(connection.edges).toEqual([]);
    expect(connection.pageInfo.hasNextPage).toBe(true);
    expect((await stack.stats()).total).toBeLessThanOrEqual(cap(10));
  });

  it('a range over 366 days (here since 2015) is refused before any request', async () => {
    const query = `query($a: Int!, $since: DateTime!) { agent(agentId: $a) { messages(since: $since, first: 10) { edges { cursor } } } }`;
    const response = await stack.execute(query, { a: agentId, since: '2015-01-01T00:00:00Z' });
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'RANGE_TOO_LONG' });
    expect((await stack.stats()).total).toBe(0);
  });

  it.each(Object.keys(LISTS) as ListName[])('%s: an open range of 366 days and some hours pages on after the clock moved two days', async (list) => {
    const started = Date.now();
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(started);
      const since = new Date(started - 366.5 * DAY).toISOString();
      const first = await page(list, { from: since, to: null, first: 10 });
      expect(first.pageInfo.hasNextPage).toBe(true);
      // Measured against the wall clock, the range would now be 368.5 days: the traversal is pinned to its first page's time.
      vi.setSystemTime(started + 2 * DAY);
      const second = await page(list, { from: since, to: null, first: 10, after: first.pageInfo.endCursor });
      expect(second.edges.map((edge) => edge.cursor)).not.toContain(first.pageInfo.endCursor);
      // A new traversal is measured from now, and refused.
      const fresh = await stack.execute(`query($a: Int!, $since: DateTime!) { agent(agentId: $a) { messages(since: $since, first: 1) { edges { cursor } } } }`, { a: agentId, since });
      expect(fresh.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'RANGE_TOO_LONG' });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('a first page whose windows the pin moves (Avaamo\'s clock past a week line the gateway\'s is not)', () => {
  let ahead: Stack;
  beforeAll(async () => {
    // Avaamo's clock 8 days ahead of the gateway's: its time_token always adds at least a week to an open range.
    ahead = await startStack({ sandbox: { now: Date.now() + 8 * DAY } });
  });
  afterAll(() => ahead.close());

  it('counts the opening read it cannot reuse within the cap of ceil(size / 100) + 2 requests', async () => {
    const query = `query($a: Int!, $from: DateTime!) { agent(agentId: $a) {
      smsRecords(from: $from, fromPhone: "+15559990000", first: 10) { edges { cursor } pageInfo { hasNextPage endCursor } } } }`;
    await ahead.resetStats();
    const response = await ahead.execute<{ agent: { smsRecords: Page } }>(query, { a: agentId, from: new Date(Date.now() - 120 * DAY).toISOString() });
    expect(response.errors).toBeUndefined();
    // No SMS from that number: the page walks empty windows until its reads run out, and says more may follow.
    expect(response.data?.agent.smsRecords.edges).toEqual([]);
    expect(response.data?.agent.smsRecords.pageInfo.hasNextPage).toBe(true);
    expect((await ahead.stats()).total).toBe(Math.ceil(10 / 100) + 2);
  });
});
