import { afterEach, describe, expect, it } from 'vitest';
import { sandboxCredentials, sandboxSecondTenant } from '../../src/sandbox/credentials.js';
import type { TestClock } from '../clock.js';
import { upstreamTotals, type Stack } from '../helpers.js';
import { eventually, subscribeOverSse } from '../subscriptions.js';
import { POLL_MS, QUEUE, contactRequests, control, passesDone, startClockedStack, type QueueEventData } from './live-queue-support.js';

let stack: Stack & { clock: TestClock };
const open: { close(): void }[] = [];
const watch = (variables: Record<string, unknown>, headers: Record<string, string> = {}) => {
  const log = subscribeOverSse<QueueEventData>(stack.url, QUEUE, variables, headers);
  open.push(log);
  return log;
};
afterEach(async () => {
  for (const log of open.splice(0)) log.close();
  await stack?.close();
});

/** The pages one pass over a queue of `total` contacts reads. */
const pagesOf = (total: number) => Math.max(1, Math.ceil(total / 50));

describe('contactQueue: one shared poll per cohort', () => {
  it('serves 50 subscribers of one cohort with one pass over the queue per interval, and stops polling when they leave', async () => {
    stack = await startClockedStack({ MAX_SUBSCRIPTIONS_PER_CALLER: '50' });
    const pages = pagesOf(await upstreamTotals.contacts(stack, 'unattended'));
    expect(pages).toBeGreaterThan(1);
    await stack.resetStats();

    const subscribers = Array.from({ length: 50 }, () => watch({ status: 'UNATTENDED', first: 5 }));
    const firsts = await Promise.all(subscribers.map((subscriber) => subscriber.nth(1)));
    for (const first of firsts) expect(first.data?.contactQueue?.contacts).toHaveLength(5);
    await passesDone(stack);
    expect(await contactRequests(stack)).toBe(pages);

    for (let interval = 1; interval <= 3; interval++) {
      await stack.clock.advance(POLL_MS);
      await passesDone(stack);
      expect(await contactRequests(stack)).toBe(pages * (interval + 1));
    }
    // Each pass asked for every page of the queue once.
    const asked = (await stack.requests()).map((request) => Number(request.query.page)).sort((a, b) => a - b);
    expect(asked).toEqual(Array.from({ length: pages }, (_, page) => Array(4).fill(page + 1)).flat());

    for (const subscriber of subscribers) subscriber.close();
    // Removed at once: no poll or breach timer waits any more, without the clock moving.
    await eventually(() => stack.clock.pending().length === 0, 'every subscriber gone and the poll stopped');
    const before = await contactRequests(stack);
    await stack.clock.advance(6 * POLL_MS);
    expect(await contactRequests(stack)).toBe(before);
  });

  it('polls two cohorts (another status, another platform) separately, one pass each per interval', async () => {
    stack = await startClockedStack();
    const unattended = pagesOf(await upstreamTotals.contacts(stack, 'unattended'));
    const away = pagesOf(await upstreamTotals.contacts(stack, 'ai-away'));
    await stack.resetStats();
    const a = [watch({ status: 'UNATTENDED' }), watch({ status: 'UNATTENDED' })];
    const b = [watch({ status: 'AI_AWAY' }), watch({ status: 'AI_AWAY' }), watch({ status: 'AI_AWAY' })];
    await Promise.all([...a, ...b].map((subscriber) => subscriber.nth(1)));
    await passesDone(stack, 2);
    await stack.clock.advance(POLL_MS);
    await passesDone(stack, 2);
    const requests = await stack.requests();
    expect(requests.filter((request) => request.query.status === 'unattended')).toHaveLength(2 * unattended);
    expect(requests.filter((request) => request.query.status === 'ai-away')).toHaveLength(2 * away);

    // A platform is a cohort of its own: its pass asks Vambe with `channel`.
    await stack.resetStats();
    const whatsapp = watch({ status: 'UNATTENDED', platform: 'WHATSAPP' });
    await whatsapp.nth(1);
    await passesDone(stack, 3);
    expect((await stack.requests()).map((request) => request.query.channel)).toEqual(['whatsapp']);
    expect(whatsapp.events[0]!.data!.contactQueue!.summary.totalCount).toBe(
      (await stack.upstream<{ total: number }>('/api/public/analytics/contacts/by-status', { status: 'unattended', channel: 'whatsapp', page: 1 }, { 'x-api-key': sandboxCredentials.vambeApiKey })).total,
    );
  });
});

describe('contactQueue: tenants', () => {
  it('keeps callers with other Vambe credentials (forwarded) in cohorts of their own, each seeing its own queue', async () => {
    stack = await startClockedStack({ FORWARD_UPSTREAM_CREDENTIALS: 'true' });
    const theirs = { 'x-vambe-api-key': sandboxSecondTenant.vambeApiKey };
    const ownTotal = await upstreamTotals.contacts(stack, 'unattended');
    const theirTotal = (
      await stack.upstream<{ total: number }>('/api/public/analytics/contacts/by-status', { status: 'unattended', page: 1 }, { 'x-api-key': sandboxSecondTenant.vambeApiKey })
    ).total;
    expect(theirTotal).toBeLessThan(ownTotal);
    await stack.resetStats();
    const [own, other] = [watch({ status: 'UNATTENDED', first: 1 }), watch({ status: 'UNATTENDED', first: 1 }, theirs)];
    expect((await own.nth(1)).data!.contactQueue!.summary.totalCount).toBe(ownTotal);
    expect((await other.nth(1)).data!.contactQueue!.summary.totalCount).toBe(theirTotal);
    await passesDone(stack, 2);
    const credentials = (await stack.requests()).map((request) => request.credential).sort();
    expect(new Set(credentials)).toEqual(new Set(['vambe', 'vambe:second-tenant']));
  });
});

describe('contactQueue: events as the queue changes', () => {
  it('sends entered for added contacts, left for attended ones, and one breached for a contact crossing the SLA', async () => {
    stack = await startClockedStack();
    const queue = watch({ status: 'UNATTENDED', sla: 600, first: 100 });
    const first = (await queue.nth(1)).data!.contactQueue!;
    const total = await upstreamTotals.contacts(stack, 'unattended');
    expect(first.contacts).toHaveLength(total);
    expect(first).toMatchObject({ entered: [], left: [], updated: [], breached: [] });
    await passesDone(stack);

    const { added } = await control<{ added: string[] }>(stack, '/__sandbox/contacts', { status: 'unattended', count: 2, waitingSeconds: 30 });
    await stack.clock.advance(POLL_MS);
    const arrival = (await queue.nth(2)).data!.contactQueue!;
    expect(arrival.entered.map((contact) => contact.id).sort()).toEqual([...added].sort());
    // 30 s when added, 5 s ago on the shared clock.
    expect(arrival.entered.map((contact) => [contact.waitingTime, contact.chatStatus])).toEqual([[35, 'UNATTENDED'], [35, 'UNATTENDED']]);
    expect(arrival).toMatchObject({ left: [], updated: [], breached: [], contacts: null, summary: { count: total + 2, totalCount: total + 2 } });
    await passesDone(stack);

    const { attended } = await control<{ attended: string[] }>(stack, '/__sandbox/contacts/attend', { count: 3 });
    expect(attended).toEqual(first.contacts!.slice(0, 3).map((contact) => contact.id));
    await stack.clock.advance(POLL_MS);
    const departure = (await queue.nth(3)).data!.contactQueue!;
    expect(departure.left.sort()).toEqual([...attended].sort());
    expect(departure).toMatchObject({ entered: [], updated: [], summary: { count: total - 1 } });
    await passesDone(stack);

    // 590 s waited at the next poll, crossing 600 s ten seconds later, between polls.
    const { added: [late] } = await control<{ added: string[] }>(stack, '/__sandbox/contacts', { status: 'unattended', count: 1, waitingSeconds: 585 });
    await stack.clock.advance(POLL_MS);
    const before = (await queue.nth(4)).data!.contactQueue!;
    expect(before.entered.map((contact) => [contact.id, contact.waitingTime])).toEqual([[late, 590]]);
    expect(before.breached).toEqual([]);
    await passesDone(stack);
    const breachedBefore = before.summary.breachedCount!;
    // The poll at 595 s, then the crossing, which no poll waits for.
    await stack.clock.advance(POLL_MS);
    await passesDone(stack);
    await stack.clock.advance(POLL_MS + 1);
    const crossing = (await queue.nth(5)).data!.contactQueue!;
    expect(crossing.breached).toEqual([{ id: late, waitingTime: 600, slaBreached: true }]);
    expect(crossing.summary.breachedCount).toBe(breachedBefore + 1);
    await passesDone(stack);
    for (let interval = 0; interval < 3; interval++) {
      await stack.clock.advance(POLL_MS);
      await passesDone(stack);
    }
    const breachedIds = queue.events.flatMap((event) => event.data?.contactQueue?.breached.map((contact) => contact.id) ?? []);
    expect(breachedIds.filter((id) => id === late)).toEqual([late]);
    expect(new Set(breachedIds).size).toBe(breachedIds.length);
    expect(queue.events.every((event) => event.errors === undefined)).toBe(true);
  });

  it('counts waits on with the clock between polls: a crossing needs no poll, and every event has its asOf', async () => {
    stack = await startClockedStack();
    const longest = await stack.execute<{ contacts: { nodes: { id: string; waitingTime: number }[] } }>(
      '{ contacts(status: UNATTENDED, first: 1) { nodes { id waitingTime } } }',
    );
    const { id, waitingTime } = longest.data!.contacts.nodes[0]!;
    const queue = watch({ status: 'UNATTENDED', sla: waitingTime + 2, first: 1 });
    const first = (await queue.nth(1)).data!.contactQueue!;
    expect(first.contacts).toEqual([expect.objectContaining({ id, waitingTime })]);
    expect(first.summary.breachedCount).toBe(0);
    await passesDone(stack);
    const polls = await contactRequests(stack);

    await stack.clock.advance(3000);
    const crossing = (await queue.nth(2)).data!.contactQueue!;
    expect(crossing.breached).toEqual([{ id, waitingTime: waitingTime + 2, slaBreached: waitingTime + 2 > 600 }]);
    expect(crossing.summary).toMatchObject({ breachedCount: 1, longestWaitSeconds: waitingTime + 2 });
    expect(crossing.polledAt).toBe(first.polledAt);
    expect(Date.parse(crossing.asOf) - Date.parse(first.asOf)).toBe(2001);
    expect(await contactRequests(stack)).toBe(polls);
  });
});

describe('contactQueue: when Vambe fails', () => {
  const FAULT_ROUTE = 'GET /api/public/analytics/contacts/by-status';

  it('sends an event with the coded error, keeps the cohort, and brings the view up to date once Vambe answers again', async () => {
    // No retries: each poll is one call, so the test counts them.
    stack = await startClockedStack({ UPSTREAM_RETRY_ATTEMPTS: '1' });
    const queue = watch({ status: 'UNATTENDED', first: 100 });
    const first = (await queue.nth(1)).data!.contactQueue!;
    await passesDone(stack);

    await stack.setFaults([{ route: FAULT_ROUTE, kind: 'status', status: 503 }]);
    await stack.clock.advance(POLL_MS);
    const failed = await queue.nth(2);
    expect(failed.data).toEqual({ contactQueue: null });
    expect(failed.errors).toEqual([
      expect.objectContaining({ path: ['contactQueue'], extensions: expect.objectContaining({ code: 'UPSTREAM_ERROR', upstream: 'vambe', upstreamStatus: 503 }) }),
    ]);
    await passesDone(stack);
    // Still failing: the cohort keeps polling at its interval, and says it once.
    const polls = await contactRequests(stack);
    await stack.clock.advance(POLL_MS);
    await passesDone(stack);
    expect(await contactRequests(stack)).toBe(polls + 1);
    expect(queue.events).toHaveLength(2);
    // A subscriber arriving meanwhile joins the cohort and hears where it stands.
    const late = watch({ status: 'UNATTENDED', first: 100 });
    expect((await late.nth(1)).errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');

    await stack.setFaults([]);
    const { added } = await control<{ added: string[] }>(stack, '/__sandbox/contacts', { status: 'unattended', count: 1 });
    await stack.clock.advance(POLL_MS);
    const recovered = await queue.nth(3);
    expect(recovered.errors).toBeUndefined();
    expect(recovered.data!.contactQueue).toMatchObject({ contacts: null, entered: [{ id: added[0] }], left: [], summary: { count: first.summary.count + 1 } });
    const lateRecovered = await late.nth(2);
    expect(lateRecovered.data!.contactQueue!.contacts).toHaveLength(first.summary.count + 1);
  });

  it('backs off while Vambe answers 429, never sooner than its Retry-After, and returns to the interval after', async () => {
    stack = await startClockedStack({ UPSTREAM_RETRY_ATTEMPTS: '1' });
    const queue = watch({ status: 'AI_AWAY', first: 1 });
    await queue.nth(1);
    await passesDone(stack);
    await stack.setFaults([{ route: FAULT_ROUTE, kind: 'status', status: 429 }]);
    await stack.clock.advance(POLL_MS);
    expect((await queue.nth(2)).errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', upstream: 'vambe' });
    // One second at a time, so no pass is in flight while the clock jumps past its timeouts.
    const pollsAt: number[] = [];
    let polls = await contactRequests(stack);
    for (let second = 1; second <= 235; second++) {
      if (second === 100) await stack.setFaults([{ route: FAULT_ROUTE, kind: 'status', status: 429, retryAfter: 90 }]);
      if (second === 200) await stack.setFaults([]);
      await stack.clock.advance(1000);
      const now = await contactRequests(stack);
      if (now > polls) {
        pollsAt.push(second);
        await eventually(() => stack.clock.pending().length > 0, 'the next poll scheduled');
      }
      polls = now;
    }
    // 10 s, 20 s, 40 s, then the 60 s cap; 90 s when Vambe says so; the interval again once it answers.
    expect(pollsAt).toEqual([10, 30, 70, 130, 220, 225, 230, 235]);
    // One event for the failure, one for the recovery.
    expect(queue.events.map((event) => event.errors?.[0]?.extensions?.code ?? 'data')).toEqual(['data', 'RATE_LIMITED', 'data']);
  });

  it('while Vambe\'s breaker is open, waits for its probe instead of polling each interval, and returns to the interval after', async () => {
    // The breaker opens on the first failure and stays open 30 s; then one probe goes through.
    stack = await startClockedStack({ UPSTREAM_RETRY_ATTEMPTS: '1', BREAKER_MIN_REQUESTS: '1', BREAKER_FAILURE_RATIO: '0.01', BREAKER_OPEN_MS: '30000' });
    const queue = watch({ status: 'AI_AWAY', first: 1 });
    await queue.nth(1);
    await passesDone(stack);
    await stack.setFaults([{ route: FAULT_ROUTE, kind: 'status', status: 503 }]);
    const pollsAt: number[] = [];
    /** Seconds a pass ran (its next poll scheduled afresh), called Vambe or not. */
    const passesAt: number[] = [];
    let polls = await contactRequests(stack);
    let due = stack.clock.pending()[0]!;
    for (let second = 1; second <= 110; second++) {
      if (second === 50) await stack.setFaults([]);
      await stack.clock.advance(1000);
      await eventually(() => stack.clock.pending().length > 0, 'the next poll scheduled');
      const now = await contactRequests(stack);
      if (now > polls) pollsAt.push(second);
      polls = now;
      const next = stack.clock.pending()[0]!;
      if (next > due - 1000) passesAt.push(second);
      due = next;
    }
    // 5 s: the 503 opens the breaker. The pass at 10 s is refused without a call and waits for the probe, 30 s
    // after the failure, not the interval; the probe at 35 s fails too; the one at 65 s, after the fault ended,
    // answers: the interval again.
    expect(passesAt).toEqual([5, 10, 35, 40, 65, 70, 75, 80, 85, 90, 95, 100, 105, 110]);
    expect(pollsAt).toEqual([5, 35, 65, 70, 75, 80, 85, 90, 95, 100, 105, 110]);
    const codes = queue.events.map((event) => event.errors?.[0]?.extensions?.code ?? 'data');
    expect(codes[0]).toBe('data');
    expect(codes.at(-1)).toBe('data');
    expect(new Set(codes.slice(1, -1))).toEqual(new Set(['UPSTREAM_ERROR', 'UPSTREAM_UNAVAILABLE']));
  });
});

describe('contactQueue: limits and the response cache', () => {
  it('refuses a caller more than MAX_SUBSCRIPTIONS_PER_CALLER at once, coded, and frees the slot when one ends', async () => {
    stack = await startClockedStack({ MAX_SUBSCRIPTIONS_PER_CALLER: '2' });
    const [a, b] = [watch({ status: 'UNATTENDED', first: 1 }), watch({ status: 'ATTENDED', first: 1 })];
    await Promise.all([a.nth(1), b.nth(1)]);
    const refused = watch({ status: 'AI_AWAY', first: 1 });
    expect((await refused.nth(1)).errors).toEqual([
      expect.objectContaining({ extensions: { code: 'RATE_LIMITED', reason: 'TOO_MANY_SUBSCRIPTIONS', limit: 'caller' } }),
    ]);
    await refused.ended;
    a.close();
    await eventually(async () => {
      const retry = watch({ status: 'AI_AWAY', first: 1 });
      const event = await retry.nth(1);
      if (event.data?.contactQueue) return true;
      retry.close();
      return false;
    }, 'a subscription accepted once one ended');
  });

  it('refuses more than MAX_SUBSCRIPTIONS in the process, whoever asks', async () => {
    stack = await startClockedStack({ MAX_SUBSCRIPTIONS: '2' });
    await Promise.all([watch({ status: 'UNATTENDED', first: 1 }).nth(1), watch({ status: 'UNATTENDED', first: 1 }).nth(1)]);
    expect((await watch({ status: 'ATTENDED', first: 1 }).nth(1)).errors?.[0]?.extensions).toEqual({ code: 'RATE_LIMITED', reason: 'TOO_MANY_SUBSCRIPTIONS', limit: 'process' });
  });

  it('costs a subscription like a query when it starts: over MAX_COST it is refused before any poll', async () => {
    stack = await startClockedStack({ MAX_COST: '500' });
    const refused = watch({ status: 'UNATTENDED', first: 100 });
    expect((await refused.nth(1)).errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'QUERY_TOO_COMPLEX' }) })]);
    expect((await stack.stats()).total).toBe(0);
    const small = watch({ status: 'UNATTENDED', first: 1 });
    expect((await small.nth(1)).data!.contactQueue!.contacts).toHaveLength(1);
  });

  it('never caches or shares a subscription: identical ones each get their own stream, with the response cache on', async () => {
    stack = await startClockedStack({ CACHE: 'true', RESPONSE_CACHE: 'true' });
    const one = watch({ status: 'UNATTENDED', first: 2 });
    const two = watch({ status: 'UNATTENDED', first: 2 });
    await Promise.all([one.nth(1), two.nth(1)]);
    await passesDone(stack);
    const { added } = await control<{ added: string[] }>(stack, '/__sandbox/contacts', { status: 'unattended', count: 1, waitingSeconds: 2_000_000 });
    await stack.clock.advance(POLL_MS);
    for (const subscriber of [one, two]) expect((await subscriber.nth(2)).data!.contactQueue!.entered.map((contact) => contact.id)).toEqual(added);
  });
});
