import { sandboxCredentials } from '../src/sandbox/credentials.js';

/** One GraphQL response as a client of the replicas sees it. */
export interface Answer {
  status: number;
  body: { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> };
}

export async function post(url: string, body: string, signal?: AbortSignal): Promise<Answer> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, ...(signal ? { signal } : {}) });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

const agents = sandboxCredentials.avaamoAgents.map((agent) => agent.id);
const body = (query: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query, variables });

/**
 * What dashboards behind a load balancer send: 31 distinct operations over
 * every upstream (each agent's lists, the live queue, conversation stats of a
 * few ranges, SMS windows), repeated in turn up to `count`: 31, so that sent
 * round-robin each one reaches every replica. Distinct operations share
 * upstream pages (the same agent's SMS report, the queue's first Vambe page),
 * as real dashboards do.
 */
export function replicaOperations(now: number, count: number): string[] {
  const day = 24 * 3600 * 1000;
  const iso = (at: number) => new Date(Math.floor(at / 1000) * 1000).toISOString();
  const distinct: string[] = [];
  for (const agentId of agents.slice(0, 5)) {
    distinct.push(
      body(`query($agentId: Int!) { agent(agentId: $agentId) { name unhandledMessages(first: 10) { totalCount nodes { content } } smsRecords(first: 10) { totalCount nodes { status } } } }`, { agentId }),
      body(`query($agentId: Int!) { agent(agentId: $agentId) { messages(first: 10) { nodes { uuid content } } } }`, { agentId }),
      body(`query($agentId: Int!, $from: DateTime!) { agent(agentId: $agentId) { smsRecords(first: 5, from: $from) { totalCount nodes { toPhone } } } }`, { agentId, from: iso(now - 2 * day) }),
    );
  }
  for (const status of ['UNATTENDED', 'ATTENDED', 'AI_ATTENDED']) {
    distinct.push(body(`query($status: ContactStatus!) { contacts(status: $status, first: 20) { totalCount nodes { name waitingTime } } }`, { status }));
    distinct.push(body(`query($status: ContactStatus!) { contacts(status: $status, first: 5) { nodes { id } } }`, { status }));
  }
  for (const days of [1, 7, 14, 28]) {
    distinct.push(
      body(`query($start: DateTime!, $end: DateTime!) { agentConversationStats(start: $start, end: $end) { totalConversations nodes { agentName conversationCount } } }`, {
        start: iso(now - days * day),
        end: iso(now),
      }),
    );
  }
  distinct.push(
    body(`query($agentId: Int!) { agent(agentId: $agentId) { unhandledMessages(first: 50) { nodes { content createdAt } } } }`, { agentId: agents[0] }),
    body(`query { agents(first: 5) { nodes { agentId unhandledMessages(first: 3) { totalCount } } } contacts(status: UNATTENDED, first: 3) { totalCount } }`),
    body(`query($start: DateTime!, $end: DateTime!) { agents(first: 2) { nodes { name smsRecords(first: 10) { totalCount } } } agentConversationStats(start: $start, end: $end) { totalConversations } }`, {
      start: iso(now - 7 * day),
      end: iso(now),
    }),
  );
  return Array.from({ length: count }, (_, index) => distinct[index % distinct.length]!);
}
