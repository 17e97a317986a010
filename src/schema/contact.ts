import type { QueueFilters } from '../queue/cohort.js';
import { queuedContact } from '../queue/read-queue.js';
import { isBreached, waitedSeconds } from '../queue/summary.js';
import type { QueuedContact } from '../queue/types.js';
import { VAMBE_PAGE_SIZE } from '../upstreams/vambe/client.js';
import { contactPlatforms, contactStatuses, wireEnum, type ContactPlatformWire, type ContactStatusWire } from '../upstreams/vambe/types.js';
import { builder } from './builder.js';
import { badUserInput } from './errors.js';
import { FreshnessTracker } from './freshness.js';
import { resolveLiveConnection } from './live-pagination.js';
import type { ConnectionArgs } from './pagination.js';
import type { Context } from '../context.js';

/** A contact as a response shows it: its waits counted at `asOf` (epoch ms), when it was read or when its event was sent. */
export type ShownContact = QueuedContact & { asOf: number };

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

export const TeamMember = builder.objectRef<{ id: string | null; name: string | null }>('TeamMember').implement({
  description: 'A human team member of the contacts platform (not an Avaamo agent).',
  fields: (t) => ({
    id: t.id({ nullable: true, description: "Vambe's team member UUID.", resolve: (member) => member.id }),
    name: t.string({ nullable: true, description: 'The team member\'s name as Vambe shows it.', resolve: (member) => member.name }),
  }),
});

export const Contact = builder.objectRef<ShownContact>('Contact').implement({
  description: 'A Vambe contact with an active ticket, and how long it has been waiting.',
  fields: (t) => ({
    id: t.id({ description: "Vambe's contact UUID.", resolve: (contact) => contact.id }),
    name: t.string({ nullable: true, description: 'The contact\'s name as the channel gave it.', resolve: (contact) => contact.name ?? null }),
    createdAt: t.field({ type: 'DateTime', description: 'When the contact first wrote in (Vambe created it).', resolve: (contact) => new Date(contact.created_at) }),
    platform: t.field({ type: ContactPlatform, nullable: true, description: 'The channel the contact writes through; null for one this gateway does not know.', resolve: (contact) => wireEnum(contact.platform, contactPlatforms) }),
    chatStatus: t.field({ type: ContactStatus, nullable: true, description: 'Where the conversation stands; null for a status this gateway does not know.', resolve: (contact) => wireEnum(contact.chat_status, contactStatuses) }),
    waitingTime: t.int({
      description:
        'Seconds this contact has been waiting for a response: Vambe\'s count when it answered, plus the seconds since, up to the `asOf` of the answer it is part of (in a query, the moment the gateway read it: Vambe\'s own count; in a `contactQueue` event, the event\'s `asOf`). 0 when it has no inbound message.',
      resolve: (contact) => waitedSeconds(contact, contact.asOf),
    }),
    waitingSince: t.field({
      type: 'DateTime',
      description:
        'Since when this contact has been waiting: the moment Vambe\'s waiting time was counted from (its last inbound message), to the second. Waiting time at any instant is that instant minus this. A contact with no inbound message waits for nothing: its `waitingTime` stays 0, it is never over an SLA, and this is when Vambe answered for it.',
      resolve: (contact) => new Date(contact.waitingSince),
    }),
    slaBreached: t.boolean({
      description: 'Whether this contact has waited longer than `thresholdSeconds` (as of the same `asOf` as `waitingTime`).',
      args: { thresholdSeconds: t.arg.int({ required: true, description: 'The SLA: the longest a contact should wait, in seconds (0 or more).' }) },
      resolve: (contact, { thresholdSeconds }) => isBreached(contact, contact.asOf, nonNegative('thresholdSeconds', thresholdSeconds)),
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
      resolve: (_root, args, context) => contactsConnection(args, context),
    },
    { name: 'ContactConnection' },
    { name: 'ContactEdge' },
  ),
);

type QueueArgs = { status: ContactStatusWire; pipelineId?: string | number | null; platform?: ContactPlatformWire | null };

/** A page of one queue's contacts, live-paged over Vambe's pages. */
async function contactsConnection(args: QueueArgs & ConnectionArgs, context: Context) {
  const filters = queueFilters(args);
  const freshness = new FreshnessTracker();
  const connection = await resolveLiveConnection({
    args,
    cursors: context.paging.cursors.list('contacts', filters),
    traversals: context.paging.traversals,
    pageSize: VAMBE_PAGE_SIZE,
    fetchPage: async (page) => {
      // Vambe sends no time of its own: a page is as of its fetch, and its waits count from then.
      const answer = await context.loaders.vambe.contactsPage.read({ ...filters, page });
      freshness.noteAnswer(answer);
      const at = answer.fetchedAt;
      return { items: answer.value.contacts.map((contact): ShownContact => ({ ...queuedContact(contact, at), asOf: at })), total: answer.value.total };
    },
    idOf: (contact) => contact.id,
  });
  return Object.assign(connection, { freshness });
}

/** The queue arguments every contacts field takes, as the Vambe request spells them. */
export function queueFilters(args: QueueArgs): QueueFilters {
  return {
    status: args.status,
    pipelineId: args.pipelineId === null || args.pipelineId === undefined ? undefined : String(args.pipelineId),
    platform: args.platform ?? undefined,
  };
}

/** A count of seconds a caller gives: negative is a mistake, answered before any upstream call. */
export function nonNegative(name: string, value: number): number {
  if (value < 0) throw badUserInput(`\`${name}\` must be 0 or more (got ${value})`);
  return value;
}

/** The optional `slaSeconds` argument: null for none, else 0 or more. */
export function slaArg(value: number | null | undefined): number | null {
  return value === null || value === undefined ? null : nonNegative('slaSeconds', value);
}
