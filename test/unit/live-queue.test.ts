import { describe, expect, it } from 'vitest';
import { readQueuePages, toQueueRead } from '../../src/queue/read-queue.js';
import { linkReads, summarizeQueue } from '../../src/queue/summary.js';
import type { QueueRead } from '../../src/queue/types.js';
import { createQueueView } from '../../src/queue/view.js';
import type { ContactsPage, VambeContactWire } from '../../src/upstreams/vambe/types.js';

const T = Date.UTC(2026, 10, 21, 9, 0, 0);

const wire = (id: string, waiting: number, extra: Partial<VambeContactWire> = {}): VambeContactWire => ({
  id,
  name: `Contact ${id}`,
  created_at: '2026-11-20T00:00:00Z',
  platform: 'whatsapp',
  chat_status: 'UNATTENDED',
  waiting_time: waiting,
  active_ticket_v2: { id: `t-${id}` },
  assigned_agents: [],
  ...extra,
});
/** A pass of one moment: every page answered at `at`. */
const readOf = (contacts: VambeContactWire[], at = T, previous: QueueRead | null = null) =>
  toQueueRead(
    { contacts: contacts.map((contact) => ({ contact, answeredAt: at })), totalCount: contacts.length, complete: true, oldestAnswer: at, latestAnswer: at, stale: false },
    previous,
  );
const answered = (value: ContactsPage, fetchedAt = T) => ({ value, fetchedAt, stale: false });

describe('summarizeQueue', () => {
  it('takes percentiles by nearest rank over the waits in ascending order', () => {
    // Waits 10, 20, …, 100 s: p50 is rank ⌈5⌉ = 50, p90 rank ⌈9⌉ = 90.
    const ten = readOf(Array.from({ length: 10 }, (_, index) => wire(`c${index}`, (index + 1) * 10)));
    expect(summarizeQueue(ten, T, 55)).toMatchObject({ count: 10, longestWaitSeconds: 100, medianWaitSeconds: 50, p90WaitSeconds: 90, breachedCount: 5 });
    // Seven waits 1…7: p50 rank ⌈3.5⌉ = 4 → 4; p90 rank ⌈6.3⌉ = 7 → 7.
    const seven = readOf(Array.from({ length: 7 }, (_, index) => wire(`s${index}`, index + 1)));
    expect(summarizeQueue(seven, T, null)).toMatchObject({ medianWaitSeconds: 4, p90WaitSeconds: 7, breachedCount: null });
    // One contact: every percentile is its wait.
    expect(summarizeQueue(readOf([wire('only', 42)]), T, 0)).toMatchObject({ medianWaitSeconds: 42, p90WaitSeconds: 42, breachedCount: 1 });
  });

  it('counts waits on from the read: the same read later shows longer waits and more breaches', () => {
    const read = readOf([wire('a', 50), wire('b', 20)]);
    expect(summarizeQueue(read, T + 15_000, 60)).toMatchObject({ longestWaitSeconds: 65, medianWaitSeconds: 35, breachedCount: 1 });
    // Breached means longer than the SLA: exactly 60 s is not.
    expect(summarizeQueue(read, T + 10_000, 60).breachedCount).toBe(0);
    expect(summarizeQueue(read, T + 10_001, 60).breachedCount).toBe(1);
  });

  it('groups per platform (unknown ones together) and per assigned team member, counting a shared contact for each', () => {
    const ana = { id: 'm1', name: 'Ana' };
    const luis = { id: 'm2', name: 'Luis' };
    const read = readOf([
      wire('a', 300, { platform: 'WHATSAPP', assigned_agents: [ana, luis] }),
      wire('b', 200, { platform: 'telegram', assigned_agents: [luis] }),
      wire('c', 100, { platform: 'whatsapp' }),
      wire('d', 50, { platform: 'carrier-pigeon', assigned_agents: [luis] }),
    ]);
    const summary = summarizeQueue(read, T, null);
    expect(summary.byPlatform).toEqual([
      { platform: 'whatsapp', count: 2, longestWaitSeconds: 300 },
      { platform: null, count: 2, longestWaitSeconds: 200 },
    ]);
    expect(summary.byAssignedAgent).toEqual([
      { teamMember: luis, count: 3, longestWaitSeconds: 300 },
      { teamMember: ana, count: 1, longestWaitSeconds: 300 },
    ]);
    expect(summary.unassignedCount).toBe(1);
  });

  it('has no waits for an empty queue', () => {
    expect(summarizeQueue(readOf([]), T, 10)).toMatchObject({ count: 0, longestWaitSeconds: null, medianWaitSeconds: null, p90WaitSeconds: null, breachedCount: 0 });
  });
});

describe('readQueuePages', () => {
  const pages = (count: number, total: number | null = count) => {
    const all = Array.from({ length: count }, (_, index) => wire(`p${index}`, 10_000 - index));
    const asked: number[] = [];
    const fetchPage = async (page: number) => {
      asked.push(page);
      return answered({ contacts: all.slice((page - 1) * 50, page * 50), total });
    };
    return { fetchPage, asked };
  };

  it('reads page 1, then every page the total asks for', async () => {
    const { fetchPage, asked } = pages(120);
    const pass = await readQueuePages(fetchPage);
    expect(asked.sort()).toEqual([1, 2, 3]);
    expect(pass).toMatchObject({ totalCount: 120, complete: true });
    expect(pass.contacts).toHaveLength(120);
  });

  it('stops at 1,000 contacts (20 pages) and says the queue holds more', async () => {
    const { fetchPage, asked } = pages(1234);
    const pass = await readQueuePages(fetchPage);
    expect(asked).toHaveLength(20);
    expect(pass).toMatchObject({ totalCount: 1234, complete: false });
    expect(pass.contacts).toHaveLength(1000);
  });

  it('without a total, reads on until a short page', async () => {
    const { fetchPage, asked } = pages(101, null);
    const pass = await readQueuePages(fetchPage);
    expect(asked).toEqual([1, 2, 3]);
    expect(pass).toMatchObject({ totalCount: 101, complete: true });
  });

  it('keeps a contact that moved onto the next page once', async () => {
    const moved = wire('moved', 500);
    const fetchPage = async (page: number) =>
      answered(page === 1 ? { contacts: [...Array.from({ length: 49 }, (_, index) => wire(`x${index}`, 9000 - index)), moved], total: 52 } : { contacts: [moved, wire('y', 10)], total: 52 });
    const pass = await readQueuePages(fetchPage);
    expect(pass.contacts.filter(({ contact }) => contact.id === 'moved')).toHaveLength(1);
    expect(pass.contacts).toHaveLength(51);
  });
});

describe('toQueueRead', () => {
  it('counts each contact from its own page\'s answer, and is as of the oldest', async () => {
    const pages = [answered({ contacts: Array.from({ length: 50 }, (_, index) => wire(`p${index}`, 1000 - index)), total: 51 }, T - 4_000), answered({ contacts: [wire('last', 10)], total: 51 }, T)];
    const pass = await readQueuePages(async (page) => ({ ...pages[page - 1]!, stale: page === 1 }));
    expect(pass).toMatchObject({ oldestAnswer: T - 4_000, latestAnswer: T, stale: true });
    const read = toQueueRead(pass);
    expect(read.readAt).toBe(T - 4_000);
    expect(read.contacts.at(0)!.waitingSince).toBe(T - 4_000 - 1_000_000);
    expect(read.contacts.at(-1)!.waitingSince).toBe(T - 10_000);
  });

  it('keeps a wait steady across reads when only Vambe\'s whole seconds moved it, and takes a restart', () => {
    const first = readOf([wire('a', 100), wire('b', 40)], T);
    // 5.4 s later Vambe counts 105 (floored) for a: the start seems 0.4 s later, the same wait.
    const second = readOf([wire('a', 105), wire('b', 2)], T + 5_400, first);
    expect(second.contacts.find((contact) => contact.id === 'a')!.waitingSince).toBe(T - 100_000);
    // b wrote again: its wait restarted.
    expect(second.contacts.find((contact) => contact.id === 'b')!.waitingSince).toBe(T + 5_400 - 2_000);
    expect(second.contacts.map((contact) => contact.id)).toEqual(['a', 'b']);
  });
});

describe('a subscriber\'s view', () => {
  it('sends the top `first` first, then what entered, left and changed, and nothing while only time passes', () => {
    const view = createQueueView({ first: 2, slaSeconds: null });
    const one = readOf([wire('a', 300), wire('b', 200), wire('c', 100)]);
    expect(view.next({ read: one, failure: null }, T)).toMatchObject({ contacts: [{ id: 'a' }, { id: 'b' }], entered: [], left: [] });
    expect(view.next({ read: one, failure: null }, T + 60_000)).toBeNull();
    // a is attended: c moves up into the top two.
    const two = readOf([wire('b', 205), wire('c', 105)], T + 5_000, one);
    expect(view.next({ read: two, failure: null }, T + 5_000)).toMatchObject({ contacts: null, entered: [{ id: 'c' }], left: ['a'], updated: [] });
    const three = readOf([wire('b', 210, { assigned_agents: [{ id: 'm1', name: 'Ana' }] }), wire('c', 110)], T + 10_000, two);
    expect(view.next({ read: three, failure: null }, T + 10_000)).toMatchObject({ entered: [], left: [], updated: [{ id: 'b' }] });
  });

  it('reports each contact crossing the SLA once, when it crosses, and tells when the next will', () => {
    const view = createQueueView({ first: 10, slaSeconds: 60 });
    const read = readOf([wire('over', 90), wire('soon', 50), wire('later', 10)]);
    const state = { read, failure: null };
    expect(view.next(state, T)).toMatchObject({ breached: [] });
    expect(view.nextBreachAt(state)).toBe(T + 10_001);
    expect(view.next(state, T + 10_001)).toMatchObject({ breached: [{ id: 'soon' }], summary: { breachedCount: 2 } });
    expect(view.next(state, T + 20_000)).toBeNull();
    expect(view.nextBreachAt(state)).toBe(T + 50_001);
  });

  it('reports a contact that joins already over the SLA once, whether the reader saw every read or skipped some', () => {
    const one = readOf([wire('a', 10)]);
    const two = readOf([wire('a', 15), wire('late', 500)], T + 5_000, one);
    const three = readOf([wire('a', 20), wire('late', 505)], T + 10_000, two);
    linkReads(one, two);
    linkReads(two, three);
    const everyRead = createQueueView({ first: 5, slaSeconds: 60 });
    const skipping = createQueueView({ first: 5, slaSeconds: 60 });
    for (const view of [everyRead, skipping]) view.next({ read: one, failure: null }, T);
    expect(everyRead.next({ read: two, failure: null }, T + 5_000)).toMatchObject({ entered: [{ id: 'late' }], breached: [{ id: 'late' }] });
    expect(everyRead.next({ read: three, failure: null }, T + 10_000)).toBeNull();
    // Read two never reached this one: it learns of the arrival from read three.
    expect(skipping.next({ read: three, failure: null }, T + 10_000)).toMatchObject({ entered: [{ id: 'late' }], breached: [{ id: 'late' }] });
  });

  it('never reports a contact with no inbound message as over the SLA: its wait stays 0 from poll to poll', () => {
    // Vambe sends no waiting time for a contact that never wrote (the sandbox: 0). SLA 2 s, polls every 5 s.
    const view = createQueueView({ first: 5, slaSeconds: 2 });
    const noWait = { waiting_time: undefined };
    let read = readOf([wire('silent', 0, noWait), wire('zero', 0), wire('waiting', 1)]);
    expect(read.contacts.map((contact) => contact.id)).toEqual(['waiting', 'silent', 'zero']);
    const events = [view.next({ read, failure: null }, T)];
    expect(view.nextBreachAt({ read, failure: null })).toBe(T - 1_000 + 2_001);
    for (let poll = 1; poll <= 3; poll++) {
      const at = T + poll * 5_000;
      read = readOf([wire('silent', 0, noWait), wire('zero', 0), wire('waiting', 1 + poll * 5)], at, read);
      events.push(view.next({ read, failure: null }, at + 3_000));
      expect(view.nextBreachAt({ read, failure: null })).toBeNull();
      const summary = summarizeQueue(read, at + 3_000, 2);
      // Three waits: 0, 0 and waiting's; the two silent ones count as 0.
      expect(summary).toMatchObject({ count: 3, breachedCount: 1, medianWaitSeconds: 0, longestWaitSeconds: 1 + poll * 5 + 3 });
    }
    const breached = events.flatMap((event) => (event?.kind === 'queue' ? event.breached.map((contact) => contact.id) : []));
    expect(breached).toEqual(['waiting']);
    // Nor does the view say they changed: only their start moved with the read.
    expect(events.slice(1).flatMap((event) => (event?.kind === 'queue' ? event.updated.map((contact) => contact.id) : []))).not.toContain('silent');
  });

  it('sends one event per failure, then the first read after it even if nothing changed', () => {
    const view = createQueueView({ first: 5, slaSeconds: null });
    const read = readOf([wire('a', 10)]);
    view.next({ read, failure: null }, T);
    const failure = { code: 'UPSTREAM_ERROR' as const, message: 'Vambe answered 503 (upstream failure)', upstream: 'vambe' as const, upstreamStatus: 503 };
    expect(view.next({ read, failure }, T + 5_000)).toEqual({ kind: 'failure', failure, asOf: T + 5_000 });
    expect(view.next({ read, failure: { ...failure } }, T + 10_000)).toBeNull();
    expect(view.next({ read, failure: null }, T + 15_000)).toMatchObject({ kind: 'queue', entered: [], left: [] });
    expect(view.next({ read, failure: null }, T + 20_000)).toBeNull();
  });
});
