import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, type Answer } from '../../bench/replica-operations.js';
import { startRedisServer, type RedisServer } from '../../bench/redis-server.js';
import { startReplicas, type ReplicaSet } from '../../bench/replica-set.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { agentIds } from '../helpers.js';

/**
 * Three gateway processes on one sandbox and one Redis, with an Avaamo
 * budget of 20 calls a minute per token. Each replica alone would let a
 * burst of 10 through per token (half the budget), 30 in all; shared, the
 * burst is 10, and the refill of 10 a minute comes one token every 6 s.
 */
let sandbox: Sandbox;
let redis: RedisServer;
let set: ReplicaSet;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  redis = await startRedisServer();
  set = await startReplicas(3, sandbox.url, {
    CACHE: 'on',
    RESPONSE_CACHE: 'true',
    AVAAMO_CALLS_PER_MINUTE: '20',
    ROCKETCHAT_CALLS_PER_MINUTE: '0',
    BUDGET_MAX_WAIT_MS: '1000',
    REDIS_URL: redis.url,
    REDIS_COMMAND_TIMEOUT_MS: '2000',
    // A replica that did not share its budget would keep a whole one: the test would see it.
    REDIS_FALLBACK_BUDGET_SHARE: '1',
  });
}, 60_000);
afterAll(async () => {
  await set?.stop();
  await redis?.stop();
  await sandbox?.close();
});

/** At most `limit` requests per credential in any `windowMs` window of the sandbox's log. */
function mostInAnyWindow(windowMs: number): Record<string, number> {
  const byCredential = new Map<string, number[]>();
  for (const request of sandbox.requests()) {
    if (!request.credential.startsWith('avaamo')) continue;
    byCredential.set(request.credential, [...(byCredential.get(request.credential) ?? []), request.at]);
  }
  const most: Record<string, number> = {};
  for (const [credential, times] of byCredential) {
    times.sort((a, b) => a - b);
    most[credential] = Math.max(...times.map((start) => times.filter((at) => at >= start && at < start + windowMs).length));
  }
  return most;
}

describe('vendor budgets across replicas', () => {
  it('a burst across three replicas reaches Avaamo as at most 20 calls per token in any 60 s window', async () => {
    // 60 distinct SMS windows (the user token) and two agents' messages (their own tokens, with budgets of their own), all at once.
    const bodies = [
      ...Array.from({ length: 60 }, (_, index) =>
        JSON.stringify({
          // A day each: one upstream request (a range over 7 days would be read in windows).
          query: `query($agentId: Int!, $from: DateTime!, $to: DateTime!) { agent(agentId: $agentId) { smsRecords(first: 1, from: $from, to: $to) { totalCount } } }`,
          variables: { agentId: agentIds[index % 5], from: new Date(Date.UTC(2026, 0, 1, 0, 0, index)).toISOString(), to: new Date(Date.UTC(2026, 0, 2, 0, 0, index)).toISOString() },
        }),
      ),
      ...Array.from({ length: 30 }, (_, index) =>
        JSON.stringify({
          query: `query($agentId: Int!) { agent(agentId: $agentId) { messages(first: ${index + 1}) { nodes { uuid } } } }`,
          variables: { agentId: agentIds[index % 2] },
        }),
      ),
    ];
    const answers: Answer[] = await Promise.all(bodies.map((body) => post(set.next(), body)));
    const most = mostInAnyWindow(60_000);
    expect(Object.keys(most).sort()).toEqual(['avaamo-agent:' + agentIds[0], 'avaamo-agent:' + agentIds[1], 'avaamo-user'].sort());
    for (const count of Object.values(most)) expect(count).toBeLessThanOrEqual(20);
    // Each agent's messages are one upstream page, loaded once for all three replicas.
    expect(most['avaamo-agent:' + agentIds[0]]).toBe(1);
    // The budget was spent, not left unused: the user token's burst went out whole, and the rest was refused.
    expect(most['avaamo-user']).toBeGreaterThanOrEqual(10);
    const codes = answers.flatMap((answer) => answer.body.errors?.map((error) => error.extensions?.code) ?? []);
    expect(codes.length).toBeGreaterThan(0);
    expect(new Set(codes)).toEqual(new Set(['RATE_LIMITED']));
    for (const answer of answers) expect(answer.status).toBe(200);
    // Every call the budget let out was one answer: none sent twice, none lost.
    const answered = answers.filter((answer) => !answer.body.errors).length;
    expect(answered).toBeGreaterThanOrEqual(sandbox.requests().filter((request) => request.credential === 'avaamo-user').length);
  });
});
