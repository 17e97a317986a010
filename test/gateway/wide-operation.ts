import { expect } from 'vitest';
import { sandboxCredentials } from '../../src/sandbox/credentials.js';
import { agentIds, errorAt, type GraphQLResponse, type Stack } from '../helpers.js';

/** An operation over two upstreams, for tests that break Vambe's contacts and watch the rest. */
export const WIDE = /* GraphQL */ `
  query Wide($agentId: Int!) {
    agents { totalCount }
    agent(agentId: $agentId) { agentId name }
    contacts(status: UNATTENDED, first: 2) { totalCount }
  }
`;
export interface WideData {
  agents: { totalCount: number };
  agent: { agentId: number; name: string | null } | null;
  contacts: { totalCount: number } | null;
}

export const CONTACTS_ROUTE = 'GET /api/public/analytics/contacts/by-status';

/** The contacts field failed with `code`; everything else in WIDE (for the first agent) resolved to the sandbox's data. */
export function expectOnlyContactsFailed(stack: Stack, response: GraphQLResponse<WideData>, code: string) {
  expect(response.status).toBe(200);
  expect(response.errors).toHaveLength(1);
  expect(errorAt(response, ['contacts'])?.extensions).toMatchObject({ code, upstream: 'vambe' });
  const name = stack.sandbox.dataset.avaamo.agents[agentIds[0]!]!.details.display_name;
  expect(response.data).toEqual({ agents: { totalCount: agentIds.length }, agent: { agentId: agentIds[0], name }, contacts: null });
  expect(JSON.stringify(response)).not.toContain(sandboxCredentials.vambeApiKey);
}
