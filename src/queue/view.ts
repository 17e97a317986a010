import { hasInbound, waitStart } from './read-queue.js';
import { arrivals, breachedPrefix, contactIn, predecessorOf, summarizeQueue, summaryShape, type QueueSummaryData } from './summary.js';
import type { QueuedContact, QueueFailure, QueueRead } from './types.js';
import { windowChange, windowOf, type WindowChange } from './windows.js';

/** What one subscriber asked to see. */
export interface ViewOptions {
  /** How many of the longest-waiting contacts it shows. */
  first: number;
  /** Its SLA, or null for none (then nothing is ever breached). */
  slaSeconds: number | null;
}

/** The latest a subscriber's cohort knows: its last read, and whether the pass after it failed. */
export interface CohortState {
  read: QueueRead | null;
  failure: QueueFailure | null;
}

export interface QueueChange {
  kind: 'queue';
  /** Epoch ms the waits and figures are counted at. */
  asOf: number;
  /** Epoch ms Vambe gave the answers this event is built from. */
  polledAt: number;
  stale: boolean;
  /** The top `first`, on the subscriber's first event only. */
  contacts: QueuedContact[] | null;
  entered: QueuedContact[];
  left: string[];
  updated: QueuedContact[];
  breached: QueuedContact[];
  summary: QueueSummaryData;
}

export type QueueEvent = QueueChange | { kind: 'failure'; failure: QueueFailure; asOf: number };

export interface QueueView {
  /**
   * The event that brings the subscriber from what it was last sent to
   * `state` at `at`; null when nothing it would see changed (waits growing
   * with the clock are no change: a client counts them on from `asOf`).
   */
  next(state: CohortState, at: number): QueueEvent | null;
  /** When (epoch ms) the next contact not yet told crosses the SLA, if any will (asked right after `next`). */
  nextBreachAt(state: CohortState): number | null;
}

/**
 * One subscriber's view of its cohort. The view is the top `first` contacts,
 * longest waiting first: `entered` and `left` keep a client's copy of it
 * exact (a contact enters as it joins the queue, or moves up into the top
 * `first`; it leaves when attended or closed, or pushed below them), and
 * `updated` carries the contacts of the view that changed otherwise.
 * `breached` covers the whole queue: each contact once, when its wait
 * crosses the SLA (again only after its wait restarted, when it wrote
 * again). Events are computed when the subscriber is ready for one, from the
 * latest state, so a slow reader gets fewer, larger events, never a backlog.
 */
export function createQueueView({ first, slaSeconds }: ViewOptions): QueueView {
  /** The read whose window the subscriber holds; null before its first event. */
  let shown: QueueRead | null = null;
  /** The read and moment of the last event: every contact over the SLA then has been told (or was there from the start). */
  let told: { read: QueueRead; at: number } | null = null;
  let shape: string | null = null;
  let failureSent: string | null = null;

  return {
    next(state, at) {
      if (state.failure) {
        // One event per failure, not one per failed poll.
        const key = `${state.failure.code} ${state.failure.upstreamStatus ?? ''}`;
        if (failureSent === key) return null;
        failureSent = key;
        return { kind: 'failure', failure: state.failure, asOf: at };
      }
      const { read } = state;
      if (!read) return null;
      // After a failure event, the first read is news even if the queue stood still: the client learns it recovered.
      const recovered = failureSent !== null;
      failureSent = null;
      const summary = summarizeQueue(read, at, slaSeconds);
      const breached = slaSeconds === null || told === null ? [] : newlyBreached(told, read, at, slaSeconds);
      told = { read, at };
      const base = { kind: 'queue' as const, asOf: at, polledAt: read.readAt, stale: read.stale, summary };
      const previous = shown;
      shown = read;
      if (previous === null) {
        // Already over the SLA when the subscriber arrives: shown as such (slaBreached, breachedCount), not as news.
        shape = summaryShape(read, summary);
        return { ...base, contacts: windowOf(read, first).contacts, entered: [], left: [], updated: [], breached: [] };
      }
      const { entered, left, updated } = previous === read ? NO_CHANGE : windowChange(previous, read, first);
      const nextShape = summaryShape(read, summary);
      if (!recovered && entered.length + left.length + updated.length + breached.length === 0 && nextShape === shape) return null;
      shape = nextShape;
      return { ...base, contacts: null, entered, left, updated, breached };
    },

    nextBreachAt(state) {
      if (slaSeconds === null || !state.read || state.failure || told?.read !== state.read) return null;
      // Longest waiting first: the first contact not over the SLA at the last event crosses next, 1 ms past it.
      const next = state.read.contacts[breachedPrefix(state.read, told.at, slaSeconds)];
      return next && hasInbound(next) ? next.waitingSince + slaSeconds * 1000 + 1 : null;
    },
  };
}

/**
 * The contacts of `read` over the SLA at `at` that were not at the last
 * event: those whose wait crossed it since (a range of the read, ordered
 * longest waiting first), and those that joined the queue already over it.
 * From the read that followed the last one, that costs what changed, not
 * the queue's length; otherwise (a reader that skipped reads) each contact
 * over the SLA is looked up in the last read.
 */
function newlyBreached(told: { read: QueueRead; at: number }, read: QueueRead, at: number, slaSeconds: number): QueuedContact[] {
  const over = breachedPrefix(read, at, slaSeconds);
  const since = breachedPrefix(read, told.at, slaSeconds);
  const wasOver = told.at - slaSeconds * 1000;
  if (told.read === read) return read.contacts.slice(since, over);
  if (predecessorOf(read) === told.read) {
    // The range holds only contacts that were under the SLA then: arrivals over it already are the rest.
    return [...arrivals(read).filter((contact) => waitStart(contact) < wasOver), ...read.contacts.slice(since, over)];
  }
  return read.contacts.slice(0, over).filter((contact) => {
    const before = contactIn(told.read, contact.id);
    return !before || waitStart(before) >= wasOver;
  });
}

const NO_CHANGE: WindowChange = { entered: [], left: [], updated: [] };
