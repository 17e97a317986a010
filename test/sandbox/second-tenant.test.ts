import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxCredentials, sandboxRestrictedAgentId, sandboxSecondTenant } from '../../src/sandbox/credentials.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { call, NOW, query, rocketchatHeaders, userHeaders, vambeHeaders, type AvaamoPage } from './helpers.js';

const b = sandboxSecondTenant;
const firstAgent = sandboxCredentials.avaamoAgents[0].id;
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ now: NOW });
});
afterAll(() => sandbox.close());

describe('the second tenant', () => {
  it('Avaamo: its user views only the agent the first user may not, and edits only it', async () => {
    const headers = { 'access-token': b.avaamoUserToken };
    expect((await call(sandbox, `/api/v1/agents/${sandboxRestrictedAgentId}.json`, { headers })).status).toBe(200);
    expect((await call(sandbox, `/api/v1/agents/${firstAgent}.json`, { headers })).status).toBe(403);
    expect((await call(sandbox, `/api/v1/agents/${sandboxRestrictedAgentId}.json`, { headers: userHeaders })).status).toBe(403);
    const post = await call(sandbox, '/bots_api/v1/messages.json', {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'hi', conversation: { uuid: 'x' }, bot_id: firstAgent }),
    });
    expect(post.status).toBe(403);
  });

  it('Avaamo: its agent token reads that agent\'s messages, none of the first tenant\'s', async () => {
    const page = await call<AvaamoPage<{ uuid: string }>>(sandbox, `/v1/messages.json?per_page=100`, {
      headers: { 'access-token': b.avaamoAgents[0].accessToken },
    });
    expect(page.status).toBe(200);
    const own = new Set(sandbox.dataset.avaamo.agents[sandboxRestrictedAgentId]!.messages.map((message) => message.uuid));
    expect(page.body.entries.length).toBeGreaterThan(0);
    expect(page.body.entries.every((message) => own.has(message.uuid))).toBe(true);
    expect(sandbox.requests().at(-1)?.credential).toBe(`avaamo-agent:${sandboxRestrictedAgentId}`);
  });

  it('Vambe: its key reads only the Soporte pipeline', async () => {
    const path = `/api/public/analytics/contacts/by-status?${query({ page: 1, status: 'unattended' })}`;
    const own = await call<{ data: { id: string }[]; total: number }>(sandbox, path, { headers: { 'x-api-key': b.vambeApiKey } });
    const first = await call<{ data: { id: string }[]; total: number }>(sandbox, path, { headers: vambeHeaders });
    const support = sandbox.dataset.vambe.pipelines.find((pipeline) => pipeline.name === 'Soporte')!.id;
    const pipelineOf = new Map(sandbox.dataset.vambe.contacts.map((record) => [record.contact.id, record.pipelineId]));
    expect(own.body.total).toBeGreaterThan(0);
    expect(own.body.total).toBeLessThan(first.body.total);
    expect(own.body.data.every((contact) => pipelineOf.get(contact.id) === support)).toBe(true);
  });

  it('Rocket.Chat: its user sees only its team\'s rooms', async () => {
    const path = `/api/v1/livechat/analytics/dashboards/conversations-by-agent?${query({
      start: new Date(NOW - 20 * 86_400_000).toISOString(),
      end: new Date(NOW).toISOString(),
    })}`;
    type Report = { total: number; data: { label: string }[]; unspecified: number };
    const own = await call<Report>(sandbox, path, { headers: { 'x-user-id': b.rocketchatUserId, 'x-auth-token': b.rocketchatAuthToken } });
    const first = await call<Report>(sandbox, path, { headers: rocketchatHeaders });
    const team = sandbox.dataset.rocketchat.users.slice(0, 4).map((user) => user.name);
    expect(own.status).toBe(200);
    expect(own.body.total).toBeGreaterThan(0);
    expect(own.body.total).toBeLessThan(first.body.total);
    expect(own.body.data.every((row) => team.includes(row.label))).toBe(true);
    expect(own.body.unspecified).toBe(0);
  });
});
