import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../../bench/gateway-process.js';
import { post } from '../../bench/replica-operations.js';
import { startRedisServer, type RedisServer } from '../../bench/redis-server.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { agentIds } from '../helpers.js';

/** Two gateway processes on one sandbox and one Redis; one dies while it loads what the other waits for. */
let sandbox: Sandbox;
let redis: RedisServer;
let holder: GatewayProcess;
let waiter: GatewayProcess;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  redis = await startRedisServer();
  const env = { CACHE: 'on', RESPONSE_CACHE: 'false', AVAAMO_CALLS_PER_MINUTE: '0', ROCKETCHAT_CALLS_PER_MINUTE: '0', REDIS_URL: redis.url, REDIS_COMMAND_TIMEOUT_MS: '2000' };
  [holder, waiter] = await Promise.all([startGatewayProcess(sandbox.url, env), startGatewayProcess(sandbox.url, env)]);
}, 60_000);
afterAll(async () => {
  await Promise.all([holder?.stop(), waiter?.stop()]);
  await redis?.stop();
  await sandbox?.close();
});

const SMS_ROUTE = '/api/v1/agents/{id}/sms/report.json';
const smsRequests = () => sandbox.requests().filter((request) => request.route === SMS_ROUTE);

describe('one upstream load per key across replicas', () => {
  it('lets a waiting replica take over when the one loading dies', async () => {
    // The first SMS report request never answers: its replica holds the key's lock until it dies.
    const faults = await fetch(`${sandbox.url}/__sandbox/faults`, { method: 'POST', body: JSON.stringify({ faults: [{ route: `GET ${SMS_ROUTE}`, kind: 'hang', times: 1 }] }) });
    expect(faults.status).toBe(200);
    const query = JSON.stringify({ query: `query($agentId: Int!) { agent(agentId: $agentId) { smsRecords(first: 5) { totalCount nodes { status } } } }`, variables: { agentId: agentIds[0] } });

    const lost = post(holder.url, query).catch((error: unknown) => error);
    await expect.poll(() => smsRequests().length).toBe(1);
    const answer = post(waiter.url, query);
    // The waiter asks Redis, finds the lock held, and waits: nothing more reaches the upstream.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(smsRequests()).toHaveLength(1);

    process.kill(holder.pid, 'SIGKILL');
    const killedAt = Date.now();
    const { status, body } = await answer;
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data).toMatchObject({ agent: { smsRecords: { totalCount: expect.any(Number) } } });
    // One waiter took over once the dead holder's lease ran out: one more request, after the death.
    const sent = smsRequests();
    expect(sent).toHaveLength(2);
    expect(sent[1]!.at).toBeGreaterThanOrEqual(killedAt);
    expect(await lost).toBeInstanceOf(Error);
  });
});
