import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxCredentials } from '../../src/sandbox/credentials.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { sandboxEnv } from '../helpers.js';
import { postThenLeave } from '../raw-request.js';
import { spawnGateway } from './spawn-gateway.js';

const OPERATIONS = 20;

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, latencyMs: 2_000 });
});
afterAll(() => sandbox.close());

/** Whether a new TCP connection to the port is accepted. */
const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe('graceful shutdown on SIGTERM', () => {
  it('answers every operation in flight with data, refuses new connections, and exits 0', async () => {
    const gateway = await spawnGateway({
      ...sandboxEnv(sandbox.url),
      // Each of the 20 operations gets its own upstream call at once.
      UPSTREAM_MAX_CONCURRENCY: '20',
      SHUTDOWN_GRACE_MS: '25000',
    });
    const port = Number(new URL(gateway.url).port);
    const agents = sandboxCredentials.avaamoAgents.map((agent) => agent.id);
    const inFlight = Array.from({ length: OPERATIONS }, (_, index) =>
      fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `query Op${index} { agent(agentId: ${agents[index % agents.length]}) { smsRecords(first: ${index + 1}) { totalCount } } }` }),
      }).then(async (response) => ({ status: response.status, body: (await response.json()) as { data?: unknown; errors?: unknown } })),
    );
    // All 20 have reached the slow sandbox (it logs a request before its 2 s latency): SIGTERM now, ~300 ms in.
    while (sandbox.requests().length < OPERATIONS) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 300));
    gateway.child.kill('SIGTERM');
    await gateway.waitForLine((line) => line.signal === 'SIGTERM');

    expect(await accepts(port)).toBe(false);
    const answers = await Promise.all(inFlight);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data).toMatchObject({ agent: { smsRecords: { totalCount: expect.any(Number) } } });
    }
    expect(await gateway.exited).toEqual({ code: 0, signal: null });

    // In this order: the signal, the 20 operations' lines, the end.
    const lines = gateway.lines();
    const signalAt = lines.findIndex((line) => line.signal === 'SIGTERM');
    const operationLines = lines.filter((line) => typeof line.operationName === 'string' && /^Op\d+$/.test(String(line.operationName)));
    expect(operationLines).toHaveLength(OPERATIONS);
    expect(operationLines.every((line) => lines.indexOf(line) > signalAt && line.status === 200)).toBe(true);
    expect(lines.at(-1)).toMatchObject({ msg: 'stopped: every request in flight was answered' });
  });

  it('cuts what is still running once SHUTDOWN_GRACE_MS has passed, and exits 1', async () => {
    const gateway = await spawnGateway({ ...sandboxEnv(sandbox.url), SHUTDOWN_GRACE_MS: '200' });
    const before = sandbox.requests().length;
    const cut = fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ contacts(status: UNATTENDED, first: 1) { totalCount } }' }),
    }).then(
      () => 'answered',
      () => 'cut',
    );
    while (sandbox.requests().length === before) await new Promise((resolve) => setTimeout(resolve, 20));
    gateway.child.kill('SIGINT');
    expect(await cut).toBe('cut');
    expect(await gateway.exited).toEqual({ code: 1, signal: null });
    expect(gateway.lines().at(-1)).toMatchObject({ level: 'error', cut: 1 });
  });
});

describe('the close phase after the drain', () => {
  it('does not wait for a shared upstream load no operation is waiting for: the process still exits 0', async () => {
    // Avaamo's messages route accepts and never answers. Nothing else would end
    // the call before its deadline: 5 minutes, one attempt of 2 minutes.
    const hanging = await startSandbox({ port: 0, faults: [{ route: 'GET /v1/messages.json', kind: 'hang' }] });
    try {
      const gateway = await spawnGateway({
        ...sandboxEnv(hanging.url),
        CACHE: 'true',
        OPERATION_DEADLINE_MS: '300000',
        UPSTREAM_TIMEOUT_MS: '120000',
        UPSTREAM_RETRY_ATTEMPTS: '1',
        SHUTDOWN_GRACE_MS: '2000',
      });
      const agentId = sandboxCredentials.avaamoAgents[0]!.id;
      // The cache runs the load under a deadline of its own: it outlives the caller, who leaves.
      const caller = postThenLeave(gateway.url, `{ agent(agentId: ${agentId}) { messages(first: 1) { totalCount } } }`);
      while (!hanging.requests().some((request) => request.path === '/v1/messages.json')) await new Promise((resolve) => setTimeout(resolve, 20));
      caller.leave();
      expect(await caller.answered).toBe('left');
      // The caller's line: its operation is over, only the shared load still runs.
      await gateway.waitForLine((line) => typeof line.status === 'number' || line.msg === 'request aborted');

      gateway.child.kill('SIGTERM');
      // The drain finds nothing to wait for; the pools are destroyed after a short wait, not at the load's deadline.
      expect(await gateway.exited).toEqual({ code: 0, signal: null });
      expect(gateway.lines().at(-1)).toMatchObject({ msg: 'stopped: every request in flight was answered' });
    } finally {
      await hanging.close();
    }
  });
});
