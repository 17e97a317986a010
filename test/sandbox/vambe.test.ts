import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VambeContact, VambeContactRecord } from '../../src/sandbox/data.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { NOW, call, query, vambeHeaders } from './helpers.js';

const PATH = '/api/public/analytics/contacts/by-status';
const STATUS_VALUES = { unattended: 'UNATTENDED', attended: 'ATTENDED', 'ai-attended': 'AI_ATTENDED', 'ai-away': 'AI_AWAY' } as const;

let sandbox: Sandbox;
let startedAt: number;

beforeAll(async () => {
  startedAt = Date.now();
  sandbox = await startSandbox({ now: NOW });
});
afterAll(() => sandbox.close());

interface Page {
  data: VambeContact[];
  total: number;
}

const contacts = (params: Record<string, string | number>) => call<Page>(sandbox, `${PATH}?${query(params)}`, { headers: vambeHeaders });

function listed(status: keyof typeof STATUS_VALUES): VambeContactRecord[] {
  return sandbox.dataset.vambe.contacts.filter(
    (record) => record.contact.active_ticket_v2 !== null && record.contact.chat_status === STATUS_VALUES[status],
  );
}

/** All pages of one query, concatenated. */
async function allPages(params: Record<string, string>): Promise<{ data: VambeContact[]; totals: number[] }> {
  const data: VambeContact[] = [];
  const totals: number[] = [];
  for (let page = 1; ; page++) {
    const { body } = await contacts({ ...params, page });
    totals.push(body.total);
    if (body.data.length === 0) return { data, totals };
    data.push(...body.data);
  }
}

describe('Vambe contacts by status: auth and params', () => {
  it('answers 401 NestJS-style without the key or with a wrong one', async () => {
    const headerSets: Record<string, string>[] = [{}, { 'x-api-key': 'wrong' }, { authorization: `Bearer ${vambeHeaders['x-api-key']}` }];
    for (const headers of headerSets) {
      const response = await call(sandbox, `${PATH}?page=1&status=unattended`, { headers });
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', message: expect.any(String) });
    }
  });

  it.each([
    ['missing page', 'status=unattended'],
    ['page 0', 'page=0&status=unattended'],
    ['page not a number', 'page=one&status=unattended'],
    ['missing status', 'page=1'],
    ['unknown status', 'page=1&status=waiting'],
    ['upper-case status', 'page=1&status=UNATTENDED'],
    ['unknown channel', 'page=1&status=unattended&channel=telegram'],
  ])('answers 400 {statusCode, message, error} for %s', async (_name, search) => {
    const response = await call(sandbox, `${PATH}?${search}`, { headers: vambeHeaders });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ statusCode: 400, message: expect.any(String), error: 'Bad Request' });
  });
});

describe('Vambe contacts by status: data', () => {
  it('has 200+ ticketed contacts across the four statuses, 60+ unattended, 3+ pipelines, a dozen team members', () => {
    const ticketed = sandbox.dataset.vambe.contacts.filter((record) => record.contact.active_ticket_v2 !== null);
    expect(ticketed.length).toBeGreaterThanOrEqual(200);
    expect(listed('unattended').length).toBeGreaterThanOrEqual(60);
    for (const status of Object.keys(STATUS_VALUES) as (keyof typeof STATUS_VALUES)[]) expect(listed(status).length).toBeGreaterThan(0);
    expect(sandbox.dataset.vambe.pipelines.length).toBeGreaterThanOrEqual(3);
    expect(sandbox.dataset.vambe.teamMembers).toHaveLength(12);
    expect(new Set(ticketed.map((record) => record.contact.platform)).size).toBeGreaterThanOrEqual(4);
    for (const record of listed('attended')) expect(record.contact.assigned_agents.length).toBeGreaterThan(0);
  });

  it('pages 50 at a time, longest wait first (ties by id), only ticketed contacts of the status', async () => {
    const expected = listed('unattended');
    const first = await contacts({ page: 1, status: 'unattended' });
    expect(first.status).toBe(200);
    expect(first.body.total).toBe(expected.length);
    expect(first.body.data).toHaveLength(50);

    const { data, totals } = await allPages({ status: 'unattended' });
    expect(new Set(totals)).toEqual(new Set([expected.length]));
    expect(data.map((c) => c.id).sort()).toEqual(expected.map((r) => r.contact.id).sort());
    for (let i = 1; i < data.length; i++) {
      const [previous, current] = [data[i - 1], data[i]];
      if (!previous || !current) continue;
      expect(previous.waiting_time >= current.waiting_time).toBe(true);
      if (previous.waiting_time === current.waiting_time) expect(previous.id < current.id).toBe(true);
    }
    for (const contact of data) expect(contact.chat_status).toBe('UNATTENDED');
  });

  it('answers a page past the end with no data and the same total', async () => {
    const total = listed('attended').length;
    const past = await contacts({ page: Math.ceil(total / 50) + 1, status: 'attended' });
    expect(past.status).toBe(200);
    expect(past.body).toEqual({ data: [], total });
  });

  it('computes waiting_time in seconds from the last inbound message at request time (0 when none)', async () => {
    const byId = new Map(sandbox.dataset.vambe.contacts.map((record) => [record.contact.id, record]));
    for (const status of Object.keys(STATUS_VALUES)) {
      const { data } = await allPages({ status });
      const after = Date.now();
      for (const contact of data) {
        const record = byId.get(contact.id);
        if (!record) throw new Error('unknown contact');
        const { waiting_time: waitingTime, ...wire } = contact;
        expect(wire).toEqual(record.contact);
        if (record.lastInboundAt === null) {
          expect(waitingTime).toBe(0);
          continue;
        }
        // The sandbox clock is NOW plus the time since the sandbox started (which was after startedAt).
        const lowest = Math.floor((NOW - record.lastInboundAt) / 1000);
        const highest = Math.floor((NOW + (after - startedAt) - record.lastInboundAt) / 1000);
        expect(waitingTime).toBeGreaterThanOrEqual(lowest);
        expect(waitingTime).toBeLessThanOrEqual(highest);
      }
    }
  });

  it('filters by pipelineId and by channel (platform)', async () => {
    const pipeline = sandbox.dataset.vambe.pipelines[1];
    if (!pipeline) throw new Error('no pipeline');
    const inPipeline = listed('unattended').filter((record) => record.pipelineId === pipeline.id);
    const byPipeline = await allPages({ status: 'unattended', pipelineId: pipeline.id });
    expect(byPipeline.data.map((c) => c.id).sort()).toEqual(inPipeline.map((r) => r.contact.id).sort());
    expect(inPipeline.length).toBeGreaterThan(0);

    const onWhatsapp = listed('ai-attended').filter((record) => record.contact.platform === 'whatsapp');
    const byChannel = await contacts({ page: 1, status: 'ai-attended', channel: 'whatsapp' });
    expect(byChannel.body.total).toBe(onWhatsapp.length);
    for (const contact of byChannel.body.data) expect(contact.platform).toBe('whatsapp');

    const unknown = await contacts({ page: 1, status: 'unattended', pipelineId: 'no-such-pipeline' });
    expect(unknown.body).toEqual({ data: [], total: 0 });
  });

  it('never lists contacts without an active ticket', async () => {
    const unticketed = sandbox.dataset.vambe.contacts.filter((record) => record.contact.active_ticket_v2 === null);
    expect(unticketed.length).toBeGreaterThan(0);
    const totals = await Promise.all(Object.keys(STATUS_VALUES).map(async (status) => (await contacts({ page: 1, status })).body.total));
    expect(totals.reduce((a, b) => a + b, 0)).toBe(sandbox.dataset.vambe.contacts.length - unticketed.length);
  });
});
