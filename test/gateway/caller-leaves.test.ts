import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Fault } from '../../src/sandbox/faults.js';
import { agentIds, startStack, type Stack } from '../helpers.js';

/**
 * A caller that gives up ends its operation: its upstream calls stop and
 * give back their concurrency slots, rather than holding them until the
 * deadline. One slot per upstream makes that visible to the next caller.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    env: { UPSTREAM_MAX_CONCURRENCY: '1', OPERATION_DEADLINE_MS: '8000', UPSTREAM_TIMEOUT_MS: '8000', UPSTREAM_RETRY_ATTEMPTS: '1' },
  });
  const faults: Fault[] = [{ route: 'GET /v1/messages.json', kind: 'hang' }];
  await stack.setFaults(faults);
});
afterAll(() => stack.close());

it('frees the upstream slot of a POST whose caller left, so the next caller is served at once', async () => {
  const agentId = agentIds[0]!;
  const leaving = new AbortController();
  const hanging = fetch(stack.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: `{ agent(agentId: ${agentId}) { messages(first: 1) { totalCount } } }` }),
    signal: leaving.signal,
  }).catch((error: unknown) => error);
  // Wait until the hanging call holds Avaamo's only slot.
  await expect.poll(async () => (await stack.stats()).byRoute['GET /v1/messages.json'] ?? 0, { timeout: 5000 }).toBe(1);
  leaving.abort();
  await hanging;

  const started = Date.now();
  const next = await stack.execute<{ agent: { unhandledMessages: { totalCount: number } } }>(
    `{ agent(agentId: ${agentId}) { unhandledMessages(first: 1) { totalCount } } }`,
  );
  expect(next.errors).toBeUndefined();
  expect(next.data?.agent.unhandledMessages.totalCount).toEqual(expect.any(Number));
  // Held until the deadline, the slot would be free only after 8 s.
  expect(Date.now() - started).toBeLessThan(4000);
});
