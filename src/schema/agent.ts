import type { Context } from '../context.js';
import { fromEpochSeconds } from '../upstreams/time.js';
import { builder } from './builder.js';
import { gatewayFreshness } from './freshness.js';
import { agentNotServed, badUserInput } from './errors.js';
import { resolveArrayConnection } from './pagination.js';

export interface AgentShape {
  agentId: number;
}

/**
 * An Avaamo agent (bot). Loading one costs no upstream call: the gateway
 * serves only its configured agents, and the agent's own details are fetched
 * only when a detail field is selected.
 */
export const Agent = builder.loadableNode('Agent', {
  description: 'An Avaamo agent (virtual assistant), one of those configured on this gateway.',
  id: {
    resolve: (agent) => agent.agentId,
    parse: (id) => {
      const agentId = Number(id);
      if (!Number.isSafeInteger(agentId) || agentId <= 0) throw badUserInput('invalid Agent id');
      return agentId;
    },
  },
  load: async (agentIds: number[], context: Context): Promise<(AgentShape | Error)[]> =>
    agentIds.map((agentId) => (context.agentIds.includes(agentId) ? { agentId } : agentNotServed(agentId))),
  fields: (t) => {
    const details = (agent: AgentShape, context: Context) => context.loaders.avaamo.agentDetails.load(agent.agentId);
    return {
      agentId: t.exposeInt('agentId', { description: "Avaamo's numeric agent id (the bot id in the dashboard URL)." }),
      name: t.string({
        nullable: true,
        description: 'The display name from the agent details API (display_name).',
        resolve: async (agent, _args, context) => (await details(agent, context)).display_name ?? null,
      }),
      description: t.string({
        nullable: true,
        description: 'What the agent is for, as written in Avaamo (agent details API).',
        resolve: async (agent, _args, context) => (await details(agent, context)).description ?? null,
      }),
      createdAt: t.field({
        type: 'DateTime',
        nullable: true,
        description: 'When the agent was created in Avaamo.',
        resolve: async (agent, _args, context) => optionalDate((await details(agent, context)).created_at),
      }),
      updatedAt: t.field({
        type: 'DateTime',
        nullable: true,
        description: 'When the agent was last changed in Avaamo.',
        resolve: async (agent, _args, context) => optionalDate((await details(agent, context)).updated_at),
      }),
      skills: t.field({
        type: [AgentSkill],
        // Nullable (the sketch has [AgentSkill!]!): a failed details call must
        // not null the whole agent and its message lists with it.
        nullable: true,
        description: 'Skills the agent is built from.',
        resolve: async (agent, _args, context) => (await details(agent, context)).skills ?? [],
      }),
      languages: t.stringList({
        nullable: true,
        description: 'Languages of the agent (its language packs), the default first.',
        resolve: async (agent, _args, context) =>
          [...((await details(agent, context)).language_packs ?? [])]
            .sort((a, b) => Number(Boolean(b.default)) - Number(Boolean(a.default)))
            .map((pack) => pack.language),
      }),
    };
  },
});

function optionalDate(seconds: number | null | undefined): Date | null {
  return seconds === null || seconds === undefined ? null : fromEpochSeconds(seconds);
}

interface AgentSkillShape {
  id: number | string;
  name: string;
  type?: string | null;
  status?: string | null;
}

export const AgentSkill = builder.objectRef<AgentSkillShape>('AgentSkill').implement({
  description: 'A skill of an Avaamo agent (a dialog, Q&A or smalltalk skill).',
  fields: (t) => ({
    id: t.id({ description: "Avaamo's skill id.", resolve: (skill) => String(skill.id) }),
    name: t.exposeString('name', { description: 'The skill name shown in the Avaamo dashboard.' }),
    type: t.string({ nullable: true, description: 'The kind of skill as Avaamo names it, e.g. dialog, qna, smalltalk.', resolve: (skill) => skill.type ?? null }),
    status: t.string({ nullable: true, description: 'Whether the skill is in use, as Avaamo says it, e.g. active.', resolve: (skill) => skill.status ?? null }),
  }),
});

builder.queryFields((t) => ({
  agent: t.field({
    type: Agent,
    nullable: true,
    description: 'An Avaamo agent (virtual assistant) by its numeric agent id.',
    args: { agentId: t.arg.int({ required: true, description: "Avaamo's numeric agent id; one of the agents this gateway serves." }) },
    resolve: (_root, { agentId }) => agentId,
  }),
  agents: t.connection({
    type: Agent,
    description: 'The agents this gateway is configured for, in configuration order. Costs no upstream call.',
    resolve: (_root, args, context) =>
      Object.assign(
        resolveArrayConnection(
          args,
          context.paging.cursors.list('agents', {}),
          context.agentIds.map((agentId) => ({ agentId })),
        ),
        { freshness: gatewayFreshness() },
      ),
  }, { name: 'AgentConnection' }, { name: 'AgentEdge' }),
}));
