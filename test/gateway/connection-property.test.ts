import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PAGE_SIZE } from '../../src/schema/pagination.js';
import { agentIds, startStack, type Stack } from '../helpers.js';
import { specConnection, type SpecArgs } from '../relay-spec.js';

interface Connection {
  totalCount: number;
  edges: { cursor: string; node: { uuid: string } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

const MESSAGES = `query($a: Int!, $since: DateTime, $first: Int, $after: String, $last: Int, $before: String) {
  agent(agentId: $a) { messages(since: $since, first: $first, after: $after, last: $last, before: $before) {
    totalCount edges { cursor node { uuid } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`;

let stack: Stack;
const agentId = agentIds[0]!;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

async function messages(variables: Record<string, unknown>): Promise<Connection> {
  const response = await stack.execute<{ agent: { messages: Connection } }>(MESSAGES, { a: agentId, ...variables });
  expect(response.errors).toBeUndefined();
  return response.data!.agent.messages;
}

describe('Agent.messages equals the spec slice of the sandbox list (fast-check, real gateway)', () => {
  it('for random list sizes (via since) and random windows', async () => {
    const all = stack.sandbox.dataset.avaamo.agents[agentId]!.messages;
    const scenario = fc
      .integer({ min: 0, max: all.length - 1 })
      .chain((oldest) => {
        // `since` at a message's millisecond: the list is every message from then on, compared in microseconds as Avaamo does.
        const sinceMs = Math.floor(all[oldest]!.timetoken / 1000);
        const size = all.filter((message) => message.timetoken >= sinceMs * 1000).length;
        const reachable = Math.min(size, 100);
        const cursor = fc.option(fc.integer({ min: 0, max: reachable - 1 }), { nil: null });
        const count = fc.option(fc.integer({ min: 0, max: 100 }), { nil: null });
        return fc.record({ sinceMs: fc.constant(sinceMs), size: fc.constant(size), first: count, last: count, after: cursor, before: cursor });
      });
    await fc.assert(
      fc.asyncProperty(scenario, async ({ sinceMs, size, ...args }) => {
        const since = new Date(sinceMs).toISOString();
        const list = all.filter((message) => message.timetoken >= sinceMs * 1000).map((message) => message.uuid);
        expect(list).toHaveLength(size);
        // A client holds cursors from an earlier page of the same traversal.
        const opening = await messages({ since, first: 100 });
        const cursorAt = (offset: number | null) => (offset === null ? null : opening.edges[offset]!.cursor);
        const connection = await messages({ since, first: args.first, last: args.last, after: cursorAt(args.after), before: cursorAt(args.before) });

        const sized: SpecArgs =
          args.first === null && args.last === null
            ? args.before !== null && args.after === null
              ? { ...args, last: DEFAULT_PAGE_SIZE }
              : { ...args, first: DEFAULT_PAGE_SIZE }
            : args;
        const expected = specConnection(size, sized);
        expect(connection.edges.map((edge) => edge.node.uuid)).toEqual(expected.offsets.map((offset) => list[offset]));
        expect(connection.pageInfo.hasNextPage).toBe(expected.hasNextPage);
        expect(connection.pageInfo.hasPreviousPage).toBe(expected.hasPreviousPage);
        expect(connection.totalCount).toBe(size);
        expect(connection.pageInfo.startCursor).toBe(connection.edges[0]?.cursor ?? null);
        expect(connection.pageInfo.endCursor).toBe(connection.edges.at(-1)?.cursor ?? null);
        // Within one traversal a position has one cursor: the ones handed out earlier come back unchanged.
        if (args.after !== null || args.before !== null) {
          connection.edges.forEach((edge, index) => {
            const offset = expected.offsets[index]!;
            if (offset < opening.edges.length) expect(edge.cursor).toBe(opening.edges[offset]!.cursor);
          });
        }
      }),
      { numRuns: 30 },
    );
  });
});
