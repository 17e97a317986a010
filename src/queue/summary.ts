import { contactPlatforms, wireEnum, type ContactPlatformWire } from '../upstreams/vambe/types.js';
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

/** Milliseconds the contact has waited at `at`. */
export const waitedMs = (contact: QueuedContact, at: number) => Math.max(0, at - contact.waitingSince);

/** Whole seconds waited at `at`, as `waitingTime` shows them. */
export const waitedSeconds = (contact: QueuedContact, at: number) => Math.floor(waitedMs(contact, at) / 1000);

/** Over the SLA: waited longer than `slaSeconds`. */
export const isBreached = (contact: QueuedContact, at: number, slaSeconds: number) => waitedMs(contact, at) > slaSeconds * 1000;

/**
 * The whole read, summarised at `at`: waits count on from each contact's
 * `waitingSince`, so the same read summarised later shows longer waits.
 */
export function summarizeQueue(read: QueueRead, at: number, slaSeconds: number | null): QueueSummaryData {
  const { contacts } = read;
  // Longest waiting first, so descending waits; nearest rank counts in ascending order.
  const waits = contacts.map((contact) => waitedSeconds(contact, at));
  const n = waits.length;
  const nearestRank = (percent: number) => (n === 0 ? null : waits[n - Math.ceil((percent * n) / 100)]!);
  const platforms = new Map<ContactPlatformWire | null, PlatformLoad>();
  const agents = new Map<string, AgentLoad>();
  let unassignedCount = 0;
  contacts.forEach((contact, index) => {
    const wait = waits[index]!;
    const platform = wireEnum(contact.platform, contactPlatforms);
    count(platforms, platform, () => ({ platform, count: 0, longestWaitSeconds: 0 }), wait);
    const members = contact.assigned_agents ?? [];
    if (members.length === 0) unassignedCount += 1;
    for (const member of members) {
      count(agents, member.id ?? `name ${member.name ?? ''}`, () => ({ teamMember: { id: member.id, name: member.name }, count: 0, longestWaitSeconds: 0 }), wait);
    }
  });
  return {
    count: n,
    totalCount: read.totalCount,
    longestWaitSeconds: n === 0 ? null : waits[0]!,
    medianWaitSeconds: nearestRank(50),
    p90WaitSeconds: nearestRank(90),
    breachedCount: slaSeconds === null ? null : contacts.filter((contact) => isBreached(contact, at, slaSeconds)).length,
    byPlatform: [...platforms.values()].sort((a, b) => b.count - a.count || b.longestWaitSeconds - a.longestWaitSeconds || (a.platform ?? '~').localeCompare(b.platform ?? '~')),
    byAssignedAgent: [...agents.values()].sort(
      (a, b) => b.count - a.count || b.longestWaitSeconds - a.longestWaitSeconds || (a.teamMember.name ?? '').localeCompare(b.teamMember.name ?? ''),
    ),
    unassignedCount,
    complete: read.complete,
    asOf: at,
    stale: read.stale,
  };
}

/** One more contact in a group; waits come longest first, so the first is the group's longest. */
function count<K, V extends { count: number; longestWaitSeconds: number }>(groups: Map<K, V>, key: K, create: () => V, wait: number): void {
  let group = groups.get(key);
  if (!group) {
    group = create();
    group.longestWaitSeconds = wait;
    groups.set(key, group);
  }
  group.count += 1;
}

/**
 * What decides whether a summary changed for a subscriber: its counts, not
 * its waits, which grow with every second and which a client counts on
 * from `asOf` itself.
 */
export function summaryShape(summary: QueueSummaryData): string {
  return JSON.stringify([
    summary.count,
    summary.totalCount,
    summary.breachedCount,
    summary.unassignedCount,
    summary.complete,
    summary.stale,
    summary.byPlatform.map((load) => [load.platform, load.count]),
    summary.byAssignedAgent.map((load) => [load.teamMember.id, load.teamMember.name, load.count]),
  ]);
}
