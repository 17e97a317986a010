/**
 * A small Relay operation set, as a Relay app would write it, that
 * relay-compiler validates against schema/schema.graphql
 * (test/relay/relay-compiler.test.ts): a paginated @connection on a
 * @refetchable fragment, and a @refetchable fragment on a Node refetched
 * through node(id). The local tag only keeps TypeScript content; the
 * compiler reads the templates from source.
 */
const graphql = (strings: TemplateStringsArray): string => strings.join('');

export const agentQuery = graphql`
  query RelayPagingAgentQuery($agentId: Int!) {
    agent(agentId: $agentId) {
      name
      ...RelayPaging_agent
    }
  }
`;

export const agentMessages = graphql`
  fragment RelayPaging_agent on Agent
  @refetchable(queryName: "RelayPagingAgentMessagesPaginationQuery")
  @argumentDefinitions(count: { type: "Int", defaultValue: 25 }, cursor: { type: "String" }) {
    messages(first: $count, after: $cursor) @connection(key: "RelayPaging_agent_messages") {
      totalCount
      edges {
        node {
          ...RelayPaging_message
        }
      }
    }
  }
`;

export const messageDetails = graphql`
  fragment RelayPaging_message on Message @refetchable(queryName: "RelayPagingMessageRefetchQuery") {
    uuid
    content
    createdAt
    sender {
      firstName
    }
  }
`;

export const contactsQuery = graphql`
  query RelayPagingContactsQuery($count: Int!, $cursor: String) {
    ...RelayPaging_contacts @arguments(count: $count, cursor: $cursor)
  }
`;

export const contacts = graphql`
  fragment RelayPaging_contacts on Query
  @refetchable(queryName: "RelayPagingContactsPaginationQuery")
  @argumentDefinitions(count: { type: "Int", defaultValue: 50 }, cursor: { type: "String" }) {
    contacts(status: UNATTENDED, first: $count, after: $cursor) @connection(key: "RelayPaging_contacts") {
      edges {
        node {
          id
          name
          waitingTime
        }
      }
    }
  }
`;
