import { MAX_QUEUE_CONTACTS, readQueuePages, toQueueRead } from '../queue/read-queue.js';
import { summarizeQueue, type AgentLoad, type PlatformLoad, type QueueSummaryData } from '../queue/summary.js';
import { builder } from './builder.js';
import { STALE_DESCRIPTION } from './freshness.js';
import { ContactPlatform, ContactStatus, TeamMember, queueFilters, slaArg } from './contact.js';
import type { Context } from '../context.js';

const QueuePlatformLoad = builder.objectRef<PlatformLoad>('QueuePlatformLoad').implement({
  description: 'The contacts of a queue on one channel.',
  fields: (t) => ({
    platform: t.field({ type: ContactPlatform, nullable: true, description: 'The channel; null for channels this gateway does not know, counted together.', resolve: (load) => load.platform }),
    count: t.int({ description: 'Contacts of the queue on this channel.', resolve: (load) => load.count }),
    longestWaitSeconds: t.int({ description: 'The longest wait among them, in seconds.', resolve: (load) => load.longestWaitSeconds }),
  }),
});

const QueueAgentLoad = builder.objectRef<AgentLoad>('QueueAgentLoad').implement({
  description: 'The contacts of a queue assigned to one team member (workload distribution).',
  fields: (t) => ({
    teamMember: t.field({ type: TeamMember, description: 'The team member, as Vambe names it on the contacts.', resolve: (load) => load.teamMember }),
    count: t.int({ description: 'Contacts of the queue assigned to this team member (a contact assigned to two counts for each).', resolve: (load) => load.count }),
    longestWaitSeconds: t.int({ description: 'The longest wait among them, in seconds.', resolve: (load) => load.longestWaitSeconds }),
  }),
});

export const QueueSummary = builder.objectRef<QueueSummaryData>('QueueSummary').implement({
  description: `The figures of one queue (contacts in one status, optionally of one pipeline and platform), over the whole queue, not a page: the gateway reads every Vambe page of it, up to ${MAX_QUEUE_CONTACTS.toLocaleString('en')} contacts (the longest-waiting ones; \`complete\` says whether that is all). A wait is the seconds a contact has waited at \`asOf\` (its \`waitingTime\`): 0 for a contact with no inbound message, which counts among the waits as 0 (it is in the queue, waiting for nothing) and is never over an SLA. Percentiles use the nearest-rank method: the p-th percentile of n waits sorted in ascending order is the one at rank ⌈p/100 × n⌉ (1-based), always one of the waits itself.`,
  fields: (t) => ({
    count: t.int({ description: `Contacts the figures cover: the whole queue, or its ${MAX_QUEUE_CONTACTS.toLocaleString('en')} longest-waiting contacts when it holds more (\`complete\` false).`, resolve: (summary) => summary.count }),
    totalCount: t.int({ description: 'Contacts in the queue, as Vambe reports it; more than `count` when the queue is longer than what the gateway reads.', resolve: (summary) => summary.totalCount }),
    longestWaitSeconds: t.int({ nullable: true, description: 'The longest wait, in seconds; null when the queue is empty.', resolve: (summary) => summary.longestWaitSeconds }),
    medianWaitSeconds: t.int({ nullable: true, description: 'The median wait (the nearest-rank 50th percentile: of an even count, the lower of the middle two), in seconds; null when the queue is empty.', resolve: (summary) => summary.medianWaitSeconds }),
    p90WaitSeconds: t.int({ nullable: true, description: 'The 90th-percentile wait (nearest rank: 90 % of the contacts waited this long or less), in seconds; null when the queue is empty.', resolve: (summary) => summary.p90WaitSeconds }),
    breachedCount: t.int({ nullable: true, description: 'Contacts that have waited longer than `slaSeconds` (see `Contact.slaBreached`); null when no `slaSeconds` was given.', resolve: (summary) => summary.breachedCount }),
    byPlatform: t.field({ type: [QueuePlatformLoad], description: 'The contacts per channel, most first (then longest wait first).', resolve: (summary) => summary.byPlatform }),
    byAssignedAgent: t.field({ type: [QueueAgentLoad], description: 'The contacts per assigned team member, most first (then longest wait first): who holds how much of the queue.', resolve: (summary) => summary.byAssignedAgent }),
    unassignedCount: t.int({ description: 'Contacts assigned to no team member.', resolve: (summary) => summary.unassignedCount }),
    complete: t.boolean({ description: `Whether the figures cover the whole queue: false when it holds more than the ${MAX_QUEUE_CONTACTS.toLocaleString('en')} contacts the gateway reads of it.`, resolve: (summary) => summary.complete }),
    asOf: t.field({
      type: 'DateTime',
      description:
        "The moment the waits are counted at: in a query, when the latest Vambe page it read was fetched (waits on older, cached pages are counted on to that moment); in a `contactQueue` event, the event's `asOf`.",
      resolve: (summary) => new Date(summary.asOf),
    }),
    stale: t.boolean({ description: STALE_DESCRIPTION, resolve: (summary) => summary.stale }),
  }),
});

builder.queryField('queueSummary', (t) =>
  t.field({
    type: QueueSummary,
    nullable: true,
    description: `The figures of one queue for priority, SLA and workload screens: count, waits, SLA breaches, per channel and per team member (Vambe). Reads every page of the queue (each Vambe call through the same budget as every other), up to ${MAX_QUEUE_CONTACTS.toLocaleString('en')} contacts; \`contactQueue\` sends the same figures as the queue changes.`,
    args: {
      status: t.arg({ type: ContactStatus, required: true, description: 'Only contacts in this conversation status.' }),
      pipelineId: t.arg.id({ description: 'Only contacts in this Vambe pipeline.' }),
      platform: t.arg({ type: ContactPlatform, description: 'Only contacts on this channel.' }),
      slaSeconds: t.arg.int({ description: 'The SLA: the longest a contact should wait, in seconds (0 or more); counts `breachedCount`.' }),
    },
    resolve: (_root, args, context) => queueSummaryOf(args, context),
  }),
);

/** Reads every page of one queue and summarises it. */
async function queueSummaryOf(args: Parameters<typeof queueFilters>[0] & { slaSeconds?: number | null }, context: Context): Promise<QueueSummaryData> {
  const slaSeconds = slaArg(args.slaSeconds);
  const filters = queueFilters(args);
  const pass = await readQueuePages((page) => context.loaders.vambe.contactsPage.read({ ...filters, page }));
  // Waits of older (cached) pages are counted on to the latest answer, as the live queue counts them.
  return summarizeQueue(toQueueRead(pass), pass.latestAnswer, slaSeconds);
}
