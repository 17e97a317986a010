import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess } from '../../bench/gateway-process.js';
import { startRedisServer, type RedisServer } from '../../bench/redis-server.js';
import { startReplicas, type ReplicaSet } from '../../bench/replica-set.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { agentIds, agentToken } from '../helpers.js';
import { post, replicaOperations, type Answer } from '../../bench/replica-operations.js';

/**
 * Three gateway processes, as `npm start` runs them, on one sandbox and one
 * Redis (each started here on free ports): what a client sees through a
 * round-robin load balancer, and what the upstreams see.
 */
let sandbox: Sandbox;
let redis: RedisServer;
let set: ReplicaSet;

/** The cache on, budgets off (replica-budgets.test.ts has them), contacts kept long enough to outlast a run. */
const ENV = {
  CACHE: 'on',
  RESPONSE_CACHE: 'true',
  AVAAMO_CALLS_PER_MINUTE: '0',
  ROCKETCHAT_CALLS_PER_MINUTE: '0',
  CACHE_TTL_SECONDS: JSON.stringify({ 'vambe.contactsByStatus': 120 }),
  // This machine may be busy: a slow answer from Redis here is not what these tests are about.
  REDIS_COMMAND_TIMEOUT_MS: '2000',
  OPERATION_DEADLINE_MS: '5000',
  // Counted, so every operation reads Redis (the limit itself is not reached).
  RATE_LIMIT_PER_MINUTE: '1000000',
};

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  redis = await startRedisServer();
  set = await startReplicas(3, sandbox.url, { ...ENV, REDIS_URL: redis.url });
}, 60_000);
afterAll(async () => {
  await set?.stop();
  await redis?.stop();
  await sandbox?.close();
});

/**
 * Far past OPERATION_DEADLINE_MS: an answer that has not come by then never
 * will (a hang fails the test here). It bounds nothing else: on a busy runner
 * an answer may take longer than the deadline and still be right. That the
 * deadline holds is counted instead: the sandbox never hangs in these runs, so
 * an UPSTREAM_TIMEOUT could only be the gateway waiting out its deadline (on
 * Redis, or on a lock another replica held), and none may come.
 */
const HANG_MS = 3 * Number(ENV.OPERATION_DEADLINE_MS);

/** Runs `operations` with `concurrency` in flight, each to the URL `target` picks. */
async function run(operations: string[], target: () => string, concurrency = 10): Promise<Answer[]> {
  const answers: Answer[] = new Array(operations.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let index = next++; index < operations.length; index = next++) answers[index] = await post(target(), operations[index]!, AbortSignal.timeout(HANG_MS));
    }),
  );
  return answers;
}

const withoutWaitingTimes = (body: unknown) => JSON.parse(JSON.stringify(body), (key, value: unknown) => (key === 'waitingTime' ? undefined : value)) as unknown;

describe('three replicas sharing one Redis', () => {
  it('300 operations round-robin over the replicas cost the upstreams what one gateway\'s cold run costs', async () => {
    const operations = replicaOperations(sandbox.dataset.now, 300);
    const single = await startGatewayProcess(sandbox.url, ENV);
    let alone: Answer[];
    try {
      sandbox.reset();
      alone = await run(operations, () => single.url);
    } finally {
      await single.stop();
    }
    const coldCost = sandbox.stats();
    expect(coldCost.total).toBeGreaterThan(20);

    sandbox.reset();
    const shared = await run(operations, set.next);
    expect(sandbox.stats()).toEqual(coldCost);
    expect(shared.map((answer) => answer.status)).toEqual(operations.map(() => 200));
    // Every replica answered an operation alike, from one upstream answer (a live queue's waiting times
    // tell answers loaded apart), and as the lone gateway did, but for the time that passed between the runs.
    const byOperation = new Map<string, string>();
    shared.forEach((answer, index) => {
      const text = JSON.stringify(answer.body);
      expect(byOperation.get(operations[index]!) ?? text).toBe(text);
      byOperation.set(operations[index]!, text);
    });
    expect(shared.map((answer) => withoutWaitingTimes(answer.body))).toEqual(alone.map((answer) => withoutWaitingTimes(answer.body)));
  });

  it('accepts a cursor of one replica at the next, Avaamo messages and contacts alike, with no CURSOR_SECRET set', async () => {
    const messages = `query($agentId: Int!, $after: String) { agent(agentId: $agentId) { messages(first: 10, after: $after) {
      nodes { uuid } pageInfo { endCursor hasNextPage } } } }`;
    const contacts = `query($after: String) { contacts(status: UNATTENDED, first: 7, after: $after) { nodes { id } pageInfo { endCursor hasNextPage } } }`;
    type Page = { nodes: { id?: string; uuid?: string }[]; pageInfo: { endCursor: string | null } };
    const walk = async (query: string, variables: Record<string, unknown>, pick: (data: unknown) => Page) => {
      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 3; page++) {
        const { status, body } = await post(set.next(), JSON.stringify({ query, variables: { ...variables, after } }));
        expect(status).toBe(200);
        expect(body.errors).toBeUndefined();
        const connection = pick(body.data);
        seen.push(...connection.nodes.map((node) => (node.id ?? node.uuid)!));
        after = connection.pageInfo.endCursor;
      }
      return seen;
    };
    const uuids = await walk(messages, { agentId: agentIds[0] }, (data) => (data as { agent: { messages: Page } }).agent.messages);
    const upstream = await fetch(`${sandbox.url}/v1/messages.json?page=1&per_page=30`, { headers: { 'access-token': agentToken(agentIds[0]!) } });
    const reference = ((await upstream.json()) as { entries: { uuid: string }[] }).entries.map((entry) => entry.uuid);
    expect(uuids).toEqual(reference);
    const ids = await walk(contacts, {}, (data) => (data as { contacts: Page }).contacts);
    expect(ids).toHaveLength(21);
    expect(new Set(ids).size).toBe(21);
  });

  it('answers every operation while Redis is killed and restarted, then shares again', async () => {
    // Every other operation a distinct upstream request: misses go through L2 and its locks, before, during and after.
    const operations = replicaOperations(sandbox.dataset.now + 3_600_000, 120).flatMap((operation, index) => [
      operation,
      JSON.stringify({
        // A day each: one upstream request (a range over 7 days would be read in windows).
        query: `query($agentId: Int!, $from: DateTime!, $to: DateTime!) { agent(agentId: $agentId) { smsRecords(first: 2, from: $from, to: $to) { totalCount } } }`,
        variables: { agentId: agentIds[index % 5], from: new Date(Date.UTC(2026, 0, 1, 0, 0, index)).toISOString(), to: new Date(Date.UTC(2026, 0, 2, 0, 0, index)).toISOString() },
      }),
    ]);
    const answers: Answer[] = [];
    let sent = 0;
    const target = () => {
      sent += 1;
      return set.next();
    };
    const load = run(operations, target, 6).then((all) => answers.push(...all));
    await expect.poll(() => sent, { timeout: 20_000 }).toBeGreaterThan(60);
    await redis.kill();
    await expect.poll(() => set.replicas.every((replica) => replica.output().includes('redis: degraded')), { timeout: 20_000 }).toBe(true);
    const sentWhileDown = sent;
    await expect.poll(() => sent, { timeout: 20_000 }).toBeGreaterThan(sentWhileDown + 40);
    await redis.restart();
    await load;

    expect(answers).toHaveLength(operations.length);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      // Data, and any error says what went wrong.
      expect(answer.body.data).toBeTruthy();
      for (const error of answer.body.errors ?? []) expect(error.extensions?.code).toEqual(expect.any(String));
    }
    // No operation waited out its deadline for Redis's sake (HANG_MS above).
    const timedOut = answers.flatMap((answer) => answer.body.errors ?? []).filter((error) => error.extensions?.code === 'UPSTREAM_TIMEOUT');
    expect(timedOut).toEqual([]);
    // Each replica said so once each way, and counts its return to shared mode.
    await expect.poll(() => set.replicas.every((replica) => replica.output().includes('redis: up (reconnected)')), { timeout: 20_000 }).toBe(true);
    for (const replica of set.replicas) {
      expect(replica.output().match(/redis: up \(reconnected\)/g)!.length).toBeGreaterThanOrEqual(1);
      expect(replica.output().match(/redis: degraded/g)!.length).toBeGreaterThanOrEqual(1);
    }

    // Shared again: what one replica loaded, the others answer without the upstream.
    const fresh = JSON.stringify({ query: `query($agentId: Int!) { agent(agentId: $agentId) { smsRecords(first: 3, from: "2026-01-02T03:04:05Z", to: "2026-01-03T00:00:00Z") { totalCount } } }`, variables: { agentId: agentIds[3] } });
    sandbox.reset();
    const [first, ...others] = set.replicas;
    expect((await post(first!.url, fresh)).status).toBe(200);
    expect(sandbox.stats().total).toBe(1);
    for (const replica of others) expect((await post(replica.url, fresh)).body).toEqual((await post(first!.url, fresh)).body);
    expect(sandbox.stats().total).toBe(1);
  });
});
