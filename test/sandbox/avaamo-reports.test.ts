import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxRestrictedAgentId } from '../../src/sandbox/credentials.js';
import type { AvaamoAgentData, AvaamoSmsRecord, AvaamoUnhandledMessage } from '../../src/sandbox/data.js';
import type { Sandbox } from '../../src/sandbox/server.js';
import { DAY_S, NOW, agentHeaders, call, query, startWithAgent, userHeaders, type AvaamoPage } from './helpers.js';

const AGENT = 20457;
let sandbox: Sandbox;
let agent: AvaamoAgentData;

beforeAll(async () => {
  ({ sandbox, agent } = await startWithAgent(AGENT));
});
afterAll(() => sandbox.close());

const USER_ROUTES = [
  `/api/v1/agents/${AGENT}.json`,
  `/bots/analytics/${AGENT}/unhandled_messages.json`,
  `/api/v1/agents/${AGENT}/sms/report.json`,
];

describe('Avaamo auth on user-token routes', () => {
  it.each(USER_ROUTES)('%s answers 401 {error} without a token, with an unknown one, or with an agent token', async (path) => {
    for (const headers of [{}, { 'access-token': 'nope' }, agentHeaders(AGENT)]) {
      const response = await call<{ error: unknown }>(sandbox, path, { headers });
      expect(response.status).toBe(401);
      expect(typeof response.body.error).toBe('string');
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    }
  });

  it('reads the header case-insensitively', async () => {
    const response = await call(sandbox, USER_ROUTES[0] ?? '', { headers: { 'Access-Token': userHeaders['access-token'] } });
    expect(response.status).toBe(200);
  });

  it.each([
    `/api/v1/agents/${sandboxRestrictedAgentId}.json`,
    `/bots/analytics/${sandboxRestrictedAgentId}/unhandled_messages.json`,
    `/api/v1/agents/${sandboxRestrictedAgentId}/sms/report.json`,
  ])('%s is 403 {error} for the restricted agent', async (path) => {
    const response = await call<{ error: unknown }>(sandbox, path, { headers: userHeaders });
    expect(response.status).toBe(403);
    expect(typeof response.body.error).toBe('string');
  });

  it('answers 404 {error} for an unknown or non-numeric agent id', async () => {
    for (const id of ['12345', 'abc', '%ZZ']) {
      const response = await call<{ error: unknown }>(sandbox, `/api/v1/agents/${id}.json`, { headers: userHeaders });
      expect(response.status).toBe(404);
      expect(typeof response.body.error).toBe('string');
    }
  });
});

describe('GET /api/v1/agents/{id}.json', () => {
  it('returns the agent details wrapped in {agent}', async () => {
    const response = await call<{ agent: unknown }>(sandbox, `/api/v1/agents/${AGENT}.json`, { headers: userHeaders });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ agent: agent.details });
    expect(agent.details.skills.length).toBeGreaterThan(0);
    expect(agent.details.language_packs.some((pack) => pack.default)).toBe(true);
  });
});

describe('GET /bots/analytics/{id}/unhandled_messages.json', () => {
  const path = `/bots/analytics/${AGENT}/unhandled_messages.json`;
  const within = (from: number, to: number): AvaamoUnhandledMessage[] =>
    agent.unhandledMessages.filter((entry) => entry.created_at >= from && entry.created_at <= to);

  it('defaults to the 3 days ending now, newest first, 25 a page', async () => {
    const response = await call<AvaamoPage<AvaamoUnhandledMessage>>(sandbox, path, { headers: userHeaders });
    const { body } = response;
    const expected = within(body.time_token - 3 * DAY_S, body.time_token);
    expect(response.status).toBe(200);
    expect(body.total_entries).toBe(expected.length);
    expect(body.total_entries).toBeGreaterThan(0);
    expect(body.per_page).toBe(25);
    expect(body.current_page).toBe(1);
    expect(body.entries).toEqual(expected.slice(0, 25));
    expect(Math.abs(body.time_token * 1000 - NOW)).toBeLessThan(60_000);
  });

  it('pages with the doc example per_page=55: ceil(total/55) pages, short last page', async () => {
    const from = NOW / 1000 - 30 * DAY_S;
    const to = NOW / 1000;
    const all = within(from, to);
    const page2 = await call<AvaamoPage<AvaamoUnhandledMessage>>(sandbox, `${path}?${query({ from_timetoken: from, to_timetoken: to, page: 2, per_page: 55 })}`, { headers: userHeaders });
    expect(page2.body.total_entries).toBe(all.length);
    expect(page2.body.total_pages).toBe(Math.ceil(all.length / 55));
    expect(page2.body.entries).toEqual(all.slice(55, 110));
    const lastPage = page2.body.total_pages;
    const last = await call<AvaamoPage<AvaamoUnhandledMessage>>(sandbox, `${path}?${query({ from_timetoken: from, to_timetoken: to, page: lastPage, per_page: 55 })}`, { headers: userHeaders });
    expect(last.body.entries).toHaveLength(all.length - 55 * (lastPage - 1));
  });

  it('clamps per_page to 1..100 and answers an out-of-range page with no entries', async () => {
    const range = { from_timetoken: NOW / 1000 - 30 * DAY_S, to_timetoken: NOW / 1000 };
    const big = await call<AvaamoPage<unknown>>(sandbox, `${path}?${query({ ...range, per_page: 500 })}`, { headers: userHeaders });
    expect(big.body.per_page).toBe(100);
    expect(big.body.entries).toHaveLength(Math.min(100, big.body.total_entries));
    const zero = await call<AvaamoPage<unknown>>(sandbox, `${path}?${query({ ...range, per_page: 0 })}`, { headers: userHeaders });
    expect(zero.body.per_page).toBe(1);
    const beyond = await call<AvaamoPage<unknown>>(sandbox, `${path}?${query({ ...range, page: 999 })}`, { headers: userHeaders });
    expect(beyond.body.entries).toEqual([]);
    expect(beyond.body.total_entries).toBe(big.body.total_entries);
  });

  it('reports total_pages 0 for an empty window', async () => {
    const response = await call<AvaamoPage<unknown>>(sandbox, `${path}?${query({ from_timetoken: 1_000_000_000, to_timetoken: 1_000_000_100 })}`, { headers: userHeaders });
    expect(response.body).toMatchObject({ total_entries: 0, total_pages: 0, entries: [] });
  });

  it('reads timetokens of any magnitude (s, ms, µs) as the same instant', async () => {
    const from = Math.floor(NOW / 1000) - 10 * DAY_S;
    const to = Math.floor(NOW / 1000) - 2 * DAY_S;
    const expected = within(from, to).length;
    for (const scale of [1, 1e3, 1e6]) {
      const response = await call<AvaamoPage<unknown>>(sandbox, `${path}?${query({ from_timetoken: from * scale, to_timetoken: to * scale })}`, { headers: userHeaders });
      expect(response.body.total_entries).toBe(expected);
    }
    expect(expected).toBeGreaterThan(0);
  });

  it('accepts from_date/to_date (dd/mm/yyyy) in the utc_offset zone, to_date inclusive', async () => {
    const offset = 19_800; // UTC+05:30
    const fromS = Date.UTC(2025, 5, 8) / 1000 - offset;
    const toS = Date.UTC(2025, 5, 11) / 1000 - offset - 1;
    const response = await call<AvaamoPage<unknown>>(sandbox, `${path}?${query({ from_date: '08/06/2025', to_date: '10/06/2025', utc_offset: offset, per_page: 100 })}`, { headers: userHeaders });
    expect(response.status).toBe(200);
    expect(response.body.total_entries).toBe(within(fromS, toS).length);
  });

  it('answers an inverted range with the documented 422', async () => {
    const byToken = await call(sandbox, `${path}?${query({ from_timetoken: NOW / 1000, to_timetoken: NOW / 1000 - DAY_S })}`, { headers: userHeaders });
    expect(byToken.status).toBe(422);
    expect(byToken.body).toEqual({ error: 'To Date cannot be before From Date' });
    const byDate = await call(sandbox, `${path}?${query({ from_date: '10/06/2025', to_date: '08/06/2025' })}`, { headers: userHeaders });
    expect(byDate.status).toBe(422);
    expect(byDate.body).toEqual({ error: 'To Date cannot be before From Date' });
  });

  it('sends integer created_at, a numeric user.first_name and the fixed intent fields', () => {
    for (const entry of agent.unhandledMessages) {
      expect(Number.isInteger(entry.created_at)).toBe(true);
      expect(typeof entry.user.first_name).toBe('number');
      expect(entry).toMatchObject({ score: 0, intent_type: 'UNHANDLED::INTENT', intent_name: 'Unhandled' });
    }
  });
});

describe('GET /api/v1/agents/{id}/sms/report.json', () => {
  const path = `/api/v1/agents/${AGENT}/sms/report.json`;
  const normalize = (phone: string): string => (phone.trim().startsWith('+') ? '+' : '') + phone.replace(/\D/g, '');

  it('lists every record newest first, 25 a page', async () => {
    const response = await call<AvaamoPage<AvaamoSmsRecord>>(sandbox, path, { headers: userHeaders });
    expect(response.body.total_entries).toBe(agent.smsRecords.length);
    expect(response.body.total_pages).toBe(Math.ceil(agent.smsRecords.length / 25));
    expect(response.body.entries).toEqual(agent.smsRecords.slice(0, 25));
    const times = agent.smsRecords.map((record) => record.created_at);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('filters by status; only failures (failed, undelivered) carry sms_status_response', async () => {
    const statuses = new Set(agent.smsRecords.map((record) => record.sms_status));
    expect([...statuses].sort()).toEqual(['delivered', 'failed', 'sent', 'undelivered']);
    const failed = await call<AvaamoPage<AvaamoSmsRecord>>(sandbox, `${path}?${query({ status: 'failed', per_page: 100 })}`, { headers: userHeaders });
    expect(failed.body.total_entries).toBe(agent.smsRecords.filter((record) => record.sms_status === 'failed').length);
    for (const record of failed.body.entries) expect(record.sms_status_response).toEqual(expect.any(String));
    const isFailure = (record: AvaamoSmsRecord) => record.sms_status === 'failed' || record.sms_status === 'undelivered';
    for (const record of agent.smsRecords.filter(isFailure)) expect(record.sms_status_response).toEqual(expect.any(String));
    for (const record of agent.smsRecords.filter((r) => !isFailure(r))) expect(record).not.toHaveProperty('sms_status_response');
  });

  it("words every documented failure cause as a carrier would, each in the agent's report", () => {
    // The 17 causes of the vendor's SMS Reporting page, "Error status".
    const documented = [
      'RATE_LIMIT_EXCEEDED', 'REGION_NOT_ENABLED', 'UNSUBSCRIBED_RECIPIENT', 'FROM_NUMBER_QUEUE_FULL',
      'INVALID_TO_NUMBER', 'QUEUE_OVERFLOW', 'ACCOUNT_SUSPENDED', 'UNREACHABLE_HANDSET',
      'MESSAGE_BLOCKED', 'UNKNOWN_HANDSET', 'LANDLINE_OR_UNREACHABLE_CARRIER', 'MESSAGE_FILTERED',
      'UNKNOWN_DELIVERY_ERROR', 'CARRIER_CONGESTION', 'CONTENT_TOO_LARGE', 'INVALID_RECIPIENT', 'SAME_FROM_AND_TO',
    ];
    const causes = new Set(Object.values(agent.smsFailureCauses));
    for (const cause of documented) expect(causes).toContain(cause);
    const failures = agent.smsRecords.filter((r) => r.sms_status === 'failed' || r.sms_status === 'undelivered');
    expect(Object.keys(agent.smsFailureCauses).sort()).toEqual(failures.map((r) => r.uuid).sort());
    expect(failures.some((r) => /^Unable to create record: The 'To' number \+\d+ is not a valid phone number\.$/.test(r.sms_status_response!))).toBe(true);
  });

  it('answers an unknown status with 422 {error}', async () => {
    const response = await call<{ error: unknown }>(sandbox, `${path}?status=bounced`, { headers: userHeaders });
    expect(response.status).toBe(422);
    expect(typeof response.body.error).toBe('string');
  });

  it('returns the latest 3 up to to_timetoken when only to_timetoken is given', async () => {
    const pivot = agent.smsRecords[20];
    if (!pivot) throw new Error('too few SMS records');
    const response = await call<AvaamoPage<AvaamoSmsRecord>>(sandbox, `${path}?${query({ to_timetoken: pivot.created_at })}`, { headers: userHeaders });
    const expected = agent.smsRecords.filter((record) => record.created_at <= pivot.created_at).slice(0, 3);
    expect(response.body.total_entries).toBe(3);
    expect(response.body.entries).toEqual(expected);
  });

  it('filters a range given in seconds, milliseconds or microseconds alike', async () => {
    const from = Math.floor(NOW / 1000) - 7 * DAY_S;
    const to = Math.floor(NOW / 1000) - DAY_S;
    const expected = agent.smsRecords.filter((record) => record.created_at >= from && record.created_at <= to).length;
    expect(expected).toBeGreaterThan(0);
    for (const scale of [1, 1e3, 1e6]) {
      const response = await call<AvaamoPage<unknown>>(sandbox, `${path}?${query({ from_timetoken: from * scale, to_timetoken: to * scale })}`, { headers: userHeaders });
      expect(response.body.total_entries).toBe(expected);
    }
  });

  it('matches phones on digits and the leading +, whatever the stored formatting', async () => {
    const formatted = agent.smsRecords.find((record) => record.to_phone.includes('('));
    if (!formatted) throw new Error('no formatted to_phone in the dataset');
    const wanted = normalize(formatted.to_phone);
    const expected = agent.smsRecords.filter((record) => normalize(record.to_phone) === wanted);
    const response = await call<AvaamoPage<AvaamoSmsRecord>>(sandbox, `${path}?${query({ to_phone: wanted, per_page: 100 })}`, { headers: userHeaders });
    expect(response.body.total_entries).toBe(expected.length);
    expect(response.body.entries.map((r) => r.uuid)).toContain(formatted.uuid);
    // The vendor insists on URL-encoding: an unencoded + decodes to a space and matches nothing.
    const raw = await call<AvaamoPage<unknown>>(sandbox, `${path}?to_phone=${wanted}`, { headers: userHeaders });
    expect(raw.body.total_entries).toBe(0);
    const sender = agent.smsRecords[0]?.from_phone ?? '';
    const bySender = await call<AvaamoPage<unknown>>(sandbox, `${path}?${query({ from_phone: sender })}`, { headers: userHeaders });
    expect(bySender.body.total_entries).toBe(agent.smsRecords.filter((r) => r.from_phone === sender).length);
  });
});
