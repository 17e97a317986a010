import type { UnhandledMessageWire } from '../upstreams/avaamo/types.js';
import { fromEpochSeconds } from '../upstreams/time.js';
import { Agent } from './agent.js';
import { agentEntryConnection, formatEntryKey, pinnedConnectionDescription, refetchEntry, type AgentEntry } from './avaamo-entries.js';
import { builder } from './builder.js';
import { checkRangeEndingNow } from './time-range.js';
import { rangeCost } from './range-cost.js';

export const UnhandledMessage = builder.node(builder.objectRef<AgentEntry<UnhandledMessageWire>>('UnhandledMessage'), {
  description: 'A user query the agent could not handle (Avaamo analytics).',
  id: {
    resolve: ({ agentId, wire }) => formatEntryKey({ agentId, uuid: wire.message_uuid, createdAt: wire.created_at }),
  },
  loadOne: (id, context) =>
    refetchEntry(
      id,
      'UnhandledMessage',
      context.agentIds,
      (agentId, window) => context.loaders.avaamo.unhandledMessagesPage.load({ agentId, ...window }),
      (wire) => wire.message_uuid,
    ),
  fields: (t) => ({
    messageUuid: t.string({ description: 'The uuid of the user message (Message.uuid).', resolve: ({ wire }) => wire.message_uuid }),
    content: t.string({ description: 'What the user wrote.', resolve: ({ wire }) => wire.content }),
    score: t.float({ nullable: true, description: 'Intent match score, 0..1.', resolve: ({ wire }) => wire.score ?? null }),
    intentType: t.string({ nullable: true, description: 'e.g. UNHANDLED::INTENT', resolve: ({ wire }) => wire.intent_type ?? null }),
    intentName: t.string({ nullable: true, description: 'The closest intent Avaamo matched, if any.', resolve: ({ wire }) => wire.intent_name ?? null }),
    channel: t.string({ nullable: true, description: 'The channel it came through, e.g. web.', resolve: ({ wire }) => wire.channel_name ?? null }),
    createdAt: t.field({ type: 'DateTime', description: 'When the user wrote it.', resolve: ({ wire }) => fromEpochSeconds(wire.created_at) }),
    user: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The user as Avaamo sends it; its first_name is often a numeric user id, not a name.',
      resolve: ({ wire }) => wire.user ?? null,
    }),
  }),
});

builder.objectField(Agent, 'unhandledMessages', (t) =>
  t.connection(
    {
      complexity: rangeCost.unhandledMessages,
      type: UnhandledMessage,
      nullable: true,
      description:
        'User queries the agent could not handle, newest first. Without `from`, Avaamo\'s default window applies: the 3 days before `to` (default now); `from` must not be after `to`, nor, without `to`, in the future.',
      args: {
        from: t.arg({ type: 'DateTime', description: 'Start of the range (inclusive).' }),
        to: t.arg({ type: 'DateTime', description: 'End of the range (inclusive); default now.' }),
      },
      resolve: (agent, args, context) => {
        const filters = { from: args.from ?? undefined, to: args.to ?? undefined };
        checkRangeEndingNow(filters.from, filters.to, 'from', 'to');
        return agentEntryConnection({
          list: 'unhandledMessages',
          agentId: agent.agentId,
          filters,
          args,
          cursors: context.paging.cursors,
          span: { from: filters.from, to: filters.to, names: ['from', 'to'] },
          source: context.loaders.avaamo.lists.unhandledMessages({ agentId: agent.agentId, ...filters }),
        });
      },
    },
    { name: 'UnhandledMessageConnection', description: pinnedConnectionDescription('unhandled messages', ' Avaamo stamps these in whole seconds, so one created within the second of the first page can still shift later pages by one.') },
    { name: 'UnhandledMessageEdge' },
  ),
);
