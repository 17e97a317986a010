import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxSecondTenant } from '../../src/sandbox/credentials.js';
import type { VambeContact } from '../../src/sandbox/data.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { NOW, call, query, vambeHeaders } from './helpers.js';

const PATH = '/api/public/analytics/contacts/by-status';
interface Page {
  data: VambeContact[];
  total: number;
}

/** A clock the test moves: the sandbox's time stands still between steps. */
const steppedClock = () => {
  let at = 0;
  return { now: () => at, step: (ms: number) => void (at += ms) };
};

async function everyPage(sandbox: Sandbox, params: Record<string, string>, headers: Record<string, string> = vambeHeaders): Promise<Page> {
  const data: VambeContact[] = [];
  for (let page = 1; ; page++) {
    const { body } = await call<Page>(sandbox, `${PATH}?${query({ ...params, page })}`, { headers });
    data.push(...body.data);
    if (body.data.length < 50) return { data, total: body.total };
  }
}

const post = (sandbox: Sandbox, path: string, body: unknown) =>
  call<{ added?: string[]; attended?: string[]; error?: string }>(sandbox, path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('POST /__sandbox/contacts and /__sandbox/contacts/attend', () => {
  let sandbox: Sandbox;
  const clock = steppedClock();
  beforeAll(async () => {
    sandbox = await startSandbox({ now: NOW, clock });
  });
  afterAll(() => sandbox.close());

  it('adds contacts that the by-status route then lists like any other, waiting as long as asked', async () => {
    const before = await everyPage(sandbox, { status: 'unattended' });
    const { status, body } = await post(sandbox, '/__sandbox/contacts', { status: 'unattended', count: 3, waitingSeconds: 90, platform: 'sms' });
    expect(status).toBe(200);
    expect(body.added).toHaveLength(3);
    clock.step(10_000);
    const after = await everyPage(sandbox, { status: 'unattended' });
    expect(after.total).toBe(before.total + 3);
    const added = after.data.filter((contact) => body.added!.includes(contact.id));
    expect(added).toHaveLength(3);
    for (const contact of added) {
      expect(contact).toMatchObject({ chat_status: 'UNATTENDED', platform: 'sms', waiting_time: 100, active_ticket_v2: { id: expect.any(String) } });
      expect(Date.parse(contact.created_at)).toBe(NOW + 10_000 - 100_000);
    }
    // Sorted in with everyone else, longest wait first.
    const waits = after.data.map((contact) => contact.waiting_time);
    expect([...waits].sort((a, b) => b - a)).toEqual(waits);
    expect((await everyPage(sandbox, { status: 'unattended', channel: 'sms' })).data.map((contact) => contact.id)).toEqual(expect.arrayContaining(body.added!));
  });

  it('puts contacts in the pipeline asked for: the second tenant sees those in its pipeline only', async () => {
    const support = sandbox.dataset.vambe.pipelines.find((pipeline) => pipeline.name === 'Soporte')!;
    const sales = sandbox.dataset.vambe.pipelines.find((pipeline) => pipeline.name === 'Ventas')!;
    const inSupport = (await post(sandbox, '/__sandbox/contacts', { status: 'ai-away', count: 2, pipelineId: support.id })).body.added!;
    const inSales = (await post(sandbox, '/__sandbox/contacts', { status: 'ai-away', count: 2, pipelineId: sales.id })).body.added!;
    const seen = (await everyPage(sandbox, { status: 'ai-away' }, { 'x-api-key': sandboxSecondTenant.vambeApiKey })).data.map((contact) => contact.id);
    expect(seen).toEqual(expect.arrayContaining(inSupport));
    for (const id of inSales) expect(seen).not.toContain(id);
    expect((await everyPage(sandbox, { status: 'ai-away', pipelineId: sales.id })).data.map((contact) => contact.id)).toEqual(expect.arrayContaining(inSales));
  });

  it('attends the longest-waiting unattended contacts: they leave the unattended list, attended and assigned', async () => {
    const waiting = await everyPage(sandbox, { status: 'unattended' });
    const { status, body } = await post(sandbox, '/__sandbox/contacts/attend', { count: 4 });
    expect(status).toBe(200);
    expect(body.attended).toEqual(waiting.data.slice(0, 4).map((contact) => contact.id));
    const still = await everyPage(sandbox, { status: 'unattended' });
    expect(still.total).toBe(waiting.total - 4);
    const attended = (await everyPage(sandbox, { status: 'attended' })).data.filter((contact) => body.attended!.includes(contact.id));
    expect(attended).toHaveLength(4);
    for (const contact of attended) {
      expect(contact.chat_status).toBe('ATTENDED');
      expect(contact.assigned_agents.length).toBeGreaterThan(0);
    }
  });

  it('attends only the platform asked for, and no more than wait', async () => {
    const onInstagram = await everyPage(sandbox, { status: 'unattended', channel: 'instagram' });
    const { body } = await post(sandbox, '/__sandbox/contacts/attend', { count: 1000, platform: 'instagram' });
    expect(body.attended).toEqual(onInstagram.data.map((contact) => contact.id));
    expect((await everyPage(sandbox, { status: 'unattended', channel: 'instagram' })).total).toBe(0);
  });

  it.each([
    ['an unknown status', { status: 'waiting', count: 1 }, 422],
    ['no count', { status: 'unattended' }, 422],
    ['a count of 0', { status: 'unattended', count: 0 }, 422],
    ['more than 1,000', { status: 'unattended', count: 1001 }, 422],
    ['a negative wait', { status: 'unattended', count: 1, waitingSeconds: -5 }, 422],
    ['an unknown field', { status: 'unattended', count: 1, name: 'Ana' }, 422],
    ['an unknown platform', { status: 'unattended', count: 1, platform: 'telegram' }, 422],
    ['an unknown pipeline', { status: 'unattended', count: 1, pipelineId: 'no-such-pipeline' }, 404],
    ['a body that is not JSON', 'status=unattended', 400],
  ])('refuses %s, changing nothing', async (_name, body, expected) => {
    const before = sandbox.dataset.vambe.contacts.length;
    const response = await post(sandbox, '/__sandbox/contacts', body);
    expect(response.status).toBe(expected);
    expect(response.body.error).toEqual(expect.any(String));
    expect(sandbox.dataset.vambe.contacts.length).toBe(before);
  });

  it('is not an upstream call: neither counted nor logged', async () => {
    await call(sandbox, '/__sandbox/reset', { method: 'POST' });
    await post(sandbox, '/__sandbox/contacts', { status: 'unattended', count: 1 });
    await post(sandbox, '/__sandbox/contacts/attend', { count: 1 });
    expect((await call<{ total: number }>(sandbox, '/__sandbox/stats')).body.total).toBe(0);
  });
});

describe('the queue moving on its own (liveQueue)', () => {
  const allLists = async (sandbox: Sandbox) =>
    Promise.all(['unattended', 'attended', 'ai-attended', 'ai-away'].map(async (status) => (await everyPage(sandbox, { status })).data));

  it('changes over time, the same way for the same seed and start, and not at all when off', async () => {
    const clocks = [steppedClock(), steppedClock(), steppedClock()];
    const [one, two, still] = await Promise.all([
      startSandbox({ now: NOW, seed: 7, clock: clocks[0], liveQueue: true }),
      startSandbox({ now: NOW, seed: 7, clock: clocks[1], liveQueue: true }),
      startSandbox({ now: NOW, seed: 7, clock: clocks[2] }),
    ]);
    try {
      const start = await allLists(one);
      for (const clock of clocks) clock.step(30 * 60 * 1000);
      const [a, b, c] = await Promise.all([allLists(one), allLists(two), allLists(still)]);
      expect(a).toEqual(b);
      const ids = (lists: VambeContact[][]) => lists.map((list) => list.map((contact) => contact.id).sort());
      expect(ids(a)).not.toEqual(ids(start));
      expect(ids(c)).toEqual(ids(start));
      // Half an hour at a change every 20 s or so: dozens of arrivals, attendances, handoffs and closes.
      const unattended = new Set(a[0]!.map((contact) => contact.id));
      const arrived = [...unattended].filter((id) => !start[0]!.some((contact) => contact.id === id));
      const taken = start[0]!.filter((contact) => !unattended.has(contact.id));
      expect(arrived.length).toBeGreaterThan(5);
      expect(taken.length).toBeGreaterThan(5);
    } finally {
      await Promise.all([one.close(), two.close(), still.close()]);
    }
  });
});
