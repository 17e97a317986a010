import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers.js';

const CONTACTS = /* GraphQL */ `
  query($first: Int, $after: String) {
    contacts(status: UNATTENDED, first: $first, after: $after) {
      totalCount
      edges { cursor node { id waitingTime } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;
interface Data {
  contacts: { totalCount: number; edges: { cursor: string; node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

let stack: Stack;
/** Contacts the first test made write again. */
const moved: string[] = [];

beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

/** The sandbox's unattended contacts with an active ticket: the live records the upstream orders. */
function unattendedRecords() {
  return stack.sandbox.dataset.vambe.contacts.filter((record) => record.contact.chat_status === 'UNATTENDED' && record.contact.active_ticket_v2 !== null);
}

async function traverse(first: number, between: (ids: string[]) => void): Promise<string[]> {
  const collected: string[] = [];
  let after: string | null = null;
  for (let n = 0; n < 50; n++) {
    const response: { data?: Data; errors?: unknown } = await stack.execute<Data>(CONTACTS, { first, after });
    expect(response.errors).toBeUndefined();
    const connection = response.data!.contacts;
    collected.push(...connection.edges.map((edge) => edge.node.id));
    if (!connection.pageInfo.hasNextPage) break;
    after = connection.pageInfo.endCursor;
    between(connection.edges.map((edge) => edge.node.id));
  }
  return collected;
}

describe('contacts: one traversal never returns a contact twice while Vambe reorders', () => {
  it('contacts that write again move to the end of the live order, and are not returned again', async () => {
    const records = unattendedRecords();
    expect(records.length).toBeGreaterThan(40);
    const collected = await traverse(15, (page) => {
      // Two contacts of the page just read write again: their waiting time
      // restarts, so Vambe now lists them last, and the rest moves up.
      for (const id of page.slice(0, 2)) {
        const record = records.find((candidate) => candidate.contact.id === id)!;
        record.lastInboundAt = Date.now() - 5_000;
        moved.push(id);
      }
    });
    expect(moved.length).toBeGreaterThan(4);
    expect(new Set(collected).size).toBe(collected.length);
    // Nothing was lost either: what moved up stayed on the page already being read.
    expect(new Set(collected)).toEqual(new Set(records.map((record) => record.contact.id)));
  });

  it('a new traversal sees the list as it is now', async () => {
    const collected = await traverse(50, () => {});
    expect(collected).toHaveLength(unattendedRecords().length);
    const records = unattendedRecords();
    const wrote = records.filter((record) => record.lastInboundAt !== null).map((record) => record.contact.id);
    const again = moved;
    expect(again.length).toBeGreaterThan(4);
    // The contacts that wrote again wait least, so they come last of those that ever wrote.
    const order = collected.filter((id) => wrote.includes(id));
    expect(new Set(order.slice(order.length - again.length))).toEqual(new Set(again));
  });
});

describe('contacts: a traversal of 1,000 contacts', () => {
  let big: Stack;
  beforeAll(async () => {
    big = await startStack({ sandbox: { contactsPerStatus: 1000 } });
  });
  afterAll(() => big.close());

  /** Pages through every unattended contact, `first` cycling through `sizes`, calling `between` after each page. */
  async function walk(sizes: number[], between: (ids: string[]) => void) {
    const collected: string[] = [];
    const cursors: string[] = [];
    const reads: { first: number; upstream: number }[] = [];
    let after: string | null = null;
    for (let n = 0; n < 200; n++) {
      const first = sizes[n % sizes.length]!;
      await big.resetStats();
      const response: { data?: Data; errors?: unknown } = await big.execute<Data>(CONTACTS, { first, after });
      expect(response.errors).toBeUndefined();
      reads.push({ first, upstream: (await big.stats()).total });
      const connection = response.data!.contacts;
      collected.push(...connection.edges.map((edge) => edge.node.id));
      cursors.push(...connection.edges.map((edge) => edge.cursor));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
      between(connection.edges.map((edge) => edge.node.id));
    }
    return { collected, cursors, reads };
  }

  const unattendedIn = (stack: Stack) =>
    stack.sandbox.dataset.vambe.contacts.filter((record) => record.contact.chat_status === 'UNATTENDED' && record.contact.active_ticket_v2 !== null);

  it('returns each contact once, in order, with cursors that do not grow, reading only the pages each page spans', async () => {
    expect(unattendedIn(big)).toHaveLength(1000);
    const reference = (await big.execute<Data>(CONTACTS, { first: 1 })).data!.contacts.totalCount;
    expect(reference).toBe(1000);
    const { collected, cursors, reads } = await walk([50, 37, 100, 13], () => {});
    expect(collected).toHaveLength(1000);
    expect(new Set(collected)).toEqual(new Set(unattendedIn(big).map((record) => record.contact.id)));
    // Bounded: the last cursor is as long as the first, give or take the digits of its offset.
    const lengths = cursors.map((cursor) => cursor.length);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(Math.min(...lengths) + 3);
    expect(Math.max(...lengths)).toBeLessThan(64);
    for (const { first, upstream } of reads) expect(upstream).toBeLessThanOrEqual(Math.ceil((first + 1) / 50) + 1);
  });

  it('never returns one twice while contacts it returned write again and move to the end', async () => {
    const records = unattendedIn(big);
    const moved = new Set<string>();
    const { collected, reads } = await walk([50, 37], (page) => {
      for (const id of page.slice(0, 3)) {
        records.find((record) => record.contact.id === id)!.lastInboundAt = Date.now() - 1_000;
        moved.add(id);
      }
    });
    expect(moved.size).toBeGreaterThan(50);
    expect(new Set(collected).size).toBe(collected.length);
    // Every contact that moved was returned (once, before it moved) and skipped where it reappeared.
    expect(collected.filter((id) => moved.has(id))).toHaveLength(moved.size);
    expect(collected.length).toBeGreaterThan(900);
    for (const { first, upstream } of reads) expect(upstream).toBeLessThanOrEqual(Math.ceil((first + 1) / 50) + 1);
  });
});
