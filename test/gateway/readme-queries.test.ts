import { readFileSync } from 'node:fs';
import { Kind, parse, print, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleQuery } from '../../src/graphiql-example.js';
import { startStack, type Stack } from '../helpers.js';

/** Every operation in the README's graphql blocks: what a new user copies first. */
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const operations = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].flatMap((match) =>
  parse(match[1]!).definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION),
);

let stack: Stack;
let conversationUuid: string;

beforeAll(async () => {
  stack = await startStack();
  const { data } = await stack.execute<{ agent: { messages: { nodes: { conversation: { uuid: string } }[] } } }>(
    `{ agent(agentId: 20457) { messages(first: 1) { nodes { conversation { uuid } } } } }`,
  );
  conversationUuid = data!.agent.messages.nodes[0]!.conversation.uuid;
});
afterAll(() => stack.close());

describe('what a new user runs first', () => {
  it('the README has example operations', () => {
    expect(operations.map((operation) => operation.name?.value)).toEqual(
      expect.arrayContaining(['Dashboard', 'Queue', 'FailedSms', 'Messages', 'Reply']),
    );
  });

  it.each(operations.map((operation) => [operation.name?.value ?? 'anonymous', operation] as const))(
    'README operation %s answers without errors',
    async (_name, operation) => {
      const { data, errors } = await stack.execute(print(operation), { conversationUuid });
      expect(errors).toBeUndefined();
      expect(Object.values(data!).every((value) => value !== null)).toBe(true);
    },
  );

  it('the query GraphiQL opens with answers without errors', async () => {
    const { data, errors } = await stack.execute<{ agents: { nodes: unknown[] } }>(exampleQuery(new Date()));
    expect(errors).toBeUndefined();
    expect(data!.agents.nodes.length).toBeGreaterThan(0);
  });
});
