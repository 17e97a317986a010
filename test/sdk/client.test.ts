import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { parse, validate } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sandboxCredentials } from '../../src/sandbox/credentials.js';
import { schema } from '../../src/schema/index.js';
import {
  AgentMessagesDocument,
  AgentsDocument,
  ContactsDocument,
  DashboardDocument,
  PostAgentMessageDocument,
  SmsRecordsDocument,
  createCxClient,
  type CxClient,
} from '../../packages/sdk/src/index.js';
import { startStack, upstreamTotals, type Stack } from '../helpers.js';
import { failureOf } from './failure-of.js';

const persisted = JSON.parse(
  readFileSync(new URL('../../packages/sdk/src/generated/persisted-documents.json', import.meta.url), 'utf8'),
) as Record<string, string>;

/** What the client put on the wire, read from the requests it made. */
interface SentRequest {
  headers: Headers;
  body: { query: string; variables?: Record<string, unknown> };
}

let stack: Stack;
let client: CxClient;
let sent: SentRequest[];
const recordingFetch: typeof fetch = async (input, init) => {
  sent.push({ headers: new Headers(init?.headers), body: JSON.parse(String(init?.body)) as SentRequest['body'] });
  return fetch(input, init);
};

const DAY_MS = 24 * 60 * 60 * 1000;

const agentId = sandboxCredentials.avaamoAgents[0]!.id;

beforeAll(async () => {
  stack = await startStack();
  client = createCxClient({ url: stack.url, apiKey: 'cx_test_key', fetch: recordingFetch });
});
afterAll(() => stack.close());
beforeEach(async () => {
  sent = [];
  await stack.resetStats();
});

describe('createCxClient', () => {
  it('runs the dashboard with typed variables and results, sending the API key as a bearer token', async () => {
    const now = Date.now();
    const start = new Date(now - 7 * DAY_MS).toISOString();
    const end = new Date(now).toISOString();
    const data = await client.request(DashboardDocument, { start, end });
    expect(data.agents.nodes.map((agent) => agent.agentId)).toEqual(sandboxCredentials.avaamoAgents.map((agent) => agent.id));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers.get('authorization')).toBe('Bearer cx_test_key');
    const { byRoute } = await stack.stats();
    expect(byRoute['GET /api/public/analytics/contacts/by-status']).toBe(1);
    // The values are the sandbox's own.
    const unattended = await upstreamTotals.contacts(stack, 'unattended');
    expect(data.queue!.totalCount).toBe(unattended);
    expect(data.queue!.nodes).toHaveLength(Math.min(unattended, 10));
    expect(data.agentConversationStats!.totalConversations).toBe(await upstreamTotals.conversations(stack, start, end));
  });

  it('sends each document as the exact text of its persisted-documents.json entry', async () => {
    await client.request(AgentsDocument, { first: 1 });
    const text = sent[0]!.body.query;
    const hash = createHash('sha256').update(text).digest('hex');
    expect(persisted[hash]).toBe(text);
  });

  it('surfaces errors with their codes, and keeps the data that resolved', async () => {
    const error = await failureOf(client.request(AgentMessagesDocument, { agentId: 1, first: 5 }));
    expect(error.codes).toEqual(['NOT_FOUND']);
    expect(error.errors[0]).toMatchObject({ code: 'NOT_FOUND', path: ['agent'] });
    expect(error.data).toEqual({ agent: null });
    expect(error.message).toContain('NOT_FOUND');

    const tooMany = await failureOf(client.request(SmsRecordsDocument, { agentId, first: 1000 }));
    expect(tooMany.codes).toEqual(['BAD_USER_INPUT']);
    expect(tooMany.errors[0]!.path).toEqual(['agent', 'smsRecords']);
    expect(tooMany.data).toEqual({ agent: { smsRecords: null } });
  });

  it('reports a request the gateway refuses before executing (bad variables) with a code', async () => {
    // The generated type forbids this value; a service reading it from elsewhere can still send it.
    const refused = await failureOf(client.request(ContactsDocument, { status: 'NOT_A_STATUS' as 'UNATTENDED' }));
    expect(refused.status).toBe(400);
    expect(refused.data).toBeNull();
    expect(refused.codes).toEqual(['BAD_USER_INPUT']);
    expect(await stack.stats()).toMatchObject({ total: 0 });
  });

  it('execute returns data and errors side by side without throwing', async () => {
    const result = await client.execute(AgentMessagesDocument, { agentId: 1 });
    expect(result.data).toEqual({ agent: null });
    expect(result.errors.map((error) => error.code)).toEqual(['NOT_FOUND']);
  });

  it('posts a message with typed input', async () => {
    const messages = await client.request(AgentMessagesDocument, { agentId, first: 1 });
    const conversationUuid = messages.agent!.messages!.nodes[0]!.conversation!.uuid;
    const data = await client.request(PostAgentMessageDocument, {
      input: { agentId, conversationUuid, text: 'Sent by the SDK test.', clientMutationId: 'sdk-1' },
    });
    expect(data.postAgentMessage).toEqual({ success: true, clientMutationId: 'sdk-1' });
    const after = await client.request(AgentMessagesDocument, { agentId, first: 1 });
    expect(after.agent!.messages!.nodes[0]!.content).toBe('Sent by the SDK test.');
  });
});

describe('client.paginate', () => {
  it('walks the live queue to its end, reading each upstream page it needs', async () => {
    const first = await client.request(ContactsDocument, { status: 'UNATTENDED', first: 1 });
    const total = first.contacts!.totalCount;
    expect(total).toBeGreaterThan(50);
    sent = [];
    await stack.resetStats();

    const ids: string[] = [];
    for await (const contact of client.paginate(ContactsDocument, { status: 'UNATTENDED', first: 50 }, (data) => data.contacts)) {
      ids.push(contact.id);
    }
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
    expect(sent).toHaveLength(Math.ceil(total / 50));
    expect(sent[0]!.body.variables).toMatchObject({ status: 'UNATTENDED', first: 50, after: null });
    expect(sent[1]!.body.variables!.after).toEqual(expect.any(String));
    // Each upstream page is read for the GraphQL page it holds; a full page
    // also reads the next one to learn hasNextPage (the spec's first + 1), so
    // with the cross-request cache off (as in tests) one page is read twice.
    const pages = (await stack.requests())
      .filter((request) => request.path === '/api/public/analytics/contacts/by-status')
      .map((request) => Number(request.query.page));
    expect(new Set(pages)).toEqual(new Set(Array.from({ length: sent.length }, (_, index) => index + 1)));
    expect(pages.length).toBeLessThanOrEqual(sent.length + 1);
  });

  it('walks a nested connection (an agent\'s messages of a week) and stops when the loop does', async () => {
    const since = new Date(Date.now() - 7 * DAY_MS).toISOString();
    const all = [];
    for await (const message of client.paginate(AgentMessagesDocument, { agentId, since, first: 20 }, (data) => data.agent?.messages)) {
      all.push(message);
    }
    const { agent } = await client.request(AgentMessagesDocument, { agentId, since, first: 1 });
    expect(all.length).toBeGreaterThan(20);
    expect(all).toHaveLength(agent!.messages!.totalCount);
    expect(all.every((message) => message.createdAt >= since)).toBe(true);

    sent = [];
    const firstThree = [];
    for await (const message of client.paginate(AgentMessagesDocument, { agentId, since, first: 2 }, (data) => data.agent?.messages)) {
      firstThree.push(message.id);
      if (firstThree.length === 3) break;
    }
    expect(firstThree).toEqual(all.slice(0, 3).map((message) => message.id));
    expect(sent).toHaveLength(2);
  });

  it('walks connections one item per page', async () => {
    const agents = [];
    for await (const agent of client.paginate(AgentsDocument, { first: 1 }, (data) => data.agents)) agents.push(agent.agentId);
    expect(agents).toEqual(sandboxCredentials.avaamoAgents.map((agent) => agent.id));
    expect(sent).toHaveLength(agents.length);
  });

  it('throws the page\'s error with its code instead of ending early', async () => {
    const walk = async () => {
      for await (const message of client.paginate(AgentMessagesDocument, { agentId: 1 }, (data) => data.agent?.messages)) {
        expect(message).toBeUndefined();
      }
    };
    await expect(walk()).rejects.toMatchObject({ name: 'CxGatewayError', codes: ['NOT_FOUND'] });
  });
});

describe('persisted documents', () => {
  it('holds every SDK operation, keyed by the SHA-256 of its text, each valid against the schema', () => {
    const entries = Object.entries(persisted);
    const names = entries.map(([, text]) => /^(?:query|mutation|subscription) (\w+)/.exec(text)?.[1]).sort();
    expect(names).toEqual([
      'AgentConversationStats',
      'AgentMessages',
      'Agents',
      'BotTraining',
      'ContactQueue',
      'Contacts',
      'Dashboard',
      'PostAgentMessage',
      'QueueSummary',
      'SmsRecords',
      'UnhandledMessages',
    ]);
    for (const [hash, text] of entries) {
      expect(createHash('sha256').update(text).digest('hex')).toBe(hash);
      expect(validate(schema, parse(text))).toEqual([]);
    }
  });
});
