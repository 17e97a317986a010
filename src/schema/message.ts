import type { AgentMessageWire, AvaamoUser } from '../upstreams/avaamo/types.js';
import { fromEpochSeconds } from '../upstreams/time.js';
import { Agent } from './agent.js';
import { agentEntryConnection, formatEntryKey, pinnedConnectionDescription, refetchEntry, type AgentEntry } from './avaamo-entries.js';
import { builder } from './builder.js';
import { agentNotServed, badUserInput } from './errors.js';
import { checkRange } from './time-range.js';
import { rangeCost } from './range-cost.js';

export const MessageUser = builder.objectRef<AvaamoUser>('MessageUser').implement({
  description: 'A participant of an Avaamo conversation (a customer, a live agent or the bot).',
  fields: (t) => ({
    firstName: t.string({
      nullable: true,
      description: 'First name as Avaamo holds it; sometimes a numeric user id instead.',
      // Analytics sometimes sends a number here (a user id, CONTRACTS.md §7.8).
      resolve: (user) => (user.first_name === null || user.first_name === undefined ? null : String(user.first_name)),
    }),
    lastName: t.string({ nullable: true, description: 'Last name as Avaamo holds it.', resolve: (user) => user.last_name ?? null }),
    layerId: t.string({ nullable: true, description: "Avaamo's messaging-layer user id.", resolve: (user) => user.layer_id ?? null }),
    email: t.string({ nullable: true, description: 'Email address as Avaamo holds it.', resolve: (user) => user.email ?? null }),
    phone: t.string({
      nullable: true,
      description: 'The first phone number Avaamo holds for the user.',
      resolve: (user) => (Array.isArray(user.phone) ? (user.phone[0] ?? null) : (user.phone ?? null)),
    }),
    avaamoId: t.int({ nullable: true, description: "Avaamo's numeric user id.", resolve: (user) => user.avaamo_id ?? null }),
    device: t.field({
      type: DeviceInfo,
      nullable: true,
      description: 'The user\'s device; present only when the messages were read with includeDeviceInfo: true.',
      resolve: (user) => (user.user_agent === undefined && user.os_name === undefined ? null : user),
    }),
  }),
});

const DeviceInfo = builder.objectRef<AvaamoUser>('DeviceInfo').implement({
  description: 'The device an Avaamo user last wrote from.',
  fields: (t) => ({
    userAgent: t.string({ nullable: true, description: "The browser's or app's User-Agent string.", resolve: (user) => stringOrNull(user.user_agent) }),
    osName: t.string({ nullable: true, description: 'Operating system, e.g. Android.', resolve: (user) => stringOrNull(user.os_name) }),
    timeZone: t.string({ nullable: true, description: 'IANA time zone name, e.g. America/Chicago.', resolve: (user) => stringOrNull(user.time_zone) }),
    utcOffsetSeconds: t.int({
      nullable: true,
      description: 'Offset from UTC in seconds, as Avaamo reports it.',
      resolve: (user) => (typeof user.utc_offset === 'number' ? Math.round(user.utc_offset) : null),
    }),
  }),
});

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

const ReadReceipt = builder.objectRef<{ read_at: number; user?: AvaamoUser | null }>('ReadReceipt').implement({
  description: 'Someone having read a message.',
  fields: (t) => ({
    readAt: t.field({ type: 'DateTime', description: 'When it was read.', resolve: (receipt) => fromEpochSeconds(receipt.read_at) }),
    user: t.field({ type: MessageUser, nullable: true, description: 'Who read it.', resolve: (receipt) => receipt.user ?? null }),
  }),
});

const Conversation = builder
  .objectRef<NonNullable<AgentMessageWire['conversation']>>('Conversation')
  .implement({
    description: 'The Avaamo conversation a message belongs to.',
    fields: (t) => ({
      uuid: t.string({ description: 'The 32-hex conversation id (what postAgentMessage takes).', resolve: (c) => c.uuid }),
      displayName: t.string({ nullable: true, description: 'The conversation\'s title as Avaamo shows it, usually the user\'s name.', resolve: (c) => c.display_name ?? null }),
      locale: t.string({ nullable: true, description: 'The conversation\'s language, e.g. en-US.', resolve: (c) => c.locale ?? null }),
    }),
  });

const MessageSequence = builder.objectRef<{ index: number; total: number }>('MessageSequence').implement({
  description: 'Position of a response among the agent\'s responses to one user query (Avaamo "n/total").',
  fields: (t) => ({
    index: t.exposeInt('index', { description: 'This response\'s position, from 1.' }),
    total: t.exposeInt('total', { description: 'How many responses answer the query.' }),
  }),
});

function parseSequence(sequence: string | null | undefined) {
  const match = /^(\d+)\/(\d+)$/.exec(sequence ?? '');
  return match ? { index: Number(match[1]), total: Number(match[2]) } : null;
}

export const Message = builder.node(builder.objectRef<AgentEntry<AgentMessageWire>>('Message'), {
  description: 'A message of an Avaamo agent\'s conversations: a user\'s, the bot\'s or a live agent\'s.',
  id: {
    resolve: ({ agentId, wire }) => formatEntryKey({ agentId, uuid: wire.uuid, createdAt: wire.created_at }),
  },
  loadOne: (id, context) =>
    refetchEntry(
      id,
      'Message',
      context.agentIds,
      (agentId, { from, to, ...page }) =>
        context.loaders.avaamo.messagesPage.load({ agentId, since: from, until: to, deviceInfo: false, ...page }),
      (wire) => wire.uuid,
    ),
  fields: (t) => ({
    uuid: t.string({ description: "Avaamo's message uuid.", resolve: ({ wire }) => wire.uuid }),
    content: t.string({ nullable: true, description: 'The text of the message; for rich messages, their text part if any.', resolve: ({ wire }) => wire.content ?? null }),
    contentType: t.string({
      nullable: true,
      description: 'text, ListView, card, quick_reply, …',
      resolve: ({ wire }) => wire.content_type ?? null,
    }),
    createdAt: t.field({ type: 'DateTime', description: 'When the message was sent.', resolve: ({ wire }) => fromEpochSeconds(wire.created_at) }),
    sender: t.field({ type: MessageUser, nullable: true, description: 'Who sent it: the customer, a live agent or the bot.', resolve: ({ wire }) => wire.user ?? null }),
    conversation: t.field({ type: Conversation, nullable: true, description: 'The conversation it belongs to.', resolve: ({ wire }) => wire.conversation ?? null }),
    requestMessageUuid: t.string({
      nullable: true,
      description: 'The user message this one answers; null for live-agent messages.',
      resolve: ({ wire }) => wire.request_message_uuid ?? null,
    }),
    sequence: t.field({
      type: MessageSequence,
      nullable: true,
      description: 'Position of this response among the agent\'s responses to one query.',
      resolve: ({ wire }) => parseSequence(wire.sequence),
    }),
    customProperties: t.field({ type: 'JSON', nullable: true, description: 'Custom properties set on the message, as Avaamo sends them.', resolve: ({ wire }) => wire.custom_properties ?? null }),
    readReceipts: t.field({ type: [ReadReceipt], description: 'Who read the message and when; empty when nobody did yet.', resolve: ({ wire }) => wire.read_acks ?? [] }),
    attachments: t.field({ type: 'JSON', nullable: true, description: 'Files and media attached, as Avaamo sends them.', resolve: ({ wire }) => wire.attachments ?? null }),
    deviceUuid: t.string({ nullable: true, description: 'The device the conversation runs on (Avaamo device uuid).', resolve: ({ wire }) => wire.device_uuid ?? null }),
  }),
});

builder.objectField(Agent, 'messages', (t) =>
  t.connection(
    {
      complexity: rangeCost.messages,
      type: Message,
      // Nullable (the sketch has MessageConnection!): a failing upstream must
      // cost only this field, not the agent and its other lists.
      nullable: true,
      description:
        'Latest messages of this agent across its conversations, newest first. `since` and `until` bound the range (inclusive); `until` without `since` reads the 30 days before it (Avaamo alone would return only the latest 5); neither reads them all.',
      args: {
        since: t.arg({ type: 'DateTime', description: 'Only messages at or after this instant.' }),
        until: t.arg({ type: 'DateTime', description: 'Only messages at or before this instant; default now.' }),
        includeDeviceInfo: t.arg.boolean({
          defaultValue: false,
          description: 'Also return each sender\'s device (MessageUser.device).',
        }),
      },
      resolve: (agent, args, context) => {
        const filters = {
          since: args.since ?? undefined,
          until: args.until ?? undefined,
          deviceInfo: args.includeDeviceInfo ?? false,
        };
        checkRange(filters.since, filters.until, 'since', 'until');
        return agentEntryConnection({
          list: 'messages',
          agentId: agent.agentId,
          filters,
          args,
          cursors: context.paging.cursors,
          span: { from: filters.since, to: filters.until, names: ['since', 'until'] },
          source: context.loaders.avaamo.lists.messages({ agentId: agent.agentId, ...filters }),
        });
      },
    },
    { name: 'MessageConnection', description: pinnedConnectionDescription('messages') },
    { name: 'MessageEdge' },
  ),
);

const PostAgentMessageInput = builder.inputType('PostAgentMessageInput', {
  description: 'A message to post into a conversation as the agent.',
  fields: (t) => ({
    agentId: t.int({ required: true, description: 'The configured agent to post as.' }),
    conversationUuid: t.string({ required: true, description: 'The 32-hex conversation id (Conversation.uuid).' }),
    text: t.string({ description: 'Plain text. Give exactly one of text and richContent.' }),
    richContent: t.field({
      type: 'JSON',
      description: 'A rich message as the channel supports it, as a JSON object: {"list_view": …}, {"card": …}, {"quick_reply": …}.',
    }),
    forceLocale: t.string({ description: 'Locale to answer in, e.g. "en"; overrides the agent\'s.' }),
    clientMutationId: t.string({ description: 'Echoed back in the payload.' }),
  }),
});

const PostAgentMessagePayload = builder
  .objectRef<{ success: boolean; clientMutationId: string | null }>('PostAgentMessagePayload')
  .implement({
    description: 'The outcome of postAgentMessage.',
    fields: (t) => ({
      success: t.exposeBoolean('success', { description: 'Whether Avaamo accepted the message.' }),
      clientMutationId: t.exposeString('clientMutationId', { nullable: true, description: "The input's clientMutationId, echoed." }),
    }),
  });

const CONVERSATION_UUID = /^[0-9a-f]{32}$/i;

builder.mutationField('postAgentMessage', (t) =>
  t.field({
    type: PostAgentMessagePayload,
    // Nullable so a failed post in a multi-mutation document does not null the others.
    nullable: true,
    authScopes: { write: true },
    description:
      'Post a message into a conversation as the agent (Avaamo Message API). Never retried once it may have reached Avaamo: a call that timed out after sending answers UPSTREAM_TIMEOUT with `outcome: "unknown"` (it may have posted).',
    args: { input: t.arg({ type: PostAgentMessageInput, required: true, description: 'Who posts, where, and what.' }) },
    resolve: async (_root, { input }, context) => {
      const hasText = input.text !== null && input.text !== undefined;
      const hasRich = input.richContent !== null && input.richContent !== undefined;
      if (hasText === hasRich) throw badUserInput('Give exactly one of `text` and `richContent`.');
      if (hasText && input.text!.trim() === '') throw badUserInput('`text` must not be empty.');
      if (hasRich && (typeof input.richContent !== 'object' || Array.isArray(input.richContent))) {
        throw badUserInput('`richContent` must be a JSON object such as {"card": {…}}.');
      }
      if (!CONVERSATION_UUID.test(input.conversationUuid)) {
        throw badUserInput('`conversationUuid` must be a 32-character hexadecimal conversation id.');
      }
      if (!context.agentIds.includes(input.agentId)) throw agentNotServed(input.agentId);
      const result = await context.loaders.avaamo.postMessage({
        message: hasText ? input.text! : (input.richContent as Record<string, unknown>),
        conversation: { uuid: input.conversationUuid },
        bot_id: input.agentId,
        ...(input.forceLocale ? { force_locale: input.forceLocale } : {}),
      });
      return { success: result.success, clientMutationId: input.clientMutationId ?? null };
    },
  }),
);
