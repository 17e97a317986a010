import { normaliseQuery, queryTokens, tokenSetSimilarity } from './query-text.js';

/**
 * Two queries join one cluster when their token-set (Jaccard) similarity,
 * compared with the cluster's leading query, is above this: "where is my
 * order please" joins "where is my order" (4 of 5 words, 0.8), "where is my
 * refund" stays apart from it (3 of 5, 0.6).
 */
export const CLUSTER_SIMILARITY_THRESHOLD = 0.7;

export interface QueryInput<E> {
  /** Unique among the queries (the message uuid): breaks ties, so input order never matters. */
  id: string;
  text: string;
  /** Epoch ms. */
  createdAt: number;
  channel: string | null;
  entry: E;
}

/** One wording of a cluster's query, as typed (spaces trimmed and collapsed): how often, and its newest entry. */
export interface Phrasing<E> {
  text: string;
  count: number;
  newest: QueryInput<E>;
}

export interface QueryCluster<E> {
  /** The normalised text of the query the cluster formed around: stable for the same data. */
  key: string;
  count: number;
  firstSeen: number;
  lastSeen: number;
  /** Distinct channels, most used first. */
  channels: string[];
  /** Distinct wordings, most frequent first (ties: the most recent first); the first is the representative. */
  phrasings: Phrasing<E>[];
}

interface Group<E> {
  key: string;
  tokens: Set<string>;
  queries: QueryInput<E>[];
}

/**
 * Clusters queries deterministically: the same queries, in any order, give
 * the same clusters. Queries equal once normalised are one group; groups are
 * taken biggest first (ties by their normalised text), and each joins the
 * existing cluster whose leading group it is most similar to above the
 * threshold (ties: the earlier cluster), or leads a new one. Comparing with
 * the leader only keeps clusters from drifting through chains of
 * near-duplicates. Candidates are found by prefix filtering (rarest words
 * first), so a query is compared with the few clusters that can reach the
 * threshold, not with all.
 */
export function clusterQueries<E>(queries: readonly QueryInput<E>[]): QueryCluster<E>[] {
  const groups = groupByNormalisedText(queries);
  const rarity = tokenRarity(groups);
  const leaders: Group<E>[] = [];
  const members: Group<E>[][] = [];
  /** Leading groups by the words of their prefix. */
  const index = new Map<string, number[]>();
  for (const group of groups) {
    const prefix = prefixOf(group.tokens, rarity);
    const compared = new Set<number>();
    let best = -1;
    let bestSimilarity = CLUSTER_SIMILARITY_THRESHOLD;
    for (const token of prefix) {
      for (const candidate of index.get(token) ?? []) {
        if (compared.has(candidate)) continue;
        compared.add(candidate);
        // Sets whose sizes differ by more than the threshold allows cannot reach it.
        const size = leaders[candidate]!.tokens.size;
        if (size < CLUSTER_SIMILARITY_THRESHOLD * group.tokens.size || group.tokens.size < CLUSTER_SIMILARITY_THRESHOLD * size) continue;
        const similarity = tokenSetSimilarity(group.tokens, leaders[candidate]!.tokens);
        if (similarity > bestSimilarity || (similarity === bestSimilarity && best >= 0 && candidate < best)) {
          best = candidate;
          bestSimilarity = similarity;
        }
      }
    }
    if (best >= 0) {
      members[best]!.push(group);
      continue;
    }
    const cluster = leaders.length;
    leaders.push(group);
    members.push([group]);
    for (const token of prefix) {
      const holding = index.get(token);
      if (holding) holding.push(cluster);
      else index.set(token, [cluster]);
    }
  }
  return leaders
    .map((leader, at) => describe(leader.key, members[at]!.flatMap((group) => group.queries)))
    .sort((a, b) => b.count - a.count || b.lastSeen - a.lastSeen || compare(a.key, b.key));
}

function groupByNormalisedText<E>(queries: readonly QueryInput<E>[]): Group<E>[] {
  const byKey = new Map<string, Group<E>>();
  for (const query of queries) {
    const key = normaliseQuery(query.text);
    let group = byKey.get(key);
    if (!group) {
      group = { key, tokens: queryTokens(key), queries: [] };
      byKey.set(key, group);
    }
    group.queries.push(query);
  }
  return [...byKey.values()].sort((a, b) => b.queries.length - a.queries.length || compare(a.key, b.key));
}

/** How many groups use each word: the order of prefixes, rarest first. */
function tokenRarity(groups: readonly Group<unknown>[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const group of groups) for (const token of group.tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  return counts;
}

/**
 * The rarest words of a set: two sets whose similarity reaches the threshold
 * t share a word among their first |A| - ceil(t·|A|) + 1 rarest.
 */
function prefixOf(tokens: ReadonlySet<string>, rarity: ReadonlyMap<string, number>): string[] {
  const ordered = [...tokens].sort((a, b) => rarity.get(a)! - rarity.get(b)! || compare(a, b));
  // The epsilon keeps 0.7 × 10 from rounding up to 8.
  const length = ordered.length - Math.ceil(CLUSTER_SIMILARITY_THRESHOLD * ordered.length - 1e-9) + 1;
  return ordered.slice(0, length);
}

function describe<E>(key: string, queries: readonly QueryInput<E>[]): QueryCluster<E> {
  const phrasings = new Map<string, Phrasing<E>>();
  const channels = new Map<string, number>();
  for (const query of queries) {
    const text = query.text.trim().replace(/\s+/g, ' ');
    const phrasing = phrasings.get(text);
    if (!phrasing) phrasings.set(text, { text, count: 1, newest: query });
    else {
      phrasing.count += 1;
      if (isNewer(query, phrasing.newest)) phrasing.newest = query;
    }
    if (query.channel) channels.set(query.channel, (channels.get(query.channel) ?? 0) + 1);
  }
  return {
    key,
    count: queries.length,
    firstSeen: queries.reduce((earliest, query) => Math.min(earliest, query.createdAt), Number.POSITIVE_INFINITY),
    lastSeen: queries.reduce((latest, query) => Math.max(latest, query.createdAt), Number.NEGATIVE_INFINITY),
    channels: [...channels.entries()].sort(([a, m], [b, n]) => n - m || compare(a, b)).map(([channel]) => channel),
    phrasings: [...phrasings.values()].sort(
      (a, b) => b.count - a.count || b.newest.createdAt - a.newest.createdAt || compare(a.text, b.text),
    ),
  };
}

/** Newer, or as new and first by id: a tie never depends on the input order. */
function isNewer(a: QueryInput<unknown>, b: QueryInput<unknown>): boolean {
  return a.createdAt > b.createdAt || (a.createdAt === b.createdAt && compare(a.id, b.id) < 0);
}

/** Code-unit order: deterministic, unlike localeCompare across environments. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
