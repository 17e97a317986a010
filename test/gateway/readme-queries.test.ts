import { readFileSync } from 'node:fs';
import { Kind, parse, print, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers.js';
import { subscribeOverSse } from '../subscriptions.js';

/** Every operation in the README's graphql blocks: what a new user copies first. */
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const operations = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].flatMap((match) =>
  parse(match[1]!).definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION),
);

/** The operations of every tab GraphiQL opens with, read from the page the gateway serves. */
async function servedTabs(url: string) {
  const page = await (await fetch(url, { headers: { accept: 'text/html' } })).text();
  const options = /renderYogaGraphiQL\(\s*window\.document\.querySelector\('#root'\),\s*(\{.*\}),\s*\);/s.exec(page)?.[1];
  if (!options) throw new Error('no GraphiQL options in the page');
  const { defaultTabs } = JSON.parse(options) as { defaultTabs: { query: string; variables?: string }[] };
  return defaultTabs.map((tab) => ({
    variables: tab.variables ? (JSON.parse(tab.variables) as Record<string, unknown>) : {},
    operations: parse(tab.query).definitions.filter(
      (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
    ),
  }));
}

let stack: Stack;
let conversationUuid: string;

/** What a user sees for an operation: a query's answer, or a subscription's first event (over SSE, as GraphiQL runs it). */
async function answer(operation: OperationDefinitionNode, variables: Record<string, unknown>) {
  if (operation.operation !== 'subscription') return stack.execute(print(operation), variables);
  const events = subscribeOverSse(stack.url, print(operation), variables);
  try {
    return await events.nth(1);
  } finally {
    events.close();
  }
}

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
      const { data, errors } = await answer(operation, { conversationUuid });
      expect(errors).toBeUndefined();
      expect(Object.values(data!).every((value) => value !== null)).toBe(true);
    },
  );

  it('GraphiQL opens with the tabs a support team starts from', async () => {
    const tabs = await servedTabs(stack.url);
    expect(tabs.map((tab) => tab.operations.map((operation) => operation.name?.value))).toEqual([
      ['Dashboard'],
      ['LiveQueue'],
      ['WatchQueue'],
      ['FailedSmsLastDay'],
      ['UnhandledQueries'],
      ['PostMessage', 'LatestConversations'],
      ['BotTraining'],
    ]);
  });

  it('every operation of every GraphiQL tab answers with data and without errors, with the tab\'s variables', async () => {
    const tabs = await servedTabs(stack.url);
    const answers: Record<string, Record<string, unknown>> = {};
    for (const tab of tabs) {
      for (const operation of tab.operations) {
        // The posting tab asks the user to paste a conversation uuid: this one is real.
        const variables = { ...tab.variables, ...(operation.operation === 'mutation' ? { conversationUuid } : {}) };
        const { data, errors } = await answer(operation, variables);
        expect({ operation: operation.name?.value, errors }).toEqual({ operation: operation.name?.value, errors: undefined });
        answers[operation.name!.value] = data!;
      }
    }
    const dashboard = answers.Dashboard as { agents: { nodes: unknown[] }; queue: { nodes: unknown[] } };
    expect(dashboard.agents.nodes.length).toBeGreaterThan(0);
    const queue = (answers.LiveQueue as { contacts: { nodes: { waitingTime: number }[] } }).contacts.nodes;
    expect(queue.length).toBe(25);
    const waits = queue.map((contact) => contact.waitingTime);
    expect(waits).toEqual([...waits].sort((a, b) => b - a));
    const watched = (answers.WatchQueue as { contactQueue: { contacts: unknown[]; summary: { count: number } } }).contactQueue;
    expect(watched.contacts).toHaveLength(10);
    expect(watched.summary.count).toBeGreaterThan(10);
    const failed = (answers.FailedSmsLastDay as { agents: { nodes: { smsRecords: { nodes: { createdAt: string }[] } }[] } }).agents.nodes;
    const dayAgo = Date.now() - 25 * 60 * 60 * 1000;
    const failedSms = failed.flatMap((agent) => agent.smsRecords.nodes);
    expect(failedSms.length).toBeGreaterThan(0);
    expect(failedSms.every((sms) => Date.parse(sms.createdAt) >= dayAgo)).toBe(true);
    const unhandled = answers.UnhandledQueries as { agent: { unhandledMessages: { nodes: unknown[] } } };
    expect(unhandled.agent.unhandledMessages.nodes.length).toBeGreaterThan(0);
    expect(answers.PostMessage).toEqual({ postAgentMessage: { success: true } });
    const training = (answers.BotTraining as { agent: { unhandledQueryClusters: { nodes: unknown[] }; smsDeliveryStats: { total: number } } }).agent;
    expect(training.unhandledQueryClusters.nodes.length).toBeGreaterThan(0);
    expect(training.smsDeliveryStats.total).toBeGreaterThan(0);
  });
});
