import type { UnhandledMessageWire } from '../upstreams/avaamo/types.js';
import { fromEpochSeconds } from '../upstreams/time.js';
import { Agent } from './agent.js';
import type { AgentEntry } from './avaamo-entries.js';
import { builder } from './builder.js';
import { badUserInput } from './errors.js';
import { FreshnessTracker } from './freshness.js';
import { arrayConnection, parsePagingArgs, snapshotOf, type ConnectionArgs } from './pagination.js';
import type { Context } from '../context.js';
import { CLUSTER_SIMILARITY_THRESHOLD, clusterQueries, type QueryCluster } from './query-clusters.js';
import { REPORT_DEFAULT_DAYS, REPORT_MAX_DAYS, readReport, reportPin, reportRange } from './report.js';
import { UnhandledMessage } from './unhandled-message.js';
import { rangeCost } from './range-cost.js';

type Entry = AgentEntry<UnhandledMessageWire>;

interface ClusterShape {
  cluster: QueryCluster<Entry>;
  /** Queries read in the range, for the share. */
  queries: number;
}

const MAX_EXAMPLES = 20;

const UnhandledQueryCluster = builder.objectRef<ClusterShape>('UnhandledQueryCluster').implement({
  description:
    'One thing users asked that the agent did not understand, however they worded it: the queries of a range that are the same once normalised (case, accents, punctuation, spacing and common contractions such as "where\'s" ignored), or near-duplicates of them.',
  fields: (t) => ({
    representative: t.string({
      description: 'Its most frequent wording, as users typed it (runs of spaces made one); ties: the most recent.',
      resolve: ({ cluster }) => cluster.phrasings[0]!.text,
    }),
    key: t.string({
      description: 'The normalised text of the query the cluster formed around: the same data always gives the same key, so it can track a cluster across reports.',
      resolve: ({ cluster }) => cluster.key,
    }),
    count: t.int({ description: 'Unhandled queries in the cluster.', resolve: ({ cluster }) => cluster.count }),
    share: t.float({ description: 'count / all unhandled queries of the range, 0..1.', resolve: ({ cluster, queries }) => cluster.count / queries }),
    firstSeen: t.field({ type: 'DateTime', description: 'When the earliest was asked.', resolve: ({ cluster }) => new Date(cluster.firstSeen) }),
    lastSeen: t.field({ type: 'DateTime', description: 'When the latest was asked.', resolve: ({ cluster }) => new Date(cluster.lastSeen) }),
    channels: t.stringList({ description: 'The channels it was asked through, most used first.', resolve: ({ cluster }) => cluster.channels }),
    examples: t.field({
      type: [UnhandledMessage],
      description: `Its distinct wordings, most frequent first, each as its most recent query (at most ${MAX_EXAMPLES}).`,
      args: { first: t.arg.int({ defaultValue: 3, description: `How many, 0 to ${MAX_EXAMPLES}.` }) },
      resolve: ({ cluster }, { first }) => {
        const count = first ?? 3;
        if (count < 0 || count > MAX_EXAMPLES) throw badUserInput(`\`first\` must be 0 to ${MAX_EXAMPLES} (got ${count})`);
        return cluster.phrasings.slice(0, count).map((phrasing) => phrasing.newest.entry);
      },
    }),
  }),
});

builder.objectField(Agent, 'unhandledQueryClusters', (t) =>
  t.connection(
    {
      complexity: rangeCost.unhandledQueryClusters,
      type: UnhandledQueryCluster,
      nullable: true,
      description: `What users asked this agent that it did not understand, grouped: every unhandled query of the range (from and to inclusive; without \`from\`, the ${REPORT_DEFAULT_DAYS} days before \`to\` (default now) from the start of that hour; at most ${REPORT_MAX_DAYS} days), up to MAX_REPORT_ENTRIES, clustered and ordered by count (ties: the most recent first). Queries equal once normalised are one; a query joins a cluster when its token-set (Jaccard) similarity with the cluster's leading query is above ${CLUSTER_SIMILARITY_THRESHOLD}. Deterministic: the same queries give the same clusters. Pages are pinned to the first page's snapshot.`,
      args: {
        from: t.arg({ type: 'DateTime', description: 'Start of the range (inclusive).' }),
        to: t.arg({ type: 'DateTime', description: 'End of the range (inclusive); default now.' }),
      },
      resolve: (agent, args, context) => unhandledQueryClusterConnection(agent.agentId, args, context),
    },
    {
      name: 'UnhandledQueryClusterConnection',
      description: 'A page of clusters of unhandled queries, with how much of the range they cover.',
      fields: (tc) => ({
        complete: tc.boolean({
          description:
            'false when the range holds more unhandled queries than the gateway reads for one report (MAX_REPORT_ENTRIES, default 10,000): the clusters then cover its newest queries.',
          resolve: (connection) => connection.complete,
        }),
        queryCount: tc.int({
          description: 'Unhandled queries read and clustered (all of the range when complete).',
          resolve: (connection) => connection.queryCount,
        }),
      }),
    },
    { name: 'UnhandledQueryClusterEdge' },
  ),
);

/** Every unhandled query of the range (at most MAX_REPORT_ENTRIES), clustered, a page of the clusters. */
async function unhandledQueryClusterConnection(agentId: number, args: { from?: Date | null; to?: Date | null } & ConnectionArgs, context: Context) {
  // Keyed on the range as the caller gave it: a default `from` moves with the hour, and a traversal must outlive that.
  const cursors = context.paging.cursors.list('unhandledQueryClusters', { agentId, from: args.from ?? null, to: args.to ?? null });
  const paging = parsePagingArgs(args, cursors);
  const snapshot = snapshotOf(paging);
  // A later page derives the default range from its pin, the time its first page read, so it reads that page's range.
  const range = reportRange(args, snapshot === null ? undefined : fromEpochSeconds(snapshot));
  const freshness = new FreshnessTracker();
  const scan = await readReport(context.loaders.avaamo.lists.unhandledMessages({ agentId: agentId, ...range }), {
    maxEntries: context.paging.maxReportEntries,
    snapshot,
    freshness,
  });
  const clusters = clusterQueries(
    scan.entries.map((wire) => ({
      id: wire.message_uuid,
      text: wire.content,
      createdAt: fromEpochSeconds(wire.created_at).getTime(),
      channel: wire.channel_name ?? null,
      entry: { agentId: agentId, wire },
    })),
  ).map((cluster) => ({ cluster, queries: scan.entries.length }));
  return Object.assign(arrayConnection(paging, cursors, clusters, reportPin(scan.snapshot)), {
    freshness,
    complete: scan.complete,
    queryCount: scan.entries.length,
  });
}
