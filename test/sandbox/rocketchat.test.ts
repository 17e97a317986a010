import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { NOW, call, query, rocketchatHeaders } from './helpers.js';

const PATH = '/api/v1/livechat/analytics/dashboards/conversations-by-agent';
const LOGIN = 'You must be logged in to do this.';
const START = new Date(NOW - 30 * 86_400_000).toISOString();
const END = new Date(NOW).toISOString();

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ now: NOW });
});
afterAll(() => sandbox.close());

interface Report {
  total: number;
  data: { label: string; value: number }[];
  unspecified: number;
  success: true;
}

const report = (search: string, headers: Record<string, string> = rocketchatHeaders) => call<Report>(sandbox, `${PATH}?${search}`, { headers });

/** What the report must say for [start, end), computed straight from the rooms and users. */
function expected(startMs: number, endMs: number) {
  const { rooms, users } = sandbox.dataset.rocketchat;
  const inRange = rooms.filter((room) => Date.parse(room.ts) >= startMs && Date.parse(room.ts) < endMs);
  const perUser = new Map<string, number>();
  for (const room of inRange) if (room.servedBy) perUser.set(room.servedBy._id, (perUser.get(room.servedBy._id) ?? 0) + 1);
  const labelOf = (id: string): string => users.find((user) => user._id === id)?.name ?? id;
  return {
    rows: [...perUser].map(([id, value]) => ({ label: labelOf(id), value })),
    unspecified: inRange.filter((room) => !room.servedBy).length,
  };
}

const byLabelThenValue = (a: { label: string; value: number }, b: { label: string; value: number }) =>
  a.label < b.label ? -1 : a.label > b.label ? 1 : a.value - b.value;

describe('Rocket.Chat conversations-by-agent: errors, in precedence order', () => {
  it('answers 401 with the legacy-compatible body without valid X-User-Id + X-Auth-Token', async () => {
    const wrongToken = { ...rocketchatHeaders, 'x-auth-token': 'nope' };
    const onlyUser = { 'x-user-id': rocketchatHeaders['x-user-id'] };
    for (const headers of [{}, wrongToken, onlyUser]) {
      // Auth comes before params validation: the missing start/end do not matter here.
      const response = await report('departmentId=x', headers);
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ success: false, error: LOGIN, status: 'error', message: LOGIN });
    }
  });

  it('answers invalid-params for a missing start or end, start first', async () => {
    const noStart = await report(query({ end: END }));
    expect(noStart.status).toBe(400);
    expect(noStart.body).toEqual({ success: false, error: "must have required property 'start' [invalid-params]", errorType: 'invalid-params' });
    const noEnd = await report(query({ start: START }));
    expect(noEnd.body).toEqual({ success: false, error: "must have required property 'end' [invalid-params]", errorType: 'invalid-params' });
    const neither = await report(query({ departmentId: 'x' }));
    expect(neither.body).toMatchObject({ error: "must have required property 'start' [invalid-params]" });
  });

  it('rejects any extra query key, departmentId included, before looking at sort or dates', async () => {
    const response = await report(query({ start: 'not a date', end: END, sort: 'nope', departmentId: 'abc' }));
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ success: false, error: 'must NOT have additional properties [invalid-params]', errorType: 'invalid-params' });
  });

  it('checks sort before dates: a bad sort is error-invalid-sort with the raw value', async () => {
    for (const sort of ['nope', '{"total":2}', '[1]']) {
      const response = await report(query({ start: 'not a date', end: END, sort }));
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        success: false,
        error: `Invalid sort parameter provided: "${sort}" [error-invalid-sort]`,
        errorType: 'error-invalid-sort',
        details: { helperMethod: 'parseJsonQuery' },
      });
    }
  });

  it('answers the field-specific date errors, without errorType', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ start: 'yesterday', end: 'also bad' }, 'The "start" query parameter must be a valid date.'],
      [{ start: START, end: '2025-13-45' }, 'The "end" query parameter must be a valid date.'],
      [{ start: '2020-09-10T23:59:22.345Z', end: '2020-09-09T00:11:22.345Z' }, 'The "start" query parameter must be before the "end" query parameter.'],
      [{ start: '2023-01-01T00:00:00Z', end: '2024-03-01T00:00:00Z' }, 'The "start" and "end" query parameters must be less than 1 year apart.'],
    ];
    for (const [params, error] of cases) {
      const response = await report(query(params));
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ success: false, error });
    }
  });

  it('allows a span of exactly one year', async () => {
    const response = await report(query({ start: '2024-06-15T00:00:00Z', end: '2025-06-15T00:00:00Z' }));
    expect(response.status).toBe(200);
  });
});

describe('Rocket.Chat conversations-by-agent: the report', () => {
  it('counts rooms per serving user over the range, label ascending by default', async () => {
    const response = await report(query({ start: START, end: END }));
    const want = expected(Date.parse(START), Date.parse(END));
    expect(response.status).toBe(200);
    expect(response.body.success).toBe(true);
    expect(response.body.unspecified).toBe(want.unspecified);
    expect(response.body.unspecified).toBeGreaterThan(0);
    expect(response.body.total).toBe(want.rows.reduce((sum, row) => sum + row.value, 0));
    expect([...response.body.data].sort(byLabelThenValue)).toEqual([...want.rows].sort(byLabelThenValue));
    const labels = response.body.data.map((row) => row.label);
    expect(labels).toEqual([...labels].sort());
  });

  it('has 15+ named humans, a bot, a raw-id label and two rows sharing one name', async () => {
    const { body } = await report(query({ start: START, end: END }));
    const labels = body.data.map((row) => row.label);
    expect(labels).toContain('Dialog Bot');
    expect(labels.filter((label) => label === 'Alex Morgan')).toHaveLength(2);
    expect(labels.filter((label) => /^[23456789A-HJ-NP-Za-km-z]{17}$/.test(label)).length).toBeGreaterThanOrEqual(1);
    const humans = labels.filter((label) => label !== 'Dialog Bot' && !/^[0-9A-Za-z]{17}$/.test(label));
    expect(humans.length).toBeGreaterThanOrEqual(15);
  });

  it('uses a half-open range: a room at start counts, a room at end does not', async () => {
    const rooms = sandbox.dataset.rocketchat.rooms;
    const [first, last] = [rooms[100], rooms[400]];
    if (!first || !last) throw new Error('too few rooms');
    const within = await report(query({ start: first.ts, end: last.ts }));
    const want = expected(Date.parse(first.ts), Date.parse(last.ts));
    expect(within.body.total + within.body.unspecified).toBe(want.rows.reduce((s, r) => s + r.value, 0) + want.unspecified);
    const withEnd = await report(query({ start: first.ts, end: new Date(Date.parse(last.ts) + 1).toISOString() }));
    expect(withEnd.body.total + withEnd.body.unspecified).toBe(within.body.total + within.body.unspecified + 1);
    const fromAfterFirst = await report(query({ start: new Date(Date.parse(first.ts) + 1).toISOString(), end: last.ts }));
    expect(fromAfterFirst.body.total + fromAfterFirst.body.unspecified).toBe(within.body.total + within.body.unspecified - 1);
  });

  it('sorts by the JSON sort parameter', async () => {
    const byTotal = await report(query({ start: START, end: END, sort: '{"total":-1}' }));
    const values = byTotal.body.data.map((row) => row.value);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    const byName = await report(query({ start: START, end: END, sort: '{"name":-1}' }));
    const labels = byName.body.data.map((row) => row.label);
    expect(labels).toEqual([...labels].sort().reverse());
  });

  it('answers an empty range with zeros', async () => {
    const response = await report(query({ start: '2001-01-01T00:00:00Z', end: '2001-02-01T00:00:00Z' }));
    expect(response.body).toEqual({ total: 0, data: [], unspecified: 0, success: true });
  });
});

describe('Rocket.Chat rate limit', () => {
  it('allows 10 calls per 60 s per client, then 429 with X-RateLimit-* headers', async () => {
    const limited = await startSandbox({ now: NOW, rateLimits: true });
    try {
      const search = `${PATH}?${query({ start: START, end: END })}`;
      for (let i = 1; i <= 10; i++) {
        const response = await call(limited, search, { headers: rocketchatHeaders });
        expect(response.status).toBe(200);
        expect(response.headers.get('x-ratelimit-limit')).toBe('10');
        expect(response.headers.get('x-ratelimit-remaining')).toBe(String(10 - i));
      }
      const rejected = await call<{ success: boolean; error: string }>(limited, search, { headers: rocketchatHeaders });
      expect(rejected.status).toBe(429);
      expect(rejected.body.success).toBe(false);
      expect(rejected.body.error).toMatch(/^Error, too many requests\. Please slow down\. You must wait \d+ seconds before trying this endpoint again\. \[error-too-many-requests\]$/);
      expect(Number(rejected.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now());
      // Auth is checked before the limit.
      expect((await call(limited, search, { headers: {} })).status).toBe(401);
      limited.reset();
      expect((await call(limited, search, { headers: rocketchatHeaders })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
