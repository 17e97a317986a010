import { isBreached, summarizeQueue, summaryShape, type QueueSummaryData } from './summary.js';
import type { QueuedContact, QueueFailure, QueueRead } from './types.js';

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
  /** When (epoch ms) the next contact not yet reported crosses the SLA, if any will. */
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
  /** What the subscriber holds of each contact of its view; null before its first event. */
  let shown: Map<string, string> | null = null;
  const reported = new Set<string>();
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
      const view = read.contacts.slice(0, first);
      const summary = summarizeQueue(read, at, slaSeconds);
      const overSla = slaSeconds === null ? [] : read.contacts.filter((contact) => isBreached(contact, at, slaSeconds));
      const overIds = new Set(overSla.map((contact) => contact.id));
      for (const id of reported) if (!overIds.has(id)) reported.delete(id);
      const base = { kind: 'queue' as const, asOf: at, polledAt: read.readAt, stale: read.stale, summary };
      const holding = new Map(view.map((contact) => [contact.id, fingerprint(contact)]));
      const previous = shown;
      shown = holding;
      if (previous === null) {
        // Already over the SLA when the subscriber arrives: shown as such (slaBreached, breachedCount), not as news.
        for (const contact of overSla) reported.add(contact.id);
        shape = summaryShape(summary);
        return { ...base, contacts: view, entered: [], left: [], updated: [], breached: [] };
      }
      const entered = view.filter((contact) => !previous.has(contact.id));
      const updated = view.filter((contact) => previous.has(contact.id) && previous.get(contact.id) !== holding.get(contact.id));
      const left = [...previous.keys()].filter((id) => !holding.has(id));
      const breached = overSla.filter((contact) => !reported.has(contact.id));
      for (const contact of breached) reported.add(contact.id);
      const nextShape = summaryShape(summary);
      if (!recovered && entered.length + left.length + updated.length + breached.length === 0 && nextShape === shape) return null;
      shape = nextShape;
      return { ...base, contacts: null, entered, left, updated, breached };
    },

    nextBreachAt(state) {
      if (slaSeconds === null || !state.read || state.failure) return null;
      let due: number | null = null;
      for (const contact of state.read.contacts) {
        if (reported.has(contact.id)) continue;
        // Breached once it has waited longer than the SLA: 1 ms past it.
        const at = contact.waitingSince + slaSeconds * 1000 + 1;
        if (due === null || at < due) due = at;
      }
      return due;
    },
  };
}

/** Contacts are shared by every subscriber of a read: each is spelled once. */
const fingerprints = new WeakMap<QueuedContact, string>();

/**
 * What a client holds of a contact. A waiting time of 0 at every poll is a
 * contact that never wrote (CONTRACTS §5), not one that wrote again each
 * time: its start is no change.
 */
function fingerprint(contact: QueuedContact): string {
  let spelled = fingerprints.get(contact);
  if (spelled === undefined) {
    const { waiting_time: waiting, waitingSince, ...rest } = contact;
    spelled = JSON.stringify([rest, waiting ? waitingSince : null]);
    fingerprints.set(contact, spelled);
  }
  return spelled;
}
