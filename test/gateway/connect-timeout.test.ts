import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { agentIds, errorAt, startStack, type Stack } from '../helpers.js';

/**
 * An upstream whose listen queue is full: the kernel answers no more SYNs, so
 * a new connection neither opens nor fails. Node cannot listen without
 * accepting, so a two-line Python listener (listen(0), never accept) stands
 * in for such a host; one connection fills its queue.
 */
const python = spawnSync('python3', ['--version']).status === 0;
const LISTENER = 'import socket,time\ns=socket.socket();s.bind(("127.0.0.1",0));s.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(600)';

let listener: ChildProcess | undefined;
let filler: Socket | undefined;
let stack: Stack;

beforeAll(async () => {
  if (!python) {
    console.warn('connect-timeout test skipped: python3 is not installed (it stands in for a host whose listen queue is full)');
    return;
  }
  listener = spawn('python3', ['-c', LISTENER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => listener!.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
  filler = connect(port, '127.0.0.1');
  await new Promise((resolve) => filler!.once('connect', resolve));
  stack = await startStack({
    env: {
      VAMBE_BASE_URL: `http://127.0.0.1:${port}`,
      VAMBE_CONNECT_TIMEOUT_MS: '300',
      VAMBE_TIMEOUT_MS: '20000',
      OPERATION_DEADLINE_MS: '20000',
      UPSTREAM_RETRY_ATTEMPTS: '2',
      UPSTREAM_RETRY_BASE_MS: '10',
    },
  });
});
afterAll(async () => {
  filler?.destroy();
  listener?.kill();
  await stack?.close();
});

it('answers UPSTREAM_TIMEOUT when an upstream never accepts the connection, by the connect timeout', async (test) => {
  if (!python) return test.skip('python3 is not installed');
  const response = await stack.execute<{ agent: { name: string }; contacts: null }>(
    `{ agent(agentId: ${agentIds[0]}) { name } contacts(status: UNATTENDED, first: 1) { totalCount } }`,
  );
  expect(errorAt(response, ['contacts'])?.extensions).toMatchObject({ code: 'UPSTREAM_TIMEOUT', upstream: 'vambe' });
  expect(errorAt(response, ['contacts'])?.message).toContain('did not accept a connection within 300 ms');
  expect(response.data?.agent.name).toEqual(expect.any(String));
  // The connect timeout (300 ms) ended each attempt, not the 20 s total timeout or deadline: the message says which.
});
