import { describe, expect, it } from 'vitest';
import { NO_UPSTREAM_TTL_MS, responseLifetimeMs, STALE_RESULT_TTL_MS } from '../../src/response-cache/lifetime.js';
import { createMemoryResponseStore, type StoredResponse } from '../../src/response-cache/store.js';

function setup(maxBytes = 1024 * 1024) {
  let now = 1_000_000;
  const clock = { now: () => now };
  return {
    store: createMemoryResponseStore(maxBytes, clock),
    at: (ms: number) => now + ms,
    advance: (ms: number) => {
      now += ms;
    },
  };
}
const response = (text: string, expiresAt: number, tags: string[] = []): StoredResponse => ({ text, expiresAt, tags });

describe('the in-process response store', () => {
  it('serves an entry until its own expiry, then not', () => {
    const { store, at, advance } = setup();
    store.set('short', response('{"data":1}', at(1_000)));
    store.set('long', response('{"data":2}', at(5_000)));
    advance(999);
    expect(store.get('short')).toMatchObject({ text: '{"data":1}' });
    advance(1);
    expect(store.get('short')).toBeUndefined();
    expect(store.get('long')).toMatchObject({ text: '{"data":2}' });
  });

  it('keeps nothing already expired', () => {
    const { store, at } = setup();
    store.set('past', response('{"data":1}', at(0)));
    expect(store.get('past')).toBeUndefined();
  });

  it('drops every entry built from an invalidated read, and only those', () => {
    const { store, at } = setup();
    store.set('a', response('{"data":"a"}', at(60_000), ['avaamo.messages t1', 'avaamo.agentDetails u']));
    store.set('b', response('{"data":"b"}', at(60_000), ['avaamo.messages t2', 'avaamo.agentDetails u']));
    store.invalidate('avaamo.messages t1');
    expect(store.get('a')).toBeUndefined();
    expect(store.get('b')).toBeDefined();
    store.invalidate('avaamo.agentDetails u');
    expect(store.get('b')).toBeUndefined();
  });

  it('stays within its bound in bytes, evicting the least recently used', () => {
    // Each entry: 1,000 characters of text, counted twice, and its overhead: about 2.3 kB; four fit in 10 kB.
    const { store, at } = setup(10_000);
    const text = (n: number) => `{"data":"${String(n).repeat(990)}"}`.slice(0, 1_000);
    for (let n = 1; n <= 4; n++) store.set(`k${n}`, response(text(n), at(60_000), ['route t']));
    expect(store.get('k1')).toBeDefined();
    store.set('k5', response(text(5), at(60_000), ['route t']));
    expect(store.get('k2')).toBeUndefined();
    expect(['k1', 'k3', 'k4', 'k5'].every((key) => store.get(key) !== undefined)).toBe(true);
    // An entry larger than the whole bound is not kept, and nothing of it lingers to invalidate.
    store.set('huge', response('x'.repeat(10_000), at(60_000), ['route t']));
    expect(store.get('huge')).toBeUndefined();
    store.invalidate('route t');
    expect(['k1', 'k3', 'k4', 'k5'].map((key) => store.get(key))).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe('how long a result is kept', () => {
  const now = 50_000;
  it('until the earliest of its upstream answers is due', () => {
    expect(responseLifetimeMs(now + 4_000, now)).toBe(4_000);
  });
  it('briefly when an answer was served stale', () => {
    expect(responseLifetimeMs(now - 10, now)).toBe(STALE_RESULT_TTL_MS);
    expect(STALE_RESULT_TTL_MS).toBeLessThan(5_000);
  });
  it('not at all when an answer is one no cache keeps', () => {
    expect(responseLifetimeMs(null, now)).toBe(0);
  });
  it('a fixed time when it read no upstream answer', () => {
    expect(responseLifetimeMs(Number.POSITIVE_INFINITY, now)).toBe(NO_UPSTREAM_TTL_MS);
  });
});
