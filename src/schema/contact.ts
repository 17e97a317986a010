import { VAMBE_PAGE_SIZE } from '../upstreams/vambe/client.js';
import { contactPlatforms, contactStatuses, type VambeContactWire } from '../upstreams/vambe/types.js';
import { builder } from './builder.js';
import { FreshnessTracker } from './freshness.js';
import { resolveLiveConnection } from './live-pagination.js';

export const ContactStatus = builder.enumType('ContactStatus', {
  description: 'Where a Vambe conversation stands.',
  values: {
    UNATTENDED: { value: 'unattended', description: 'Not yet taken by a human.' },
    ATTENDED: { value: 'attended', description: 'A human is handling it.' },
    AI_ATTENDED: { value: 'ai-attended', description: 'The AI is handling it.' },
    AI_AWAY: { value: 'ai-away', description: 'The AI is unavailable; waiting for a human handoff.' },
  } as const,
});

export const ContactPlatform = builder.enumType('ContactPlatform', {
  description: 'The channel a contact writes through.',
  values: {
    WHATSAPP: { value: 'whatsapp', description: 'WhatsApp Business API.' },
    PLAYGROUND: { value: 'playground', description: "Vambe's test chat, for trying the AI out." },
    INSTAGRAM: { value: 'instagram', description: 'Instagram direct messages.' },
    WEBCHAT: { value: 'webchat', description: 'The chat widget on a website.' },
    WEB_WHATSAPP: { value: 'web-whatsapp', description: 'WhatsApp through a linked WhatsApp Web session.' },
    MESSENGER: { value: 'messenger', description: 'Facebook Messenger.' },
    SMS: { value: 'sms', description: 'Text messages.' },
  } as const,
});

/** Vambe's casing is undocumented: "AI_ATTENDED", "ai-attended" and "Ai_Attended" are one value (§7.16). */
function normalise<T extends string>(value: string | null | undefined, allowed: readonly T[]): T | null {
  const spelled = (value ?? '').toLowerCase().replaceAll('_', '-');
  return allowed.find((candidate) => candidate === spelled) ?? null;
}

const TeamMember = builder.objectRef<{ id: string | null; name: string | null }>('TeamMember').implement({
  description: 'A human team member of the contacts platform (not an Avaamo agent).',
  fields: (t) => ({
    id: t.id({ nullable: true, description: "Vambe's team member UUID.", resolve: (member) => member.id }),
    name: t.string({ nullable: true, description: 'The team member\'s name as Vambe shows it.', resolve: (member) => member.name }),
  }),
});

export const Contact = builder.objectRef<VambeContactWire>('Contact').implement({
  description: 'A Vambe contact with an active ticket, and how long it has been waiting.',
  fields: (t) => ({
    id: t.id({ description: "Vambe's contact UUID.", resolve: (contact) => contact.id }),
    name: t.string({ nullable: true, description: 'The contact\'s name as the channel gave it.', resolve: (contact) => contact.name ?? null }),
    createdAt: t.field({ type: 'DateTime', description: 'When the contact first wrote in (Vambe created it).', resolve: (contact) => new Date(contact.created_at) }),
    platform: t.field({ type: ContactPlatform, nullable: true, description: 'The channel the contact writes through; null for one this gateway does not know.', resolve: (contact) => normalise(contact.platform, contactPlatforms) }),
    chatStatus: t.field({ type: ContactStatus, nullable: true, description: 'Where the conversation stands; null for a status this gateway does not know.', resolve: (contact) => normalise(contact.chat_status, contactStatuses) }),
    waitingTime: t.int({
      description: 'Seconds this contact has been waiting for a response, as of the upstream answer (0 when it has no inbound message).',
      resolve: (contact) => Math.round(contact.waiting_time ?? 0),
    }),
    activeTicket: t.field({ type: 'JSON', nullable: true, description: "The contact's open ticket as Vambe sends it (active_ticket_v2).", resolve: (contact) => contact.active_ticket_v2 ?? null }),
    assignedAgents: t.field({ type: [TeamMember], description: 'Team members the contact is assigned to; empty when none.', resolve: (contact) => contact.assigned_agents ?? [] }),
  }),
});

builder.queryField('contacts', (t) =>
  t.connection(
    {
      type: Contact,
      nullable: true,
      description:
        'Contacts in one conversation status, longest waiting first (Vambe). Vambe orders by the live waiting time and cannot hold the list still, so what a client can rely on is: within one traversal (the pages reached through `after`/`before` cursors from one first page) a contact never comes twice, paging again from an older cursor included; each page is ordered as of its own upstream answer; a contact that joins, leaves or moves ahead of the position meanwhile can be missed, and a new traversal (no cursor) sees the list as it is then. A page reads at most the Vambe pages its `first`/`last` spans plus one, so when contacts already returned fill them it comes back short, or empty with an `endCursor` to go on from: page on while `hasNextPage`. totalCount is the total of the latest upstream answer (should Vambe send none, the contacts counted so far). The gateway remembers what a traversal returned for an hour after its last page (in Redis, where its replicas share one; else in the gateway process that served it); a cursor of a forgotten traversal (expired, or sent to a process that does not hold it) is refused (BAD_USER_INPUT, `extensions.reason` CURSOR_EXPIRED): start a new one. One traversal returns at most 10,000 contacts.',
      args: {
        status: t.arg({ type: ContactStatus, required: true, description: 'Only contacts in this conversation status.' }),
        pipelineId: t.arg.id({ description: 'Only contacts in this Vambe pipeline.' }),
        platform: t.arg({ type: ContactPlatform, description: 'Only contacts on this channel.' }),
      },
      resolve: async (_root, args, context) => {
        const filters = {
          status: args.status,
          pipelineId: args.pipelineId === null || args.pipelineId === undefined ? undefined : String(args.pipelineId),
          platform: args.platform ?? undefined,
        };
        const freshness = new FreshnessTracker();
        const connection = await resolveLiveConnection({
          args,
          cursors: context.paging.cursors.list('contacts', filters),
          traversals: context.paging.traversals,
          pageSize: VAMBE_PAGE_SIZE,
          fetchPage: async (page) => {
            // Vambe sends no time of its own: a page is as of its fetch.
            const answer = await context.loaders.vambe.contactsPage.read({ ...filters, page });
            freshness.noteAnswer(answer);
            return { items: answer.value.contacts, total: answer.value.total };
          },
          idOf: (contact) => contact.id,
        });
        return Object.assign(connection, { freshness });
      },
    },
    { name: 'ContactConnection' },
    { name: 'ContactEdge' },
  ),
);
