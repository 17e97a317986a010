import type { Answer } from '../http/client.js';
import { VAMBE_PAGE_SIZE } from '../upstreams/vambe/client.js';
import type { ContactsPage, VambeContactWire } from '../upstreams/vambe/types.js';
import type { QueuedContact, QueueRead } from './types.js';

/** The most of one queue the gateway reads: 20 Vambe pages. Every summary and event covers these. */
export const MAX_QUEUE_CONTACTS = 1000;

/**
 * Vambe's waiting time is whole seconds counted when it answered, and the
 * gateway knows that moment only to within a pass, so the same wait read
 * twice can seem to start up to a second or so apart. A contact whose start
 * moved by less keeps its earlier one: its wait is steady across polls, and
 * only a real change (it wrote again) moves it.
 */
const SAME_WAIT_MS = 2000;

export interface QueuePass {
  /** In Vambe's order, each contact once, with when its page was answered (epoch ms). */
  contacts: { contact: VambeContactWire; answeredAt: number }[];
  totalCount: number;
  complete: boolean;
  /** When the oldest and the latest of its answers were fetched (a cached page: when it was cached). */
  oldestAnswer: number;
  latestAnswer: number;
  /** Some page was served from the cache past its TTL. */
  stale: boolean;
}

/**
 * One pass over a queue: page 1, whose total says how many pages follow,
 * then all of those at once (the HTTP layer bounds how many go out
 * together), up to MAX_QUEUE_CONTACTS. Vambe reorders as waits move, so a
 * contact may show on two pages (it is kept once) or slip between them (the
 * next pass sees it). Without a total (Vambe's bare-array answer), pages are
 * read one after another until a short one. A page that fails fails the
 * pass: figures over part of a queue would mislead.
 */
export async function readQueuePages(fetchPage: (page: number) => Promise<Answer<ContactsPage>>): Promise<QueuePass> {
  const maxPages = MAX_QUEUE_CONTACTS / VAMBE_PAGE_SIZE;
  const first = await fetchPage(1);
  const pages = [first];
  const total = first.value.total;
  let complete: boolean;
  if (total !== null) {
    const needed = Math.ceil(total / VAMBE_PAGE_SIZE);
    const rest = Array.from({ length: Math.max(0, Math.min(needed, maxPages) - 1) }, (_, index) => fetchPage(index + 2));
    pages.push(...(await Promise.all(rest)));
    complete = needed <= maxPages;
  } else {
    let last = first;
    while (last.value.contacts.length >= VAMBE_PAGE_SIZE && pages.length < maxPages) {
      last = await fetchPage(pages.length + 1);
      pages.push(last);
    }
    complete = last.value.contacts.length < VAMBE_PAGE_SIZE;
  }
  const seen = new Set<string>();
  const contacts: QueuePass['contacts'] = [];
  for (const page of pages) {
    for (const contact of page.value.contacts) {
      if (seen.has(contact.id) || contacts.length >= MAX_QUEUE_CONTACTS) continue;
      seen.add(contact.id);
      contacts.push({ contact, answeredAt: page.fetchedAt });
    }
  }
  const fetched = pages.map((page) => page.fetchedAt);
  return {
    contacts,
    totalCount: total ?? contacts.length,
    complete,
    oldestAnswer: Math.min(...fetched),
    latestAnswer: Math.max(...fetched),
    stale: pages.some((page) => page.stale),
  };
}

/**
 * Whether the contact waits for a reply: it has an inbound message. Vambe
 * sends no waiting time for one without (the sandbox sends 0, CONTRACTS §5);
 * a contact that wrote under a second ago shows 0 too, until the next poll.
 */
export const hasInbound = (contact: QueuedContact): boolean => Boolean(contact.waiting_time);

/**
 * When the contact's wait started, for ordering and the SLA: never, for one
 * with no inbound message (its wait is 0 at any time, it never breaches, and
 * it sorts after every contact that waits).
 */
export const waitStart = (contact: QueuedContact): number => (hasInbound(contact) ? contact.waitingSince : Number.POSITIVE_INFINITY);

/** A contact read at `readAt`: waiting since then minus Vambe's waiting time. */
export function queuedContact(contact: VambeContactWire, readAt: number): QueuedContact {
  return { ...contact, waitingSince: readAt - Math.round(contact.waiting_time ?? 0) * 1000 };
}

/**
 * The pass as the queue holds it: each contact waiting since its page's
 * answer minus its waiting time (steadied against the `previous` read),
 * longest waiting first (those with no inbound message last), as of the
 * pass's oldest answer.
 */
export function toQueueRead(pass: QueuePass, previous: QueueRead | null = null): QueueRead {
  const before = new Map(previous?.contacts.map((contact) => [contact.id, contact.waitingSince]));
  const contacts = pass.contacts.map(({ contact: wire, answeredAt }) => {
    const contact = queuedContact(wire, answeredAt);
    const earlier = before.get(contact.id);
    if (earlier !== undefined && Math.abs(earlier - contact.waitingSince) < SAME_WAIT_MS) contact.waitingSince = earlier;
    return contact;
  });
  contacts.sort((a, b) => byWaitStart(a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { contacts, totalCount: pass.totalCount, complete: pass.complete, readAt: pass.oldestAnswer, stale: pass.stale };
}

/** Longest waiting first; contacts with no inbound message (waitStart: never) after all others, equal among themselves. */
function byWaitStart(a: QueuedContact, b: QueuedContact): number {
  const [x, y] = [waitStart(a), waitStart(b)];
  return x === y ? 0 : x < y ? -1 : 1;
}
