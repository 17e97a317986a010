import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Fault } from '../../src/sandbox/faults.js';
import { manualClock } from '../clock.js';
import { agentIds, startStack, type Stack } from '../helpers.js';
import { postThenLeave } from '../raw-request.js';

/**
 * A caller that gives up ends its operation: its upstream calls stop and
 * give back their concurrency slots, rather than holding them until the
 * deadline. One slot per upstream makes that visible to the next caller.
 * The gateway runs on a clock that never moves: no deadline or timeout can
 * free the slot, only the caller leaving.
 */
let stack: Stack;
let unhandledTotal: number;
beforeAll(async () => {
  stack = await startStack({
    env: { UPSTREAM_MAX_CONCURRENCY: '1', UPSTREAM_RETRY_ATTEMPTS: '1' },
    gateway: { clock: manualClock() },
  });
  // The sandbox's own count of the agent's unhandled queries in its default window (the last 3 days).
  const reference = await stack.upstream<{ total_entries: number }>(`/bots/analytics/${agentIds[0]}/unhandled_messages.json`, { page: 1, per_page: 1 });
  unhandledTotal = reference.total_entries;
  await stack.resetStats();
  const faults: Fault[] = [{ route: 'GET /v1/messages.json', kind: 'hang' }];
  await stack.setFaults(faults);
});
afterAll(() => stack.close());

it('frees the upstream slot of a POST whose caller left, so the next caller is served at once', async () => {
  const agentId = agentIds[0]!;
  const caller = postThenLeave(stack.url, `{ agent(agentId: ${agentId}) { messages(first: 1) { totalCount } } }`);
  // Wait until the hanging call holds Avaamo's only slot.
  await expect.poll(async () => (await stack.stats()).byRoute['GET /v1/messages.json'] ?? 0, { timeout: 5000 }).toBe(1);
  caller.leave();
  expect(await caller.answered).toBe('left');

  const next = await stack.execute<{ agent: { unhandledMessages: { totalCount: number } } }>(
    `{ agent(agentId: ${agentId}) { unhandledMessages(first: 1) { totalCount } } }`,
  );
  expect(next.errors).toBeUndefined();
  expect(next.data?.agent.unhandledMessages.totalCount).toBe(unhandledTotal);
  expect((await stack.stats()).byRoute).toEqual({ 'GET /v1/messages.json': 1, 'GET /bots/analytics/{id}/unhandled_messages.json': 1 });
});
