import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';
import { cacheExchange } from '@urql/exchange-graphcache';
import { relayPagination } from '@urql/exchange-graphcache/extras';
import { Client, fetchExchange } from '@urql/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { agentIds, startStack, type Stack } from '../helpers.js';

/**
 * Real Relay-style clients page through a connection against the real
 * gateway, merging pages in their normalized caches the way an app would.
 * Messages arrive between pages; the traversal still yields the list as it
 * was when it started, each message once, in order.
 */
const QUERY = /* GraphQL */ `
  query AgentMessages($agentId: Int!, $first: Int, $after: String) {
    agent(agentId: $agentId) {
      id
      messages(first: $first, after: $after) {
        totalCount
        edges { cursor node { id uuid } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
`;

interface Data {
  agent: {
    id: string;
    messages: {
      totalCount: number;
      edges: { cursor: string; node: { id: string; uuid: string } }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
  };
}

let stack: Stack;
const agentId = agentIds[0]!;
const PAGE = 50;

beforeAll(async () => {
  stack = await startStack();
});

/** The agent's messages as the sandbox holds them now, newest first. */
const current = () => stack.sandbox.dataset.avaamo.agents[agentId]!.messages.map((message) => message.uuid);

/** New messages arrive between pages, as they do while a person scrolls. */
async function arrive() {
  const response = await fetch(`${stack.sandbox.url}/__sandbox/messages?agent=${agentId}&count=10`, { method: 'POST' });
  expect(response.status).toBe(200);
}
afterAll(() => stack.close());
beforeEach(() => stack.resetStats());

describe('Relay-style clients page through Agent.messages while new ones arrive', () => {
  it('urql with @urql/exchange-graphcache relayPagination() collects every message once, in order', async () => {
    const reference = current();
    const client = new Client({
      url: stack.url,
      exchanges: [
        cacheExchange({
          keys: { MessageConnection: () => null, MessageEdge: () => null, PageInfo: () => null },
          resolvers: { Agent: { messages: relayPagination() } },
        }),
        fetchExchange,
      ],
    });
    let after: string | null = null;
    let data: Data | undefined;
    let requests = 0;
    for (;;) {
      const result: { data?: Data; error?: unknown } = await client.query<Data>(QUERY, { agentId, first: PAGE, after }).toPromise();
      expect(result.error).toBeUndefined();
      data = result.data;
      requests += 1;
      const pageInfo: Data['agent']['messages']['pageInfo'] = data!.agent.messages.pageInfo;
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
      await arrive();
      expect(requests).toBeLessThan(100);
    }
    // The cache's merged connection holds every page.
    const merged = data!.agent.messages;
    expect(merged.edges.map((edge) => edge.node.uuid)).toEqual(reference);
    expect(merged.totalCount).toBe(reference.length);
    expect(requests).toBe(Math.ceil(reference.length / PAGE));
  });

  it('Apollo Client with relayStylePagination() collects every message once, in order', async () => {
    const reference = current();
    const client = new ApolloClient({
      link: new HttpLink({ uri: stack.url }),
      cache: new InMemoryCache({ typePolicies: { Agent: { fields: { messages: relayStylePagination() } } } }),
    });
    const query = gql(QUERY);
    // As an app pages: one watched query, fetchMore with the merged pageInfo's endCursor.
    const watched = client.watchQuery<Data>({ query, variables: { agentId, first: PAGE } });
    const subscription = watched.subscribe(() => {});
    const merged = () => client.readQuery<Data>({ query, variables: { agentId, first: PAGE } });
    // Subscribing starts the first request; refetch gives a promise to wait on.
    await watched.refetch();
    let requests = 1;
    while (merged()!.agent.messages.pageInfo.hasNextPage) {
      await arrive();
      await watched.fetchMore({ variables: { after: merged()!.agent.messages.pageInfo.endCursor } });
      requests += 1;
      expect(requests).toBeLessThan(100);
    }
    subscription.unsubscribe();
    // What the app reads back: the merged list under the field's key (first/after are not part of it).
    const all = merged();
    expect(all!.agent.messages.edges.map((edge) => edge.node.uuid)).toEqual(reference);
    expect(all!.agent.messages.totalCount).toBe(reference.length);
    expect(requests).toBe(Math.ceil(reference.length / PAGE));
    client.stop();
  });
});
