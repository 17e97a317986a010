import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sandboxCredentials } from '../../src/sandbox/credentials.js';
import { agentIds, errorAt, isoFromSeconds, startStack, type Stack } from '../helpers.js';

interface WireAgent {
  agent: {
    id: number;
    display_name: string;
    description: string;
    created_at: number;
    updated_at: number;
    skills: { id: number; name: string; type: string; status: string }[];
    language_packs: { language: string; default: boolean }[];
  };
}

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.resetStats());

const AGENT = /* GraphQL */ `
  query Agent($agentId: Int!) {
    agent(agentId: $agentId) { id agentId name description createdAt updatedAt skills { id name type status } languages }
  }
`;

describe('agents', () => {
  it('lists the configured agents without asking any upstream', async () => {
    const { data, errors } = await stack.execute<{
      agents: { totalCount: number; nodes: { agentId: number }[]; pageInfo: { hasNextPage: boolean } };
    }>(`{ agents(first: 3) { totalCount nodes { agentId } pageInfo { hasNextPage } } }`);
    expect(errors).toBeUndefined();
    expect(data!.agents.totalCount).toBe(sandboxCredentials.avaamoAgents.length);
    expect(data!.agents.nodes.map((node) => node.agentId)).toEqual(agentIds.slice(0, 3));
    expect(data!.agents.pageInfo.hasNextPage).toBe(true);
    expect((await stack.stats()).total).toBe(0);
  });

  it('returns an agent with the details API fields', async () => {
    const agentId = agentIds[1]!;
    const wire = (await stack.upstream<WireAgent>(`/api/v1/agents/${agentId}.json`)).agent;
    await stack.resetStats();
    const { data, errors } = await stack.execute<{ agent: Record<string, unknown> }>(AGENT, { agentId });
    expect(errors).toBeUndefined();
    expect(data!.agent).toMatchObject({
      agentId,
      name: wire.display_name,
      description: wire.description,
      createdAt: isoFromSeconds(wire.created_at),
      updatedAt: isoFromSeconds(wire.updated_at),
      skills: wire.skills.map((skill) => ({ id: String(skill.id), name: skill.name, type: skill.type, status: skill.status })),
    });
    const languages = data!.agent.languages as string[];
    expect([...languages].sort()).toEqual(wire.language_packs.map((pack) => pack.language).sort());
    expect(languages[0]).toBe(wire.language_packs.find((pack) => pack.default)?.language);
    expect((await stack.stats()).byRoute).toEqual({ 'GET /api/v1/agents/{id}.json': 1 });
  });

  it('refetches an agent by its global id, alone and in nodes()', async () => {
    const { data } = await stack.execute<{ agent: { id: string; name: string } }>(AGENT, { agentId: agentIds[2] });
    const refetched = await stack.execute<{ node: { id: string; name: string }; nodes: Array<{ agentId: number } | null> }>(
      `query($id: ID!, $ids: [ID!]!) { node(id: $id) { id ... on Agent { name } } nodes(ids: $ids) { ... on Agent { agentId } } }`,
      { id: data!.agent.id, ids: [data!.agent.id] },
    );
    expect(refetched.errors).toBeUndefined();
    expect(refetched.data!.node).toEqual({ id: data!.agent.id, name: data!.agent.name });
    expect(refetched.data!.nodes).toEqual([{ agentId: agentIds[2] }]);
  });

  it('answers NOT_FOUND for an agent the gateway is not configured for, and asks nothing', async () => {
    const response = await stack.execute(AGENT, { agentId: 123456 });
    expect(response.data).toEqual({ agent: null });
    expect(errorAt(response, ['agent'])?.extensions?.code).toBe('NOT_FOUND');
    expect((await stack.stats()).total).toBe(0);
  });
});
