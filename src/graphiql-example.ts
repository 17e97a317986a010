const DAY_MS = 24 * 60 * 60 * 1000;

/** One GraphiQL tab, as Yoga's `graphiql.defaultTabs` takes it (variables as JSON text). */
export interface ExampleTab {
  query: string;
  variables: string;
}

/**
 * The tabs GraphiQL opens with: what a support team starts from. Dates are
 * relative to `now` (each page load), so "the last day" stays the last day.
 * `agentId` is one the gateway serves, so every tab answers as it stands.
 */
export function exampleTabs(now: Date, agentId: number): ExampleTab[] {
  const dayAgo = new Date(now.getTime() - DAY_MS).toISOString();
  const weekAgo = new Date(now.getTime() - 7 * DAY_MS).toISOString();
  const monthAgo = new Date(now.getTime() - 30 * DAY_MS).toISOString();
  const end = now.toISOString();
  const variables = (values: Record<string, unknown>) => JSON.stringify(values, null, 2);
  return [
    { query: dashboardQuery(weekAgo, end), variables: '' },
    {
      query: /* GraphQL */ `# The live queue: contacts no human has taken yet, longest waiting first.
# waitingTime is in seconds. For the next page, set "after" to pageInfo.endCursor.
query LiveQueue($after: String) {
  contacts(status: UNATTENDED, first: 25, after: $after) {
    totalCount
    nodes { name platform waitingTime createdAt assignedAgents { name } }
    pageInfo { hasNextPage endCursor }
  }
}
`,
      variables: variables({ after: null }),
    },
    {
      query: /* GraphQL */ `# The live queue as it moves. A subscription: GraphiQL keeps
# it open and shows each event as it comes (■ stops it).
# First the 10 longest waiting; then who entered, left or
# crossed the SLA, with the queue's figures, as it changes.
# On the sandbox, contacts arrive and get attended on their
# own; POST /__sandbox/contacts adds some now (README).
subscription WatchQueue($slaSeconds: Int) {
  contactQueue(status: UNATTENDED, slaSeconds: $slaSeconds, first: 10) {
    asOf
    contacts { id name platform waitingTime waitingSince }
    entered { id name platform waitingTime }
    left
    breached { id name waitingTime }
    summary {
      count longestWaitSeconds medianWaitSeconds p90WaitSeconds
      breachedCount unassignedCount
      byAssignedAgent { teamMember { name } count }
    }
  }
}
`,
      variables: variables({ slaSeconds: 3600 }),
    },
    {
      query: /* GraphQL */ `# SMS the carrier refused in the last day, per agent, with its reason.
# "since" is an ISO-8601 instant (UTC); the gateway filled in 24 hours ago.
query FailedSmsLastDay($since: DateTime!) {
  agents(first: 10) {
    nodes {
      agentId
      name
      smsRecords(status: FAILED, from: $since, first: 50) {
        totalCount
        nodes { toPhone toPhoneE164 message statusResponse createdAt }
      }
    }
  }
}
`,
      variables: variables({ since: dayAgo }),
    },
    {
      query: /* GraphQL */ `# What users asked that one agent could not handle this week, newest first.
# score is the best intent match, 0..1.
query UnhandledQueries($agentId: Int!, $from: DateTime) {
  agent(agentId: $agentId) {
    name
    unhandledMessages(from: $from, first: 25) {
      totalCount
      nodes { content channel intentName score createdAt }
      pageInfo { hasNextPage endCursor }
    }
  }
}
`,
      variables: variables({ agentId, from: weekAgo }),
    },
    {
      query: /* GraphQL */ `# Posting a message as the agent, in two steps:
# 1. Run LatestConversations (▶ offers both operations; it is below) and copy a
#    conversation uuid.
# 2. Paste it as "conversationUuid" in Variables and run PostMessage. It really posts.
mutation PostMessage($agentId: Int!, $conversationUuid: String!, $text: String!) {
  postAgentMessage(input: { agentId: $agentId, conversationUuid: $conversationUuid, text: $text }) {
    success
  }
}

query LatestConversations($agentId: Int!) {
  agent(agentId: $agentId) {
    messages(first: 5) {
      nodes { content createdAt conversation { uuid displayName } }
    }
  }
}
`,
      variables: variables({ agentId, conversationUuid: 'paste a conversation uuid here', text: 'A colleague will call you back today.' }),
    },
    { query: botTrainingQuery(), variables: variables({ agentId, from: monthAgo }) },
  ];
}

/** What to teach the bot next: what it did not understand, grouped, and how its SMS fared. */
function botTrainingQuery(): string {
  return /* GraphQL */ `# What users asked this agent that it did not understand, grouped however they
# worded it (most asked first), and why its SMS failed: what to train next.
# Both read the whole range, 7 days per Avaamo request; asOf says how fresh.
query BotTraining($agentId: Int!, $from: DateTime) {
  agent(agentId: $agentId) {
    name
    unhandledQueryClusters(from: $from, first: 10) {
      queryCount
      complete
      asOf
      nodes {
        representative
        count
        share
        lastSeen
        channels
        examples(first: 3) { content channel createdAt }
      }
    }
    smsDeliveryStats(from: $from) {
      total
      delivered
      failed
      undelivered
      deliveryRate
      complete
      asOf
      stale
      failuresByReason { reason count retryable }
    }
  }
}
`;
}

/** A support dashboard in one request, over the week before `end`. */
function dashboardQuery(weekAgo: string, end: string): string {
  return /* GraphQL */ `# A support dashboard in one request. Press ▶ to run it.
query Dashboard {
  agents(first: 3) {
    totalCount
    nodes {
      agentId
      name
      unhandledMessages(first: 5) {
        totalCount
        nodes { content channel createdAt }
      }
      failedSms: smsRecords(status: FAILED, first: 5) {
        totalCount
        nodes { toPhone statusResponse createdAt }
      }
      messages(since: "${weekAgo}", first: 3) {
        nodes { content contentType createdAt conversation { uuid displayName } }
      }
    }
  }
  queue: contacts(status: UNATTENDED, first: 10) {
    totalCount
    nodes { name platform waitingTime assignedAgents { name } }
  }
  agentConversationStats(start: "${weekAgo}", end: "${end}", first: 5) {
    totalConversations
    unspecifiedCount
    nodes { agentName conversationCount share }
  }
}
`;
}
