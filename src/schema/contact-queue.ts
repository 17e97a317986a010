import { GraphQLError } from 'graphql';
import { UpstreamError } from '../http/errors.js';
import { MAX_QUEUE_CONTACTS } from '../queue/read-queue.js';
import { SubscriptionRefusal } from '../queue/registry.js';
import type { QueuedContact, QueueFailure } from '../queue/types.js';
import type { QueueChange } from '../queue/view.js';
import { builder } from './builder.js';
import { Contact, ContactPlatform, ContactStatus, queueFilters, slaArg, type ShownContact } from './contact.js';
import { badUserInput, upstreamGraphQLError } from './errors.js';
import { QueueSummary } from './queue-summary.js';

const DEFAULT_FIRST = 50;

/** The lists of an event are the items `first` already sized: they add no multiplier of their own to the cost. */
const SIZED_BY_FIRST = { field: 1, multiplier: 1 };

const shown = (contacts: readonly QueuedContact[], event: QueueChange): ShownContact[] => contacts.map((contact) => ({ ...contact, asOf: event.asOf }));

const ContactQueueEvent = builder.objectRef<QueueChange>('ContactQueueEvent').implement({
  description:
    "One event of `contactQueue`. The subscriber's view is the top `first` contacts of the queue, longest waiting first: the first event carries it whole (`contacts`); each later one what changed, so a client applying `left`, `entered` and `updated` to its copy (sorted by `waitingSince`) holds the view exactly. Waits grow with the clock between events; count them on from `asOf` (or from each contact's `waitingSince`).",
  fields: (t) => ({
    asOf: t.field({ type: 'DateTime', description: 'The moment the waits and figures of this event are counted at (when it was sent); waits grow on from it.', resolve: (event) => new Date(event.asOf) }),
    polledAt: t.field({ type: 'DateTime', description: 'When Vambe gave the answers this event is built from (the latest poll of the queue).', resolve: (event) => new Date(event.polledAt) }),
    stale: t.boolean({ description: 'Whether the latest poll could only use answers kept past their cache TTL (Vambe refused, 429, or could not be reached): the queue may have moved since `polledAt`.', resolve: (event) => event.stale }),
    contacts: t.field({
      type: [Contact],
      nullable: true,
      complexity: SIZED_BY_FIRST,
      description: 'The view as it is, longest waiting first: on the first event only (null on the others).',
      resolve: (event) => event.contacts && shown(event.contacts, event),
    }),
    entered: t.field({
      type: [Contact],
      complexity: SIZED_BY_FIRST,
      description: 'Contacts that came into the view: new to the queue, or moved up into the top `first` as others left.',
      resolve: (event) => shown(event.entered, event),
    }),
    left: t.idList({
      description: 'Ids of contacts no longer in the view: gone from the queue (attended, closed, moved to another status), or pushed below the top `first`.',
      resolve: (event) => event.left,
    }),
    updated: t.field({
      type: [Contact],
      complexity: SIZED_BY_FIRST,
      description: 'Contacts of the view that changed otherwise: assigned to someone, renamed, their ticket moved, or their wait restarted (they wrote again).',
      resolve: (event) => shown(event.updated, event),
    }),
    breached: t.field({
      type: [Contact],
      complexity: SIZED_BY_FIRST,
      description:
        'Contacts of the whole queue (not only the view) whose wait has just crossed `slaSeconds`: each once, at the moment it crosses, even between polls, or when it joins the queue already over it. Those over it when the subscription starts are not news: `slaBreached` and `summary.breachedCount` show them. Empty without `slaSeconds`.',
      resolve: (event) => shown(event.breached, event),
    }),
    summary: t.field({ type: QueueSummary, description: 'The figures of the whole queue at `asOf`.', resolve: (event) => event.summary }),
  }),
});

builder.subscriptionType({
  description: 'What the gateway pushes as it happens: GraphQL over SSE (`Accept: text/event-stream`) or WebSocket (graphql-ws), with the same API keys.',
  authScopes: { read: true },
});

builder.subscriptionField('contactQueue', (t) =>
  t.field({
    type: ContactQueueEvent,
    nullable: true,
    description: `The live queue (Vambe): the top \`first\` contacts of one status, longest waiting first, with the queue's figures, then an event whenever the queue changes (see ContactQueueEvent). Subscribers of the same queue (same Vambe credential, status, pipeline and platform) share one poll of it, every QUEUE_POLL_SECONDS, each pass reading the whole queue (up to ${MAX_QUEUE_CONTACTS.toLocaleString('en')} contacts). When a poll fails, an event comes with \`contactQueue: null\` and the coded error (UPSTREAM_ERROR, RATE_LIMITED, UPSTREAM_UNAVAILABLE with \`retryAfter\`…); the subscription stays, and the next event after Vambe answers again brings the view up to date.`,
    args: {
      status: t.arg({ type: ContactStatus, required: true, description: 'Only contacts in this conversation status.' }),
      pipelineId: t.arg.id({ description: 'Only contacts in this Vambe pipeline.' }),
      platform: t.arg({ type: ContactPlatform, description: 'Only contacts on this channel.' }),
      slaSeconds: t.arg.int({ description: 'The SLA: the longest a contact should wait, in seconds (0 or more): `breached` and `summary.breachedCount` count against it.' }),
      first: t.arg.int({ defaultValue: DEFAULT_FIRST, description: `How many of the longest-waiting contacts the view holds, 0 to ${MAX_QUEUE_CONTACTS} (0: figures only).` }),
    },
    subscribe: (_root, args, context) => {
      const first = args.first ?? DEFAULT_FIRST;
      if (first < 0 || first > MAX_QUEUE_CONTACTS) throw badUserInput(`\`first\` must be from 0 to ${MAX_QUEUE_CONTACTS} (got ${first})`);
      const slaSeconds = slaArg(args.slaSeconds);
      try {
        return context.queue.watch(queueFilters(args), { first, slaSeconds });
      } catch (error) {
        if (error instanceof UpstreamError) throw upstreamGraphQLError(error);
        if (!(error instanceof SubscriptionRefusal)) throw error;
        throw new GraphQLError(error.message, { extensions: { code: 'RATE_LIMITED', reason: 'TOO_MANY_SUBSCRIPTIONS', limit: error.limit } });
      }
    },
    resolve: (event) => {
      if (event.kind === 'failure') throw failureError(event.failure);
      return event;
    },
  }),
);

/** A failed poll as the subscriber sees it: the code of the one status table, or a masked bug. */
function failureError(failure: QueueFailure): Error {
  if (failure.code === 'INTERNAL_SERVER_ERROR') return new Error('the live queue poll failed unexpectedly');
  const details = {
    ...(failure.upstreamStatus === undefined ? {} : { status: failure.upstreamStatus }),
    ...(failure.retryAfter === undefined ? {} : { retryAfter: failure.retryAfter }),
  };
  return upstreamGraphQLError(new UpstreamError(failure.upstream, failure.code, failure.message, details));
}
