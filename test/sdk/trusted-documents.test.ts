import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/auth/callers.js';
import { sandboxCredentials } from '../../src/sandbox/credentials.js';
import {
  AgentConversationStatsDocument,
  AgentMessagesDocument,
  AgentsDocument,
  BotTrainingDocument,
  ContactsDocument,
  DashboardDocument,
  PostAgentMessageDocument,
  SmsRecordsDocument,
  UnhandledMessagesDocument,
  createCxClient,
} from '../../packages/sdk/src/index.js';
import { startStack, upstreamTotals, type Stack } from '../helpers.js';
import { failureOf } from './failure-of.js';
import { postGraphQL } from '../raw-request.js';

/** The real allow-list codegen writes, which the gateway reads by default in `only` mode. */
const persisted = JSON.parse(
  readFileSync(new URL('../../packages/sdk/src/generated/persisted-documents.json', import.meta.url), 'utf8'),
) as Record<string, string>;

const KEYS = { reader: 'sdk-reader-key-3c9e1a', writer: 'sdk-writer-key-8d20f7' };
const apiKeys = JSON.stringify([
  { name: 'dashboards', keySha256: sha256Hex(KEYS.reader), scopes: ['read'] },
  { name: 'bot-console', keySha256: sha256Hex(KEYS.writer), scopes: ['read', 'write'] },
]);
const agentId = sandboxCredentials.avaamoAgents[0]!.id;
const DAY_MS = 24 * 60 * 60 * 1000;

/** What each client put on the wire. */
let sent: Record<string, unknown>[];
const recordingFetch: typeof fetch = async (input, init) => {
  sent.push(JSON.parse(String(init?.body)) as Record<string, unknown>);
  return fetch(input, init);
};

describe('the SDK against a gateway running only its trusted documents, behind API keys', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { PERSISTED_OPERATIONS: 'only', GATEWAY_API_KEYS: apiKeys } });
  });
  afterAll(() => stack.close());
  beforeEach(async () => {
    sent = [];
    await stack.resetStats();
  });

  const reader = () => createCxClient({ url: stack.url, apiKey: KEYS.reader, send: 'documentId', fetch: recordingFetch });
  const writer = () => createCxClient({ url: stack.url, apiKey: KEYS.writer, send: 'documentId', fetch: recordingFetch });

  it('runs every SDK query by documentId alone, each id a key of the generated allow-list', async () => {
    const client = reader();
    const now = Date.now();
    const start = new Date(now - 20 * DAY_MS).toISOString();
    const end = new Date(now).toISOString();

    const dashboard = await client.request(DashboardDocument, { start: new Date(now - 7 * DAY_MS).toISOString(), end });
    expect(dashboard.agents.nodes.map((agent) => agent.agentId)).toEqual(sandboxCredentials.avaamoAgents.map((agent) => agent.id));
    const agents = await client.request(AgentsDocument, { first: 2 });
    expect(agents.agents.nodes).toHaveLength(2);
    const messages = await client.request(AgentMessagesDocument, { agentId, first: 3 });
    expect(messages.agent!.messages!.nodes).toHaveLength(3);
    const unhandled = await client.request(UnhandledMessagesDocument, { agentId, from: start, first: 3 });
    const sms = await client.request(SmsRecordsDocument, { agentId, first: 3 });
    const contacts = await client.request(ContactsDocument, { status: 'UNATTENDED', first: 5 });
    expect(contacts.contacts!.nodes).toHaveLength(5);
    const stats = await client.request(AgentConversationStatsDocument, { start, end, first: 5 });
    const training = await client.request(BotTrainingDocument, { agentId, from: start, clusters: 3 });
    // Each total is the sandbox's own answer to the same question.
    // (20 days, which the gateway reads in 7-day windows; the sandbox answers them in one request.)
    const unhandledTotal = await stack.upstream<{ total_entries: number }>(`/bots/analytics/${agentId}/unhandled_messages.json`, {
      from_timetoken: Math.floor(Date.parse(start) / 1000),
      page: 1,
      per_page: 1,
    });
    expect(unhandled.agent!.unhandledMessages!.totalCount).toBe(unhandledTotal.total_entries);
    expect(sms.agent!.smsRecords!.totalCount).toBe(await upstreamTotals.smsRecords(stack, agentId));
    expect(stats.agentConversationStats!.totalConversations).toBe(await upstreamTotals.conversations(stack, start, end));

    const smsSince = stack.sandbox.dataset.avaamo.agents[agentId]!.smsRecords.filter((record) => record.created_at * 1000 >= Date.parse(start));
    expect(training.agent!.smsDeliveryStats!.total).toBe(smsSince.length);
    expect(training.agent!.unhandledQueryClusters!.nodes).toHaveLength(3);

    expect(sent).toHaveLength(8);
    for (const body of sent) {
      expect(body.query).toBeUndefined();
      expect(Object.keys(persisted)).toContain(body.documentId);
    }
    // Paging by id works too: every page is a trusted document.
    const all: string[] = [];
    for await (const contact of client.paginate(ContactsDocument, { status: 'UNATTENDED', first: 50 }, (data) => data.contacts)) {
      all.push(contact.id);
    }
    expect(all).toHaveLength(contacts.contacts!.totalCount);
  });

  it('posts with a write key; a read key gets FORBIDDEN surfaced by CxGatewayError, posting nothing', async () => {
    const { agent } = await reader().request(AgentMessagesDocument, { agentId, first: 1 });
    const conversationUuid = agent!.messages!.nodes[0]!.conversation!.uuid;
    await stack.resetStats();

    const input = { agentId, conversationUuid, text: 'Posted by id.', clientMutationId: 'trusted-1' };
    const refused = await failureOf(reader().request(PostAgentMessageDocument, { input }));
    expect(refused.codes).toEqual(['FORBIDDEN']);
    expect(refused.errors[0]!.path).toEqual(['postAgentMessage']);
    expect((await stack.stats()).total).toBe(0);

    const posted = await writer().request(PostAgentMessageDocument, { input });
    expect(posted.postAgentMessage).toEqual({ success: true, clientMutationId: 'trusted-1' });
    expect((await stack.stats()).byRoute).toEqual({ 'POST /bots_api/v1/messages.json': 1 });
  });

  it('refuses an ad-hoc query, and the SDK sending text, with PERSISTED_QUERY_ONLY and no upstream call', async () => {
    const adHoc = await postGraphQL(stack.url, { query: '{ agents { totalCount } }' }, { authorization: `Bearer ${KEYS.reader}` });
    expect(adHoc.status).toBe(400);
    expect(adHoc.errors?.map((error) => error.extensions?.code)).toEqual(['PERSISTED_QUERY_ONLY']);

    const asText = createCxClient({ url: stack.url, apiKey: KEYS.reader });
    const refused = await failureOf(asText.request(AgentsDocument, { first: 1 }));
    expect(refused.status).toBe(400);
    expect(refused.codes).toEqual(['PERSISTED_QUERY_ONLY']);

    const unknown = await postGraphQL(stack.url, { documentId: 'f'.repeat(64) }, { authorization: `Bearer ${KEYS.reader}` });
    expect(unknown.errors?.map((error) => error.extensions?.code)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect((await stack.stats()).total).toBe(0);
  });

  it('still needs a key: the SDK without one gets UNAUTHENTICATED', async () => {
    const anonymous = createCxClient({ url: stack.url, send: 'documentId' });
    const refused = await failureOf(anonymous.request(AgentsDocument, { first: 1 }));
    expect(refused.status).toBe(401);
    expect(refused.codes).toEqual(['UNAUTHENTICATED']);
  });
});
