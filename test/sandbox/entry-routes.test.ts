import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SandboxStats } from '../../src/sandbox/server.js';
import { type AvaamoPage, NOW, agentHeaders, call, userHeaders } from './helpers.js';

const AGENT = 20457;
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ now: NOW });
});
afterAll(() => sandbox.close());

describe('control routes that add Avaamo entries now', () => {
  it('add messages on top of the list, later than the time_token of any answer before them, uncounted', async () => {
    const before = await call<AvaamoPage<{ uuid: string; timetoken: number }>>(sandbox, '/v1/messages.json?per_page=1', {
      headers: agentHeaders(AGENT),
    });
    await call(sandbox, '/__sandbox/reset', { method: 'POST' });
    const added = await call<{ added: string[] }>(sandbox, `/__sandbox/messages?agent=${AGENT}&count=3`, { method: 'POST' });
    expect(added.status).toBe(200);
    expect(added.body.added).toHaveLength(3);
    expect((await call<SandboxStats>(sandbox, '/__sandbox/stats')).body.total).toBe(0);

    const after = await call<AvaamoPage<{ uuid: string; timetoken: number }>>(sandbox, '/v1/messages.json?per_page=4', {
      headers: agentHeaders(AGENT),
    });
    expect(after.body.total_entries).toBe(before.body.total_entries + 3);
    expect(after.body.entries.map((entry) => entry.uuid)).toEqual([...added.body.added, before.body.entries[0]!.uuid]);
    for (const entry of after.body.entries.slice(0, 3)) expect(entry.timetoken).toBeGreaterThan(before.body.time_token * 1e6);
    // Pinned at the earlier answer's time_token, the list is as it was.
    const pinned = await call<AvaamoPage<{ uuid: string }>>(
      sandbox,
      `/v1/messages.json?per_page=1&since_timetoken=0&timetoken=${Math.round(before.body.time_token * 1e6)}`,
      { headers: agentHeaders(AGENT) },
    );
    expect(pinned.body.total_entries).toBe(before.body.total_entries);
  });

  it.each([
    ['sms', `/api/v1/agents/${AGENT}/sms/report.json`, 'uuid'],
    ['unhandled', `/bots/analytics/${AGENT}/unhandled_messages.json`, 'message_uuid'],
  ])('add %s entries on top of their report', async (kind, path, key) => {
    const added = await call<{ added: string[] }>(sandbox, `/__sandbox/${kind}?agent=${AGENT}&count=2`, { method: 'POST' });
    const listed = await call<AvaamoPage<Record<string, unknown>>>(sandbox, `${path}?per_page=2`, { headers: userHeaders });
    expect(listed.body.entries.map((entry) => entry[key])).toEqual(added.body.added);
  });

  it.each([
    [`/__sandbox/messages?agent=1&count=1`, 404],
    [`/__sandbox/messages?count=1`, 404],
    [`/__sandbox/sms?agent=${AGENT}&count=0`, 422],
    [`/__sandbox/sms?agent=${AGENT}&count=1001`, 422],
    [`/__sandbox/unhandled?agent=${AGENT}&count=x`, 422],
  ])('%s answers %i and adds nothing', async (path, status) => {
    const total = sandbox.dataset.avaamo.agents[AGENT]!.messages.length + sandbox.dataset.avaamo.agents[AGENT]!.smsRecords.length;
    const response = await call<{ error: string }>(sandbox, path, { method: 'POST' });
    expect(response.status).toBe(status);
    expect(typeof response.body.error).toBe('string');
    expect(sandbox.dataset.avaamo.agents[AGENT]!.messages.length + sandbox.dataset.avaamo.agents[AGENT]!.smsRecords.length).toBe(total);
  });

  it('GET on a control path is not one', async () => {
    expect((await call(sandbox, `/__sandbox/messages?agent=${AGENT}`)).status).toBe(404);
  });
});
