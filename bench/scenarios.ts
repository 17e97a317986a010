import { sandboxCredentials } from '../src/sandbox/credentials.js';

/** One GraphQL request body, as autocannon sends it. */
export type Body = string;

export interface Scenario {
  id: number;
  name: string;
  /**
   * One run of the scenario against a gateway: sends what it needs and
   * returns the bodies it sent, which the load phase then replays.
   */
  run(url: string): Promise<Body[]>;
}

const agents = sandboxCredentials.avaamoAgents.map((agent) => agent.id);

export async function post(url: string, body: Body): Promise<{ data?: unknown; errors?: Array<{ message: string }> }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const json = (await response.json()) as { data?: unknown; errors?: Array<{ message: string }> };
  if (json.errors?.length) throw new Error(`bench operation failed: ${json.errors.map((error) => error.message).join('; ')}`);
  return json;
}

const body = (query: string, variables: Record<string, unknown> = {}): Body => JSON.stringify({ query, variables });

const once = (make: () => Body) => async (url: string) => {
  const sent = make();
  await post(url, sent);
  return [sent];
};

/** Fixed once per bench: a dashboard's "last 7 days" is one range for all its users. */
export function scenarios(now: number): Scenario[] {
  const end = new Date(now).toISOString();
  const start = new Date(now - 7 * 24 * 3600 * 1000).toISOString();
  const dashboard = body(
    `query Dashboard($start: DateTime!, $end: DateTime!) {
      agents(first: 5) { nodes {
        agentId
        unhandledMessages(first: 10) { totalCount nodes { content createdAt } }
        smsRecords(first: 10) { totalCount nodes { status toPhone } }
      } }
      contacts(status: UNATTENDED, first: 20) { totalCount nodes { name waitingTime } }
      agentConversationStats(start: $start, end: $end) { totalConversations nodes { agentName conversationCount } }
    }`,
    { start, end },
  );
  const unhandled = body(
    `query($agentId: Int!) { agent(agentId: $agentId) { unhandledMessages(first: 10) { nodes { content createdAt } } } }`,
    { agentId: agents[0] },
  );
  const aliases = body(
    `query($agentId: Int!) { agent(agentId: $agentId) {
      a: unhandledMessages(first: 10) { nodes { content } }
      b: unhandledMessages(first: 10) { nodes { content } }
    } }`,
    { agentId: agents[0] },
  );
  const page = (after: string | null) =>
    body(
      `query($agentId: Int!, $after: String) { agent(agentId: $agentId) {
        messages(first: 25, after: $after) { pageInfo { endCursor hasNextPage } nodes { uuid content } }
      } }`,
      { agentId: agents[0], after },
    );

  return [
    { id: 1, name: "one agent's first 10 unhandled messages", run: once(() => unhandled) },
    { id: 2, name: 'dashboard: 5 agents × 2 lists, contacts, 7-day stats', run: once(() => dashboard) },
    { id: 3, name: 'the same field twice under aliases', run: once(() => aliases) },
    {
      id: 4,
      name: '50 concurrent identical dashboards (cold)',
      run: async (url) => {
        await Promise.all(Array.from({ length: 50 }, () => post(url, dashboard)));
        return [dashboard];
      },
    },
    {
      id: 5,
      name: 'paging through 1,000 messages, 25 at a time',
      run: async (url) => {
        const sent: Body[] = [];
        let after: string | null = null;
        for (let index = 0; index < 40; index++) {
          const request = page(after);
          sent.push(request);
          const { data } = await post(url, request);
          const info = (data as { agent: { messages: { pageInfo: { endCursor: string | null } } } }).agent.messages.pageInfo;
          after = info.endCursor;
        }
        return sent;
      },
    },
  ];
}
