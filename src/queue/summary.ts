import { contactPlatforms, wireEnum, type ContactPlatformWire } from '../upstreams/vambe/types.js';
import { waitStart } from './read-queue.js';
import type { QueuedContact, QueueRead } from './types.js';

export interface PlatformLoad {
  /** Null for a channel this gateway does not know. */
  platform: ContactPlatformWire | null;
  count: number;
  longestWaitSeconds: number;
}

export interface AgentLoad {
  teamMember: { id: string | null; name: string | null };
  count: number;
  longestWaitSeconds: number;
}

/** The figures of schema/queue-summary.ts, whose descriptions define each. */
export interface QueueSummaryData {
  count: number;
  totalCount: number;
  longestWaitSeconds: number | null;
  medianWaitSeconds: number | null;
  p90WaitSeconds: number | null;
  breachedCount: number | null;
  byPlatform: PlatformLoad[];
  byAssignedAgent: AgentLoad[];
  unassignedCount: number;
  complete: boolean;
  /** Epoch ms the waits are counted at. */
  asOf: number;
  stale: boolean;
}

/** Milliseconds the contact has waited at `at`: 0 with no inbound message (waitStart). */
export const waitedMs = (contact: QueuedContact, at: number) => Math.max(0, at - waitStart(contact));

/** Whole seconds waited at `at`, as `waitingTime` shows them. */
export const waitedSeconds = (contact: QueuedContact, at: number) => Math.floor(waitedMs(contact, at) / 1000);

/** Over the SLA: waited longer than `slaSeconds`. */
export const isBreached = (contact: QueuedContact, at: number, slaSeconds: number) => waitedMs(contact, at) > slaSeconds * 1000;

/** What a read's figures need that does not change with time: computed once per read, whoever asks. */
interface Prepared {
  /** Each contact's waitStart, in the read's order: ascending, so the longest wait first (Infinity, a wait of 0: no inbound message). */
  since: number[];
  platforms: { platform: ContactPlatformWire | null; count: number; since: number }[];
  agents: { teamMember: AgentLoad['teamMember']; count: number; since: number }[];
  unassignedCount: number;
  byId: Map<string, QueuedContact>;
  /** The counts that decide whether a summary changed (summaryShape). */
  shape: string;
}

const prepared = new WeakMap<QueueRead, Prepared>();

function prepare(read: QueueRead): Prepared {
  let found = prepared.get(read);
  if (found) return found;
  const platforms = new Map<ContactPlatformWire | null, Prepared['platforms'][number]>();
  const agents = new Map<string, Prepared['agents'][number]>();
  let unassignedCount = 0;
  // Longest waiting first: the first contact of a group sets its longest wait.
  for (const contact of read.contacts) {
    const platform = wireEnum(contact.platform, contactPlatforms);
    group(platforms, platform, () => ({ platform, count: 0, since: waitStart(contact) }));
    const members = contact.assigned_agents ?? [];
    if (members.length === 0) unassignedCount += 1;
    for (const member of members) {
      group(agents, member.id ?? `name ${member.name ?? ''}`, () => ({ teamMember: { id: member.id, name: member.name }, count: 0, since: waitStart(contact) }));
    }
  }
  // Most first, then longest wait first (earliest start): an order that time does not change.
  const byLoad = (a: { count: number; since: number }, b: { count: number; since: number }) => b.count - a.count || a.since - b.since;
  const platformList = [...platforms.values()].sort((a, b) => byLoad(a, b) || (a.platform ?? '~').localeCompare(b.platform ?? '~'));
  const agentList = [...agents.values()].sort((a, b) => byLoad(a, b) || (a.teamMember.name ?? '').localeCompare(b.teamMember.name ?? ''));
  found = {
    since: read.contacts.map(waitStart),
    platforms: platformList,
    agents: agentList,
    unassignedCount,
    byId: new Map(read.contacts.map((contact) => [contact.id, contact])),
    shape: JSON.stringify([
      read.contacts.length,
      read.totalCount,
      unassignedCount,
      read.complete,
      read.stale,
      platformList.map((load) => [load.platform, load.count]),
      agentList.map((load) => [load.teamMember.id, load.teamMember.name, load.count]),
    ]),
  };
  prepared.set(read, found);
  return found;
}

function group<K, V extends { count: number }>(groups: Map<K, V>, key: K, create: () => V): void {
  let entry = groups.get(key);
  if (!entry) {
    entry = create();
    groups.set(key, entry);
  }
  entry.count += 1;
}

/**
 * How many contacts of the read have waited longer than `slaSeconds` at
 * `at`: a prefix of it, since it is ordered longest waiting first.
 */
export function breachedPrefix(read: QueueRead, at: number, slaSeconds: number): number {
  const { since } = prepare(read);
  const before = at - slaSeconds * 1000;
  let low = 0;
  let high = since.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (since[middle]! < before) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The contact of the read with this id, if it is in it. */
export const contactIn = (read: QueueRead, id: string) => prepare(read).byId.get(id);

/** Each read's predecessor, as this process received them for one cohort. */
const predecessors = new WeakMap<QueueRead, QueueRead>();
const arrivalsOf = new WeakMap<QueueRead, QueuedContact[]>();

/** Records that `next` followed `previous` in its cohort: what lets `arrivals` tell who is new. */
export function linkReads(previous: QueueRead, next: QueueRead): void {
  predecessors.set(next, previous);
}

export const predecessorOf = (read: QueueRead) => predecessors.get(read);

/** The contacts of `read` its predecessor did not have (all of them without one), computed once per read. */
export function arrivals(read: QueueRead): QueuedContact[] {
  let found = arrivalsOf.get(read);
  if (!found) {
    const previous = predecessors.get(read);
    found = previous ? read.contacts.filter((contact) => !contactIn(previous, contact.id)) : read.contacts;
    arrivalsOf.set(read, found);
  }
  return found;
}

/**
 * The whole read, summarised at `at`: waits count on from each contact's
 * `waitingSince`, so the same read summarised later shows longer waits.
 * Cheap for every subscriber of a cohort: what time does not change is
 * prepared once per read.
 */
export function summarizeQueue(read: QueueRead, at: number, slaSeconds: number | null): QueueSummaryData {
  const { since, platforms, agents, unassignedCount } = prepare(read);
  const n = since.length;
  const wait = (start: number) => Math.floor(Math.max(0, at - start) / 1000);
  // Rank r of the waits in ascending order is the r-th shortest wait: index n - r of the read's order.
  const nearestRank = (percent: number) => (n === 0 ? null : wait(since[n - Math.ceil((percent * n) / 100)]!));
  return {
    count: n,
    totalCount: read.totalCount,
    longestWaitSeconds: n === 0 ? null : wait(since[0]!),
    medianWaitSeconds: nearestRank(50),
    p90WaitSeconds: nearestRank(90),
    breachedCount: slaSeconds === null ? null : breachedPrefix(read, at, slaSeconds),
    byPlatform: platforms.map((load) => ({ platform: load.platform, count: load.count, longestWaitSeconds: wait(load.since) })),
    byAssignedAgent: agents.map((load) => ({ teamMember: load.teamMember, count: load.count, longestWaitSeconds: wait(load.since) })),
    unassignedCount,
    complete: read.complete,
    asOf: at,
    stale: read.stale,
  };
}

/**
 * What decides whether a summary changed for a subscriber: its counts, not
 * its waits, which grow with every second and which a client counts on
 * from `asOf` itself.
 */
export function summaryShape(read: QueueRead, summary: QueueSummaryData): string {
  return `${prepare(read).shape} ${summary.breachedCount ?? ''}`;
}
