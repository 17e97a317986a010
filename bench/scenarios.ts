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

export const body = (query: string, variables: Record<string, unknown> = {}): Body => JSON.stringify({ query, variables });

const once = (make: () => Body) => async (url: string) => {
  const sent = make();
  await post(url, sent);
  return [sent];
};

/**
 * The dashboard of issue 11, exactly: 5 agents × (unhandled first 10 + SMS
 * first 10), the live queue (contacts UNATTENDED first 50), and who handled
 * how many conversations (agentConversationStats first 100) over 7 days.
 */
export const DASHBOARD_QUERY = `query Dashboard($start: DateTime!, $end: DateTime!) {
  agents(first: 5) { nodes { agentId name
    unhandledMessages(first: 10) { totalCount nodes { content channel createdAt } }
    failedSms: smsRecords(status: FAILED, first: 10) { totalCount nodes { toPhone statusResponse createdAt } } } }
  queue: contacts(status: UNATTENDED, first: 50) { totalCount nodes { name platform waitingTime assignedAgents { name } } }
  agentConversationStats(start: $start, end: $end, first: 100) { totalConversations unspecifiedCount nodes { agentName conversationCount share } }
}`;

/** One agent's first 10 unhandled messages (scenario 1). */
export const UNHANDLED_QUERY = `query($agentId: Int!) { agent(agentId: $agentId) { unhandledMessages(first: 10) { nodes { content createdAt } } } }`;

/** The dashboard's variables: a "last 7 days" fixed once per bench, one range for all its users. */
export const dashboardVariables = (now: number) => ({
  start: new Date(now - 7 * 24 * 3600 * 1000).toISOString(),
  end: new Date(now).toISOString(),
});

export function scenarios(now: number): Scenario[] {
  const dashboard = body(DASHBOARD_QUERY, dashboardVariables(now));
  const unhandled = body(UNHANDLED_QUERY, { agentId: agents[0] });
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
    { id: 2, name: 'dashboard: 5 agents × (unhandled 10 + failed SMS 10), contacts first 50, 7-day stats first 100', run: once(() => dashboard) },
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
