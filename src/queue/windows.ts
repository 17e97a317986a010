import { hasInbound } from './read-queue.js';
import type { QueuedContact, QueueRead } from './types.js';

/** The top `first` contacts of a read, and what a client holds of each. */
interface Window {
  contacts: QueuedContact[];
  held: Map<string, string>;
}

export interface WindowChange {
  entered: QueuedContact[];
  left: string[];
  updated: QueuedContact[];
}

/**
 * Subscribers of one cohort see the same reads, and most ask for the same
 * `first`: each window, and each change between two, is computed once per
 * read and size, not once per subscriber.
 */
const windows = new WeakMap<QueueRead, Map<number, Window>>();
const changes = new WeakMap<QueueRead, Map<number, { before: QueueRead; change: WindowChange }>>();

export function windowOf(read: QueueRead, first: number): Window {
  let bySize = windows.get(read);
  if (!bySize) windows.set(read, (bySize = new Map()));
  let window = bySize.get(first);
  if (!window) {
    const contacts = read.contacts.slice(0, first);
    window = { contacts, held: new Map(contacts.map((contact) => [contact.id, fingerprint(contact)])) };
    bySize.set(first, window);
  }
  return window;
}

/** What a client holding `before`'s window of `first` must apply to hold `after`'s. */
export function windowChange(before: QueueRead, after: QueueRead, first: number): WindowChange {
  let bySize = changes.get(after);
  if (!bySize) changes.set(after, (bySize = new Map()));
  const known = bySize.get(first);
  if (known?.before === before) return known.change;
  const held = windowOf(before, first).held;
  const now = windowOf(after, first);
  const change = {
    entered: now.contacts.filter((contact) => !held.has(contact.id)),
    left: [...held.keys()].filter((id) => !now.held.has(id)),
    updated: now.contacts.filter((contact) => held.has(contact.id) && held.get(contact.id) !== now.held.get(contact.id)),
  };
  bySize.set(first, { before, change });
  return change;
}

/**
 * What a client holds of a contact. A waiting time of 0 at every poll is a
 * contact that never wrote (CONTRACTS §5), not one that wrote again each
 * time: its start is no change.
 */
function fingerprint(contact: QueuedContact): string {
  const { waiting_time: _waiting, waitingSince, ...rest } = contact;
  return JSON.stringify([rest, hasInbound(contact) ? waitingSince : null]);
}
