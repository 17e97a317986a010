import type { Rng } from '../rng.js';
import { MINUTE_MS, SECOND_MS } from '../time.js';
import { assignees, generateContact } from './data.js';
import type { VambeChatStatus, VambeContactRecord, VambeDataset, VambePlatform } from './types.js';
import { longestWaitingFirst } from './waiting.js';

/**
 * The queue moving on its own, as a support team's does: contacts write in,
 * team members take the longest-waiting ones, the AI hands conversations to
 * humans, tickets close. [I] Vambe documents no such rates; these keep each
 * status's list about its seeded size.
 *
 * Deterministic: the moments and kinds of change come from the seed and
 * the start time alone, drawn one after another on the simulated clock, so
 * a sandbox started twice with the same seed and start shows the same queue
 * at the same instant (changes POSTed through /__sandbox/contacts come on top).
 */
export interface QueueMotion {
  /** Applies every change due by `now` (simulated epoch ms), in order; nothing when the queue stands still. */
  advanceTo(now: number): void;
  /** Draws the contacts POSTed through /__sandbox/contacts (a stream of its own: they never shift the motion's draws). */
  readonly rng: Rng;
}

/** On average one change every 20 s: a GraphiQL user watching the queue sees it move within a poll or two. */
const MEAN_GAP_MS = 20 * SECOND_MS;

type Change = 'arrive' | 'attend' | 'handoff' | 'close';
const CHANGES: readonly (readonly [Change, number])[] = [
  ['arrive', 40],
  ['attend', 35],
  ['handoff', 10],
  ['close', 15],
];

export function createQueueMotion(vambe: VambeDataset, rngs: { motion: Rng; posted: Rng }, startMs: number, moving: boolean): QueueMotion {
  const rng = rngs.motion;
  let due = startMs + gap(rng);
  return {
    rng: rngs.posted,
    advanceTo(now) {
      while (moving && due <= now) {
        apply(vambe, rng, rng.weighted(CHANGES), due);
        due += gap(rng);
      }
    },
  };
}

/** Exponential gaps: changes arrive as independent events do, in bursts and lulls. */
function gap(rng: Rng): number {
  return Math.max(SECOND_MS, Math.round(-Math.log(1 - rng.next()) * MEAN_GAP_MS));
}

function apply(vambe: VambeDataset, rng: Rng, change: Change, at: number): void {
  if (change === 'attend') {
    // Mostly the longest waiting first, as a team working its queue does; sometimes whoever was at hand.
    const waiting = inStatus(vambe, 'UNATTENDED');
    const chosen = rng.chance(0.7) ? longestWaitingFirst(waiting, at)[0] : waiting.length > 0 ? rng.pick(waiting) : undefined;
    if (chosen) return attend(vambe, rng, chosen);
  } else if (change === 'handoff') {
    const away = inStatus(vambe, 'AI_AWAY');
    if (away.length > 0) return void (rng.pick(away).contact.chat_status = 'UNATTENDED');
  } else if (change === 'close') {
    const attended = inStatus(vambe, 'ATTENDED');
    if (attended.length > 0) {
      const closed = rng.pick(attended);
      closed.contact.active_ticket_v2 = null;
      return;
    }
  }
  // An arrival, or a change with nobody to apply it to: someone new writes in.
  vambe.contacts.push(arrival(vambe, rng, rng.chance(0.85) ? 'UNATTENDED' : 'AI_ATTENDED', at, 0));
}

/** A contact that wrote in `waitingMs` before `at` and waits in `status` since. */
export function arrival(vambe: VambeDataset, rng: Rng, status: VambeChatStatus, at: number, waitingMs: number): VambeContactRecord {
  const record = generateContact(rng, at, status, MINUTE_MS, vambe.pipelines, vambe.teamMembers, []);
  record.lastInboundAt = at - waitingMs;
  record.contact.created_at = new Date(at - waitingMs).toISOString();
  return record;
}

/** A team member takes the contact: it is attended, and assigned to someone if it was not. */
export function attend(vambe: VambeDataset, rng: Rng, record: VambeContactRecord): void {
  record.contact.chat_status = 'ATTENDED';
  if (record.contact.assigned_agents.length === 0) record.contact.assigned_agents = assignees(rng, 'ATTENDED', vambe.teamMembers).slice(0, 1);
}

export function inStatus(vambe: VambeDataset, status: VambeChatStatus, platform?: VambePlatform | null, pipelineId?: string | null) {
  return vambe.contacts.filter(
    (record) =>
      record.contact.active_ticket_v2 !== null &&
      record.contact.chat_status === status &&
      (!platform || record.contact.platform === platform) &&
      (!pipelineId || record.pipelineId === pipelineId),
  );
}
