import { builder } from './builder.js';
import type { Context } from '../context.js';
import { FreshnessTracker } from './freshness.js';
import { arrayConnection, parsePagingArgs, type ConnectionArgs } from './pagination.js';
import { checkRange, checkSpan } from './time-range.js';

/**
 * Rocket.Chat refuses ranges over a year (measured between start-of-day
 * values, up to 1.01 years); 366 whole days is always within that.
 */
const MAX_RANGE_DAYS = 366;

interface AgentConversationStatShape {
  agentName: string;
  conversationCount: number;
  share: number;
}

export const AgentConversationStat = builder.objectRef<AgentConversationStatShape>('AgentConversationStat').implement({
  description: 'Conversations handled by one human agent in the requested range (Rocket.Chat Omnichannel).',
  fields: (t) => ({
    agentName: t.exposeString('agentName', {
      description:
        "The agent's display name, or its raw user id when the user has no name or is gone. Two agents with the same name are two rows.",
    }),
    conversationCount: t.exposeInt('conversationCount', {
      description: 'Omnichannel rooms created in the range and currently served by this agent.',
    }),
    share: t.exposeFloat('share', { description: 'conversationCount / totalConversations of the range, 0..1.' }),
  }),
});

const AgentConversationStatOrder = builder.enumType('AgentConversationStatOrder', {
  description: 'How agentConversationStats rows are ordered.',
  values: {
    CONVERSATION_COUNT_DESC: { description: 'Busiest agents first; ties by name.' },
    AGENT_NAME_ASC: { description: 'By name, as Rocket.Chat orders them.' },
  } as const,
});

builder.queryField('agentConversationStats', (t) =>
  t.connection(
    {
      type: AgentConversationStat,
      nullable: true,
      description:
        'Omnichannel conversations per human agent in a time range (Rocket.Chat). Counts rooms created in [start, end), open or closed. A range over 366 days is refused (Rocket.Chat allows a year); Rocket.Chat itself caches answers for 60 s.',
      args: {
        start: t.arg({ type: 'DateTime', required: true, description: 'Start of the range (inclusive).' }),
        end: t.arg({ type: 'DateTime', required: true, description: 'End of the range (exclusive).' }),
        orderBy: t.arg({ type: AgentConversationStatOrder, defaultValue: 'CONVERSATION_COUNT_DESC', description: 'Row order; busiest first unless said.' }),
      },
      resolve: (_root, args, context) => agentConversationStatsConnection(args, context),
    },
    {
      name: 'AgentConversationStatConnection',
      fields: (tc) => ({
        unspecifiedCount: tc.int({
          description: 'Conversations in the range that no agent ever served (queued or abandoned).',
          resolve: (connection) => connection.unspecifiedCount,
        }),
        totalConversations: tc.int({
          description: 'Conversations in the range served by some agent (Rocket.Chat\'s total; excludes unspecified).',
          resolve: (connection) => connection.totalConversations,
        }),
      }),
    },
    { name: 'AgentConversationStatEdge' },
  ),
);

/** Rocket.Chat's conversations per agent for the range, ordered here and paged. */
async function agentConversationStatsConnection(args: { start: Date; end: Date; orderBy?: 'CONVERSATION_COUNT_DESC' | 'AGENT_NAME_ASC' | null } & ConnectionArgs, context: Context) {
  const cursors = context.paging.cursors.list('agentConversationStats', {
    start: args.start,
    end: args.end,
    orderBy: args.orderBy,
  });
  // Refused here rather than by Rocket.Chat: a bad range or cursor costs no call and no budget token.
  checkRange(args.start, args.end, 'start', 'end');
  checkSpan(args.start, args.end, MAX_RANGE_DAYS, 'start', 'end');
  const paging = parsePagingArgs(args, cursors);
  const answer = await context.loaders.rocketchat.conversationsByAgent.read({ start: args.start, end: args.end });
  // Rocket.Chat sends no time of its own: the report is as of its fetch.
  const freshness = new FreshnessTracker();
  freshness.noteAnswer(answer);
  const report = answer.value;
  const rows = report.data.map((row) => ({
    agentName: row.label,
    conversationCount: row.value,
    share: report.total > 0 ? row.value / report.total : 0,
  }));
  // Ordered here, not upstream, so every order is served by one cached answer.
  rows.sort((a, b) =>
    args.orderBy === 'AGENT_NAME_ASC'
      ? a.agentName.localeCompare(b.agentName)
      : b.conversationCount - a.conversationCount || a.agentName.localeCompare(b.agentName),
  );
  return {
    ...arrayConnection(paging, cursors, rows),
    unspecifiedCount: report.unspecified,
    totalConversations: report.total,
    freshness,
  };
}
