const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * What GraphiQL opens with: the query a support dashboard sends, dated from
 * the moment the gateway started (Rocket.Chat refuses ranges over a year).
 */
export function exampleQuery(now: Date): string {
  const weekAgo = new Date(now.getTime() - 7 * DAY_MS).toISOString();
  const end = now.toISOString();
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
