import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxRestrictedAgentId } from '../../src/sandbox/credentials.js';
import type { AvaamoAgentData, AvaamoMessage } from '../../src/sandbox/data.js';
import type { Sandbox } from '../../src/sandbox/server.js';
import { DAY_S, NOW, agentHeaders, call, query, startWithAgent, userHeaders, type AvaamoPage } from './helpers.js';

const AGENT = 20457;
const MESSAGES = '/v1/messages.json';
const POST = '/bots_api/v1/messages.json';
const USER_KEYS = ['avaamo_id', 'avatar', 'avatar_updated_at', 'email', 'first_name', 'last_name', 'layer_id', 'phone'];

let sandbox: Sandbox;
let agent: AvaamoAgentData;

beforeAll(async () => {
  ({ sandbox, agent } = await startWithAgent(AGENT));
});
afterAll(() => sandbox.close());

function messages(params: Record<string, string | number | boolean> = {}, agentId = AGENT) {
  return call<AvaamoPage<AvaamoMessage>>(sandbox, `${MESSAGES}?${query(params)}`, { headers: agentHeaders(agentId) });
}

function at(index: number): AvaamoMessage {
  const message = agent.messages[index];
  if (!message) throw new Error(`no message at ${index}`);
  return message;
}

describe('GET /v1/messages.json', () => {
  it('needs an agent token: none, unknown or a user token is 401 {error}', async () => {
    const headerSets: Record<string, string>[] = [{}, { 'access-token': 'nope' }, userHeaders];
    for (const headers of headerSets) {
      const response = await call<{ error: unknown }>(sandbox, MESSAGES, { headers });
      expect(response.status).toBe(401);
      expect(typeof response.body.error).toBe('string');
    }
  });

  it("lists the token's own agent, newest first, 25 a page", async () => {
    const { body } = await messages();
    expect(body.total_entries).toBe(agent.messages.length);
    expect(body.total_pages).toBe(Math.ceil(agent.messages.length / 25));
    expect(body.entries).toEqual(agent.messages.slice(0, 25));
    const other = await messages({ per_page: 1 }, 20458);
    expect(other.body.entries[0]).toEqual(sandbox.dataset.avaamo.agents[20458]?.messages[0]);
  });

  it('holds hundreds of messages over 120 days, 2,500+ for the busy agent, in tens of conversations', () => {
    expect(agent.messages.length).toBeGreaterThanOrEqual(2500);
    expect(new Set(agent.messages.map((m) => m.conversation.uuid)).size).toBeGreaterThanOrEqual(40);
    for (const data of Object.values(sandbox.dataset.avaamo.agents)) {
      if (data.details.id === sandboxRestrictedAgentId) continue;
      expect(data.messages.length).toBeGreaterThanOrEqual(600);
      for (const message of data.messages) expect(message.created_at * 1000).toBeGreaterThan(NOW - 120 * DAY_S * 1000);
      // Spread over the whole span, not bunched at its recent end.
      expect(Math.min(...data.messages.map((m) => m.created_at * 1000))).toBeLessThan(NOW - 110 * DAY_S * 1000);
    }
  });

  it('sends the documented entry shape', () => {
    const times = agent.messages.map((m) => m.timetoken);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const responses = agent.messages.filter((m) => m.request_message_uuid !== null);
    expect(responses.length).toBeGreaterThan(0);
    for (const message of responses) expect(message.sequence).toMatch(/^\d+\/\d+$/);
    for (const message of agent.messages) {
      expect(String(message.timetoken)).toMatch(/^\d{16}$/);
      expect(Math.round(message.created_at * 1e6)).toBe(message.timetoken);
      expect(message.conversation.uuid).toMatch(/^[0-9a-f]{32}$/);
      expect(message.conversation.display_name).toBe(`${agent.details.display_name},${message.conversation.display_name.split(',').pop()}`);
    }
    const types = new Set(agent.messages.map((m) => m.content_type));
    for (const type of ['text', 'ListView', 'card', 'quick_reply']) expect(types).toContain(type);
  });

  it('clamps per_page to 100 and pages out of range to no entries', async () => {
    const big = await messages({ per_page: 1000 });
    expect(big.body.per_page).toBe(100);
    expect(big.body.entries).toEqual(agent.messages.slice(0, 100));
    const third = await messages({ per_page: 100, page: 3 });
    expect(third.body.entries).toEqual(agent.messages.slice(200, 300));
    const beyond = await messages({ page: 10_000 });
    expect(beyond.body.entries).toEqual([]);
    expect(beyond.body.total_entries).toBe(agent.messages.length);
  });

  it('returns the latest 5 up to timetoken when only timetoken is given', async () => {
    const { body } = await messages({ timetoken: at(40).timetoken });
    expect(body.total_entries).toBe(5);
    expect(body.entries).toEqual(agent.messages.slice(40, 45));
  });

  it('reads since_timetoken alone as since → now, in s, ms or µs', async () => {
    const since = Math.floor(NOW / 1000) - 3 * DAY_S;
    const expected = agent.messages.filter((m) => m.timetoken >= since * 1e6).length;
    expect(expected).toBeGreaterThan(0);
    for (const scale of [1, 1e3, 1e6]) {
      const { body } = await messages({ since_timetoken: since * scale });
      expect(body.total_entries).toBe(expected);
    }
  });

  it('filters both bounds inclusively and answers an inverted range with no entries', async () => {
    const [newer, older] = [at(100), at(300)];
    const { body } = await messages({ since_timetoken: older.timetoken, timetoken: newer.timetoken, per_page: 100 });
    expect(body.total_entries).toBe(201);
    expect(body.entries[0]).toEqual(newer);
    const inverted = await messages({ since_timetoken: newer.timetoken, timetoken: older.timetoken });
    expect(inverted.status).toBe(200);
    expect(inverted.body).toMatchObject({ total_entries: 0, total_pages: 0, entries: [] });
  });

  it('adds device fields to the end users only with device_info=true', async () => {
    const plain = await messages({ per_page: 100 });
    for (const message of plain.body.entries) expect(Object.keys(message.user).sort()).toEqual(USER_KEYS);
    const withInfo = await messages({ per_page: 100, device_info: true });
    const endUser = withInfo.body.entries.find((m) => agent.devices[m.user.avaamo_id] !== undefined);
    if (!endUser) throw new Error('no end-user message on the first page');
    const device = agent.devices[endUser.user.avaamo_id];
    expect(endUser.user).toEqual({ ...agent.messages.find((m) => m.uuid === endUser.uuid)?.user, ...device });
    expect(Object.keys(endUser.user)).toEqual(expect.arrayContaining(['user_agent', 'os_name', 'zone_offset', 'utc_offset', 'time_zone']));
    const fromBot = withInfo.body.entries.find((m) => m.user.avaamo_id === agent.botUser.avaamo_id);
    expect(Object.keys(fromBot?.user ?? {}).sort()).toEqual(USER_KEYS);
  });

  it('treats a non-numeric timetoken as a 422 {error}', async () => {
    const response = await call<{ error: unknown }>(sandbox, `${MESSAGES}?timetoken=yesterday`, { headers: agentHeaders(AGENT) });
    expect(response.status).toBe(422);
    expect(typeof response.body.error).toBe('string');
  });
});

describe('POST /bots_api/v1/messages.json', () => {
  const post = (body: unknown, headers: Record<string, string> = userHeaders) =>
    call<{ error?: unknown; success?: boolean }>(sandbox, POST, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const conversationOf = (agentId: number): string => {
    const uuid = sandbox.dataset.avaamo.agents[agentId]?.conversations[0]?.uuid;
    if (!uuid) throw new Error('no conversation');
    return uuid;
  };

  it('appends a text message that later reads return as the newest entry', async () => {
    const before = agent.messages.length;
    const uuid = conversationOf(AGENT);
    const response = await post({ message: 'Our store closes early today.', conversation: { uuid }, bot_id: AGENT, force_locale: 'en' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ success: true });

    const { body } = await messages({ per_page: 1 });
    expect(body.total_entries).toBe(before + 1);
    const [latest] = body.entries;
    expect(latest).toMatchObject({ content: 'Our store closes early today.', content_type: 'text', user: agent.botUser, conversation: { uuid } });
    expect(latest).toEqual(agent.messages[0]);
    expect(latest?.timetoken).toBeGreaterThan(at(1).timetoken);
    // The sandbox clock starts at NOW and runs in real time.
    expect((latest?.created_at ?? 0) * 1000).toBeGreaterThanOrEqual(NOW);
    expect((latest?.created_at ?? 0) * 1000).toBeLessThan(NOW + 120_000);
  });

  it('stores rich messages as JSON, typed by their key', async () => {
    const uuid = conversationOf(AGENT);
    const listView = { list_view: { top_element_style: 'compact', items: [{ title: 'Coke', subtitle: 'All Chilled', links: [] }] } };
    const card = { card: { inputs: [{ title: 'How was our service?', type: 'data_capture', uuid: 'comments' }] } };
    for (const [message, type] of [[listView, 'ListView'], [card, 'card'], [{ quick_reply: { content: 'Yes?' } }, 'quick_reply']] as const) {
      expect((await post({ message, conversation: { uuid }, bot_id: AGENT })).status).toBe(200);
      const latest = (await messages({ per_page: 1 })).body.entries[0];
      expect(latest?.content_type).toBe(type);
      expect(JSON.parse(latest?.content ?? 'null')).toEqual(message);
    }
  });

  it('answers bad bodies with 422 {error}', async () => {
    const uuid = conversationOf(AGENT);
    const bad = [
      '{not json',
      '[]',
      { conversation: { uuid }, bot_id: AGENT },
      { message: 42, conversation: { uuid }, bot_id: AGENT },
      { message: 'hi', bot_id: AGENT },
      { message: 'hi', conversation: { uuid: 7 }, bot_id: AGENT },
      { message: 'hi', conversation: { uuid }, bot_id: String(AGENT) },
      { message: 'hi', conversation: { uuid }, bot_id: AGENT, force_locale: 5 },
    ];
    for (const body of bad) {
      const response = await post(body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(typeof response.body.error).toBe('string');
    }
  });

  it('answers 404 for an unknown bot_id or a conversation of another agent, 403 for the restricted agent', async () => {
    const unknownBot = await post({ message: 'hi', conversation: { uuid: conversationOf(AGENT) }, bot_id: 1 });
    expect(unknownBot.status).toBe(404);
    const foreign = await post({ message: 'hi', conversation: { uuid: conversationOf(20458) }, bot_id: AGENT });
    expect(foreign.status).toBe(404);
    const restricted = await post({ message: 'hi', conversation: { uuid: conversationOf(sandboxRestrictedAgentId) }, bot_id: sandboxRestrictedAgentId });
    expect(restricted.status).toBe(403);
    expect(typeof restricted.body.error).toBe('string');
  });

  it('needs the user token: an agent token or none is 401', async () => {
    const body = { message: 'hi', conversation: { uuid: conversationOf(AGENT) }, bot_id: AGENT };
    expect((await post(body, agentHeaders(AGENT))).status).toBe(401);
    expect((await post(body, {})).status).toBe(401);
  });
});
