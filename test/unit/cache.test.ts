import { describe, expect, it } from 'vitest';
import { createUpstreamCache, DEFAULT_ROUTE_POLICIES, type CacheKey, type CacheOutcome, type CacheSettings } from '../../src/http/cache.js';
import { UpstreamError } from '../../src/http/errors.js';

function setup(overrides: Partial<CacheSettings> = {}) {
  let now = 1_000_000;
  const clock = { now: () => now };
  const cache = createUpstreamCache(
    { enabled: true, maxBytes: 64 * 1024 * 1024, policies: DEFAULT_ROUTE_POLICIES, maxStaleSeconds: 300, ...overrides },
    clock,
  );
  const outcomes: CacheOutcome[] = [];
  let calls = 0;
  const get = (key: CacheKey, answer: () => Promise<unknown> = async () => ({ call: ++calls })) =>
    cache.get(key, async () => sized(await answer()), (outcome) => outcomes.push(outcome));
  return {
    cache,
    get,
    outcomes,
    calls: () => calls,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const sized = (value: unknown) => ({ value, bytes: JSON.stringify(value).length });

const messages: CacheKey = { route: 'avaamo.messages', credential: 'token-a', request: 'GET /v1/messages.json?page=1' };
const agent: CacheKey = { route: 'avaamo.agentDetails', credential: 'token-a', request: 'GET /api/v1/agents/1.json' };
const rateLimited = () => Promise.reject(new UpstreamError('avaamo', 'RATE_LIMITED', 'over budget', { retryAfter: 3 }));

describe('the cross-request cache', () => {
  it('misses, then hits within the TTL, then misses once it expired (messages: 15 s)', async () => {
    const { get, outcomes, advance } = setup();
    expect(await get(messages)).toEqual({ call: 1 });
    advance(14_999);
    expect(await get(messages)).toEqual({ call: 1 });
    advance(2);
    expect(await get(messages)).toEqual({ call: 2 });
    expect(outcomes).toEqual(['miss', 'hit', 'miss']);
  });

  it('takes the TTL from the route policy, overridable', async () => {
    const { get, advance } = setup({
      policies: { ...DEFAULT_ROUTE_POLICIES, 'avaamo.messages': { ttlSeconds: 2, staleWhileRevalidate: false } },
    });
    await get(messages);
    advance(2_500);
    expect(await get(messages)).toEqual({ call: 2 });
  });

  it('coalesces concurrent identical misses into one load', async () => {
    const { get, outcomes, calls } = setup();
    const results = await Promise.all([get(messages), get(messages), get(messages)]);
    expect(results).toEqual([{ call: 1 }, { call: 1 }, { call: 1 }]);
    expect(calls()).toBe(1);
    expect(outcomes).toEqual(['miss', 'coalesced', 'coalesced']);
  });

  it('never shares an entry between two credentials', async () => {
    const { get } = setup();
    expect(await get(messages)).toEqual({ call: 1 });
    expect(await get({ ...messages, credential: 'token-b' })).toEqual({ call: 2 });
    expect(await get(messages)).toEqual({ call: 1 });
  });

  it('never caches an error', async () => {
    const { get, calls } = setup();
    await expect(get(messages, () => Promise.reject(new UpstreamError('avaamo', 'UPSTREAM_ERROR', 'boom')))).rejects.toThrow('boom');
    expect(await get(messages)).toEqual({ call: 1 });
    expect(calls()).toBe(1);
  });

  it('serves an expired entry when the refresh is RATE_LIMITED or UPSTREAM_UNAVAILABLE, within the max-stale window', async () => {
    const { get, outcomes, advance } = setup();
    await get(messages);
    advance(16_000);
    expect(await get(messages, rateLimited)).toEqual({ call: 1 });
    expect(await get(messages, () => Promise.reject(new UpstreamError('avaamo', 'UPSTREAM_UNAVAILABLE' as never, 'open')))).toEqual({
      call: 1,
    });
    expect(outcomes.slice(1)).toEqual(['miss', 'staleOnError', 'miss', 'staleOnError']);
    // Other failures are the caller's to see.
    await expect(get(messages, () => Promise.reject(new UpstreamError('avaamo', 'UPSTREAM_ERROR', 'boom')))).rejects.toThrow('boom');
    // Past TTL + max stale, nothing is left to serve.
    advance(15_000 + 300_000);
    await expect(get(messages, rateLimited)).rejects.toThrow('over budget');
  });

  it('answers stale at once and refreshes behind, on routes where that is safe', async () => {
    const { get, outcomes, advance, calls } = setup();
    await get(agent);
    advance(600_001);
    expect(await get(agent)).toEqual({ call: 1 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls()).toBe(2);
    expect(await get(agent)).toEqual({ call: 2 });
    expect(outcomes).toEqual(['miss', 'stale', 'hit']);
  });

  it('drops one route and credential on invalidation, and nothing else', async () => {
    const { cache, get } = setup();
    await get(messages);
    await get({ ...messages, request: 'GET /v1/messages.json?page=2' });
    await get({ ...messages, credential: 'token-b' });
    await get({ ...agent, credential: 'token-a' });
    expect(cache.invalidate('avaamo.messages', 'token-a')).toBe(2);
    expect(await get(messages)).toEqual({ call: 5 });
    expect(await get({ ...messages, credential: 'token-b' })).toEqual({ call: 3 });
    expect(await get(agent)).toEqual({ call: 4 });
  });

  it('does not store a read that was in flight when its route was invalidated', async () => {
    const { cache, get } = setup();
    let answer!: () => void;
    const upstreamAnswered = new Promise<void>((resolve) => (answer = resolve));
    const before = get(messages, async () => {
      await upstreamAnswered;
      return { page: 'before the post' };
    });
    // The post lands while the read is on the wire.
    expect(cache.invalidate('avaamo.messages', 'token-a')).toBe(1);
    answer();
    // Whoever asked before the post gets the answer, but it is not kept for later callers.
    expect(await before).toEqual({ page: 'before the post' });
    expect(await get(messages)).toEqual({ call: 1 });
  });

  it('stays within its byte bound by evicting the least recently used', async () => {
    const { get, calls } = setup({ maxBytes: 12_000 });
    const big = async () => ({ text: 'x'.repeat(1_000) });
    for (let index = 0; index < 20; index++) await get({ ...messages, request: `page ${index}` }, big);
    // About 2.3 KB an entry: the first pages were evicted, the last are still there.
    let loads = 0;
    const counting = async () => {
      loads += 1;
      return { text: 'y' };
    };
    await get({ ...messages, request: 'page 19' }, counting);
    expect(loads).toBe(0);
    await get({ ...messages, request: 'page 0' }, counting);
    expect(loads).toBe(1);
    expect(calls()).toBe(0);
  });

  it('says until when each answer it hands back is fresh: the response cache keeps results no longer', async () => {
    const { cache, advance } = setup({
      policies: { ...DEFAULT_ROUTE_POLICIES, 'vambe.contactsByStatus': { ttlSeconds: 0, staleWhileRevalidate: false } },
    });
    const freshUntil: Array<number | null> = [];
    const get = (key: CacheKey) => cache.get(key, async () => sized({}), undefined, (until) => freshUntil.push(until));
    await get(messages); // a miss at 1,000,000: fresh for its 15 s
    advance(10_000);
    await get(messages); // a hit: still until 1,015,000
    await get(agent); // agent details: 600 s
    advance(600_001);
    await get(agent); // served stale while it refreshes: already past
    await get({ route: 'vambe.contactsByStatus', credential: 'k', request: 'GET /contacts' }); // TTL 0: not kept
    expect(freshUntil).toEqual([1_015_000, 1_015_000, 1_610_000, 1_610_000, null]);
  });

  it('with CACHE=off, every call loads', async () => {
    const { get, calls } = setup({ enabled: false });
    await get(messages);
    await get(messages);
    expect(calls()).toBe(2);
  });
});
