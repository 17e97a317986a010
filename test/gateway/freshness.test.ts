import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skippingClock, type TestClock } from '../clock.js';
import { agentIds, startStack, type Stack } from '../helpers.js';

/**
 * asOf and stale: when the upstream produced what a connection or summary
 * shows, and whether it was served past its TTL. The gateway's HTTP layer
 * runs on a test clock, skipped past TTLs and breaker periods; the sandbox
 * keeps real time (its time_token is Avaamo's asOf).
 */
const SMS_ROUTE = 'GET /api/v1/agents/{id}/sms/report.json';
const CONTACTS_ROUTE = 'GET /api/public/analytics/contacts/by-status';
const OPEN_MS = 15_000;
const agentId = agentIds[0]!;

/** Cached once warm: the SMS report (TTL 60 s, refreshed behind the caller's back) and the queue (TTL 5 s, refreshed in line). */
const CACHED = `query($a: Int!, $since: DateTime!) {
  agent(agentId: $a) {
    smsRecords(first: 3) { asOf stale nodes { uuid } }
    smsDeliveryStats(from: $since) { total asOf stale }
  }
  contacts(status: UNATTENDED, first: 3) { asOf stale nodes { id } }
  agents(first: 1) { asOf stale }
}`;
/** Never cached: distinct arguments each time, to fail until the breakers open. */
const NEVER = `query($a: Int!, $from: DateTime!, $to: DateTime!) {
  agent(agentId: $a) { smsRecords(from: $from, to: $to, first: 1) { totalCount } }
  contacts(status: ATTENDED, first: 1) { totalCount }
}`;

interface Fresh {
  asOf: string;
  stale: boolean;
}
interface Cached {
  agent: { smsRecords: Fresh & { nodes: unknown[] }; smsDeliveryStats: Fresh & { total: number } };
  contacts: Fresh & { nodes: unknown[] };
  agents: Fresh;
}

let stack: Stack;
let clock: TestClock;
/** The stats' range starts at one instant throughout, so each of its windows is one cached request. */
const since = new Date(Math.floor(Date.now() / 1000) * 1000 - 20 * 86_400_000).toISOString();
beforeAll(async () => {
  clock = skippingClock();
  stack = await startStack({
    gateway: { clock },
    env: { CACHE: 'on', UPSTREAM_RETRY_ATTEMPTS: '1', BREAKER_FAILURE_RATIO: '0.5', BREAKER_WINDOW_MS: '30000', BREAKER_MIN_REQUESTS: '3', BREAKER_OPEN_MS: String(OPEN_MS) },
  });
});
afterAll(() => stack.close());

async function cached(): Promise<Cached> {
  const response = await stack.execute<Cached>(CACHED, { a: agentId, since });
  expect(response.errors).toBeUndefined();
  return response.data!;
}

describe('asOf and stale', () => {
  it('say when the upstream produced the data, and that a stale answer served with the breaker open is stale and as old as it is', async () => {
    const before = Date.now();
    const warm = await cached();
    const after = Date.now();
    for (const shown of [warm.agent.smsRecords, warm.agent.smsDeliveryStats, warm.contacts]) {
      expect(shown.stale).toBe(false);
      expect(Date.parse(shown.asOf)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(shown.asOf)).toBeLessThanOrEqual(after);
    }
    // What the gateway holds itself is as of the answer.
    expect(Date.parse(warm.agents.asOf)).toBeGreaterThanOrEqual(before);

    // Past every TTL; then Avaamo's report and Vambe fail until both breakers open.
    await clock.advance(70_000);
    await stack.setFaults([
      { route: SMS_ROUTE, kind: 'status', status: 500 },
      { route: CONTACTS_ROUTE, kind: 'status', status: 500 },
    ]);
    let codes: unknown[] = [];
    const bothOpen = () => codes.length === 2 && codes.every((code) => code === 'UPSTREAM_UNAVAILABLE');
    for (let second = 0; second < 10 && !bothOpen(); second += 1) {
      const from = new Date(Date.UTC(2026, 0, 1, 0, 0, second));
      const failing = await stack.execute(NEVER, { a: agentId, from: from.toISOString(), to: new Date(from.getTime() + 86_400_000).toISOString() });
      codes = (failing.errors ?? []).map((error) => error.extensions?.code);
    }
    expect(codes).toEqual(['UPSTREAM_UNAVAILABLE', 'UPSTREAM_UNAVAILABLE']);

    // Open: the expired answers stand in, stale, as of when they were produced, not now.
    await stack.resetStats();
    const open = await cached();
    expect(await stack.stats()).toMatchObject({ total: 0 });
    expect(open.agent.smsRecords).toEqual({ ...warm.agent.smsRecords, stale: true });
    expect(open.agent.smsDeliveryStats).toEqual({ ...warm.agent.smsDeliveryStats, stale: true });
    expect(open.contacts).toEqual({ ...warm.contacts, stale: true });
    expect(open.agents.stale).toBe(false);

    // Healed and closed: fresh again, and newer.
    await stack.setFaults([]);
    await clock.advance(OPEN_MS);
    // The SMS report is refreshed behind the first caller's back: ask until those refreshes are in.
    let healed = await cached();
    const isStale = (answer: Cached) => answer.agent.smsRecords.stale || answer.agent.smsDeliveryStats.stale || answer.contacts.stale;
    for (let attempt = 0; attempt < 50 && isStale(healed); attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      healed = await cached();
    }
    for (const [now, then] of [
      [healed.agent.smsRecords, warm.agent.smsRecords],
      [healed.agent.smsDeliveryStats, warm.agent.smsDeliveryStats],
      [healed.contacts, warm.contacts],
    ] as const) {
      expect(now.stale).toBe(false);
      expect(Date.parse(now.asOf)).toBeGreaterThan(Date.parse(then.asOf));
    }
  });
});
