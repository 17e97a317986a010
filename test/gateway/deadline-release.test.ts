import { afterAll, beforeAll, expect, it } from 'vitest';
import { agentIds, startStack, type Stack } from '../helpers.js';
import { postGraphQL, postThenLeave } from '../raw-request.js';

/**
 * Every operation's deadline (a 20 s timer and a listener on the caller's
 * signal) is released however the operation ends (issue 12, defect 5). The
 * gateway runs in this process, so the count of deadlines it holds is read
 * directly after each answer.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ env: { FORWARD_UPSTREAM_CREDENTIALS: 'true', MAX_COST: '50', RATE_LIMIT_PER_MINUTE: '60' } });
});
afterAll(() => stack.close());

const agentId = agentIds[0]!;
const one = { query: '{ agents { totalCount } }' };
const codesOf = (response: Awaited<ReturnType<typeof postGraphQL>>) =>
  (Array.isArray(JSON.parse(response.text)) ? (JSON.parse(response.text) as Array<{ errors?: unknown[] }>).flatMap((item) => item.errors ?? []) : (response.errors ?? []))
    .map((error) => (error as { extensions?: { code?: unknown } }).extensions?.code);

it.each([
  ['answered', () => postGraphQL(stack.url, { query: `{ agent(agentId: ${agentId}) { name } }` }), []],
  ['bad forwarded credentials (the context fails)', () => postGraphQL(stack.url, one, { 'x-rocketchat-user-id': 'only-half' }), ['BAD_USER_INPUT']],
  ['a malformed forwarded agent token', () => postGraphQL(stack.url, one, { 'x-avaamo-agent-token': 'no-equals-sign' }), ['BAD_USER_INPUT']],
  ['a batch whose every context fails', () => postGraphQL(stack.url, [one, one, one], { 'x-rocketchat-user-id': 'only-half' }), ['BAD_USER_INPUT', 'BAD_USER_INPUT', 'BAD_USER_INPUT']],
  ['over the cost limit (stopped before executing)', () => postGraphQL(stack.url, { query: `{ agent(agentId: ${agentId}) { messages(first: 100) { nodes { uuid } } } }` }), ['QUERY_TOO_COMPLEX']],
  ['a validation error (no context at all)', () => postGraphQL(stack.url, { query: '{ passwords }' }), ['GRAPHQL_VALIDATION_FAILED']],
  ['a field error', () => postGraphQL(stack.url, { query: '{ agent(agentId: 1) { name } }' }), ['NOT_FOUND']],
] as const)('holds no deadline once answered: %s', async (_name, send, expectedCodes) => {
  const before = stack.app.gateway.deadlinesHeld();
  for (let i = 0; i < 5; i++) {
    const response = await send();
    expect(codesOf(response)).toEqual(expectedCodes);
  }
  expect(stack.app.gateway.deadlinesHeld()).toBe(before);
});

it('counts an operation\'s deadline while it runs', async () => {
  expect(stack.app.gateway.deadlinesHeld()).toBe(0);
  await stack.setFaults([{ route: 'GET /v1/messages.json', kind: 'hang' }]);
  const caller = postThenLeave(stack.url, `{ agent(agentId: ${agentId}) { messages(first: 1) { totalCount } } }`);
  await expect.poll(() => stack.app.gateway.deadlinesHeld()).toBe(1);
  caller.leave();
  expect(await caller.answered).toBe('left');
  await expect.poll(() => stack.app.gateway.deadlinesHeld()).toBe(0);
  await stack.setFaults([]);
});

it('holds none for operations the rate limit refuses', async () => {
  const before = stack.app.gateway.deadlinesHeld();
  let limited = 0;
  for (let i = 0; i < 50; i++) if (codesOf(await postGraphQL(stack.url, one)).includes('RATE_LIMITED')) limited += 1;
  expect(limited).toBeGreaterThan(0);
  expect(stack.app.gateway.deadlinesHeld()).toBe(before);
});
