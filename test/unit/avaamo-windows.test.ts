import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAvaamoClient } from '../../src/upstreams/avaamo/client.js';
import { isSettled, splitRange, spansWindows } from '../../src/upstreams/avaamo/windows.js';

const DAY = 86_400_000;
/** Monday 2026-11-02 00:00 UTC: a line of the documented grid (UTC weeks from Monday 00:00). */
const MONDAY = Date.UTC(2026, 10, 2);

describe('splitting a range into windows of the UTC week grid', () => {
  it('keeps a range of 7 days or less whole, and splits a longer one', () => {
    expect(spansWindows({ from: MONDAY + DAY, to: MONDAY + 8 * DAY }, Date.now())).toBe(false);
    expect(spansWindows({ from: MONDAY + DAY, to: MONDAY + 8 * DAY + 1 }, Date.now())).toBe(true);
    // An open range ends now (or at the pin).
    expect(spansWindows({ from: MONDAY, to: null }, MONDAY + 7 * DAY)).toBe(false);
    expect(spansWindows({ from: MONDAY, to: null }, MONDAY + 7 * DAY + 1)).toBe(true);
  });

  it('cuts at every Monday 00:00 UTC inside the range, newest first; only the newest keeps the range end', () => {
    const range = { from: MONDAY - 3 * DAY, to: MONDAY + 15 * DAY };
    const windows = splitRange(range, Date.UTC(2030, 0, 1));
    expect(windows.map(({ from, to, before }) => ({ from, to, before }))).toEqual([
      { from: MONDAY + 14 * DAY, to: range.to, before: null },
      { from: MONDAY + 7 * DAY, to: null, before: MONDAY + 14 * DAY },
      { from: MONDAY, to: null, before: MONDAY + 7 * DAY },
      { from: range.from, to: null, before: MONDAY },
    ]);
    expect(new Set(windows.map((window) => window.week)).size).toBe(4);
    expect(windows.map((window) => window.week)).toEqual([...windows.map((window) => window.week)].sort((a, b) => b - a));
  });

  it('holds each instant of the range in exactly one window, each at most 7 days long (fast-check)', () => {
    const instant = fc.integer({ min: MONDAY - 400 * DAY, max: MONDAY + 400 * DAY });
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 200 * DAY }), fc.boolean(), fc.array(fc.integer({ min: 0, max: 200 * DAY }), { maxLength: 20 }), (from, length, open, offsets) => {
        const now = from + length;
        const range = { from, to: open ? null : now };
        const windows = splitRange(range, now);
        for (const window of windows) {
          const end = window.before ?? window.to ?? now;
          expect(end - window.from).toBeLessThanOrEqual(7 * 86_400_000);
        }
        const holding = (at: number) =>
          windows.filter((window) => at >= window.from && (window.before !== null ? at < window.before : window.to === null || at <= window.to));
        for (const offset of [0, length, ...offsets.filter((value) => value <= length)]) expect(holding(from + offset)).toHaveLength(1);
        // An instant on a week line belongs to the newer week.
        for (const window of windows.slice(0, -1)) expect(holding(window.from)[0]).toBe(window);
      }),
      { numRuns: 300 },
    );
  });

  it('ends a newest window whose `to` lies beyond its week with the week, so no request spans more than 7 days', () => {
    const now = MONDAY + 2 * DAY;
    const [newest] = splitRange({ from: MONDAY - 20 * DAY, to: MONDAY + 30 * DAY }, now);
    expect(newest).toMatchObject({ from: MONDAY, to: null, before: MONDAY + 7 * DAY });
  });

  it('takes a window as settled an hour after it ends', () => {
    expect(isSettled({ to: null, before: MONDAY }, MONDAY + 60 * 60 * 1000)).toBe(true);
    expect(isSettled({ to: null, before: MONDAY }, MONDAY + 60 * 60 * 1000 - 1)).toBe(false);
    expect(isSettled({ to: null, before: null }, MONDAY + 100 * DAY)).toBe(false);
  });
});

describe("a window's exclusive end in each endpoint's unit", () => {
  const client = createAvaamoClient('http://avaamo.test');
  const page = { page: 1, perPage: 100 };
  const before = new Date(MONDAY);

  it('messages: the microsecond before', () => {
    expect(client.messages({ ...page, deviceInfo: false, since: new Date(MONDAY - 7 * DAY), before }, 't').query).toMatchObject({
      since_timetoken: (MONDAY - 7 * DAY) * 1000,
      timetoken: MONDAY * 1000 - 1,
    });
  });

  it('SMS report (float seconds): the microsecond before, in seconds', () => {
    const query = client.smsReport({ ...page, agentId: 1, from: new Date(MONDAY - 7 * DAY), before }, 't').query!;
    expect(query.to_timetoken).toBe((MONDAY * 1000 - 1) / 1e6);
    expect(Number(String(query.to_timetoken))).toBeLessThan(MONDAY / 1000);
  });

  it('unhandled messages (whole seconds): the second before', () => {
    expect(client.unhandledMessages({ ...page, agentId: 1, from: new Date(MONDAY - 7 * DAY), before }, 't').query).toMatchObject({
      from_timetoken: (MONDAY - 7 * DAY) / 1000,
      to_timetoken: MONDAY / 1000 - 1,
    });
  });

  it('goes to the route of past windows when settled', () => {
    expect(client.smsReport({ ...page, agentId: 1, before, past: true }, 't').route).toBe('avaamo.smsReport.past');
    expect(client.messages({ ...page, deviceInfo: false, before, past: true }, 't').route).toBe('avaamo.messages.past');
    expect(client.unhandledMessages({ ...page, agentId: 1, before }, 't').route).toBe('avaamo.unhandledMessages');
  });
});
