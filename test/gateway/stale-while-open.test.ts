import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skippingClock, type TestClock } from '../clock.js';
import { startStack, upstreamTotals, type Stack } from '../helpers.js';
import { postGraphQL } from '../raw-request.js';

const CONTACTS_ROUTE = 'GET /api/public/analytics/contacts/by-status';
const OPEN_MS = 15_000;

/** Cached earlier, so it can be served stale; `never` is a request the cache has never held. */
const QUEUES = /* GraphQL */ `
  query Queues {
    cached: contacts(status: UNATTENDED, first: 3) { totalCount nodes { id } }
    never: contacts(status: ATTENDED, first: 3) { totalCount }
  }
`;
const CACHED_ONLY = `{ cached: contacts(status: UNATTENDED, first: 3) { totalCount nodes { id } } }`;
const NEVER_ONLY = `{ never: contacts(status: ATTENDED, first: 3) { totalCount } }`;

interface Answer {
  data?: { cached?: { totalCount: number; nodes: { id: string }[] } | null; never?: { totalCount: number } | null };
  errors?: { path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  extensions?: { upstream?: { requests: number; cacheHits: number; staleHits: number } };
}


describe('an open breaker serves stale cached data where it exists, and fails fast elsewhere', () => {
  let stack: Stack;
  let clock: TestClock;
  let attended: number;
  beforeAll(async () => {
    clock = skippingClock();
    stack = await startStack({
      gateway: { clock },
      env: {
        CACHE: 'on',
        // Contacts stay fresh 5 s (the default), then may be served stale for CACHE_MAX_STALE_SECONDS (300 s).
        UPSTREAM_RETRY_ATTEMPTS: '1',
        BREAKER_FAILURE_RATIO: '0.5',
        BREAKER_WINDOW_MS: '30000',
        BREAKER_MIN_REQUESTS: '3',
        BREAKER_OPEN_MS: String(OPEN_MS),
      },
    });
    attended = await upstreamTotals.contacts(stack, 'attended');
    await stack.resetStats();
  });
  afterAll(() => stack.close());

  async function ask(query: string): Promise<Answer> {
    const response = await postGraphQL(stack.url, { query }, { 'x-cx-debug-upstream': '1' });
    expect(response.status).toBe(200);
    return JSON.parse(response.text) as Answer;
  }
  const contactsCalls = async () => (await stack.stats()).byRoute[CONTACTS_ROUTE] ?? 0;

  it('warm, expire, open: stale answer for the cached field, UPSTREAM_UNAVAILABLE for the other, fresh after closing', async () => {
    const warm = await ask(CACHED_ONLY);
    expect(warm.errors).toBeUndefined();
    const cached = warm.data!.cached!;
    expect(cached.nodes).toHaveLength(3);
    await clock.advance(5_000);

    // Vambe fails; a request the cache never held fails (errors are not cached) until the breaker opens.
    await stack.setFaults([{ route: CONTACTS_ROUTE, kind: 'status', status: 500 }]);
    const codes: unknown[] = [];
    for (let i = 0; i < 10 && codes.at(-1) !== 'UPSTREAM_UNAVAILABLE'; i += 1) {
      codes.push((await ask(NEVER_ONLY)).errors?.[0]?.extensions?.code);
    }
    expect(codes.at(-1)).toBe('UPSTREAM_UNAVAILABLE');
    expect(codes.slice(0, -1).every((code) => code === 'UPSTREAM_ERROR')).toBe(true);

    // Open: the expired entry stands in, the other field fails fast with a retryAfter, Vambe is not asked.
    await stack.resetStats();
    const open = await ask(QUEUES);
    expect(open.data!.cached).toEqual(cached);
    expect(open.data!.never).toBeNull();
    expect(open.errors).toHaveLength(1);
    expect(open.errors![0]!.path).toEqual(['never']);
    expect(open.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', upstream: 'vambe' });
    // The clock has not moved since the breaker opened: the whole open period is left.
    expect(open.errors![0]!.extensions!.retryAfter).toBe(OPEN_MS / 1000);
    expect(open.extensions!.upstream).toMatchObject({ requests: 0, staleHits: 1 });
    expect(await contactsCalls()).toBe(0);

    // Vambe heals; after the open period a probe goes through and both fields are fresh again.
    await stack.setFaults([]);
    await clock.advance(OPEN_MS);
    const closed = await ask(QUEUES);
    expect(closed.errors).toBeUndefined();
    expect(closed.data!.cached!.totalCount).toBe(cached.totalCount);
    expect(closed.data!.never!.totalCount).toBe(attended);
    expect(closed.extensions!.upstream).toMatchObject({ requests: 2, staleHits: 0 });
    expect(await contactsCalls()).toBe(2);
  });
});
