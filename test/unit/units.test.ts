import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromEpochSeconds, toEpochMicros, toEpochSeconds } from '../../src/upstreams/time.js';
import { canonicalKey } from '../../src/schema/cursor-codec.js';
import { canonicalUrl } from '../../src/http/request-key.js';
import { codeForStatus } from '../../src/http/errors.js';
import { toE164 } from '../../src/schema/sms-record.js';

describe('upstream time units', () => {
  const instant = new Date('2019-09-23T05:32:02.512Z');

  it('converts to Avaamo microsecond timetokens (16 digits)', () => {
    expect(toEpochMicros(instant)).toBe(1569216722512000);
    expect(String(toEpochMicros(instant))).toHaveLength(16);
  });

  it('rounds second bounds outward so the range keeps its edges', () => {
    expect(toEpochSeconds(instant, 'down')).toBe(1569216722);
    expect(toEpochSeconds(instant, 'up')).toBe(1569216723);
  });

  it('reads integer and float epoch seconds alike', () => {
    expect(fromEpochSeconds(1569216722.51246).toISOString()).toBe('2019-09-23T05:32:02.512Z');
    expect(fromEpochSeconds(1569216722).toISOString()).toBe('2019-09-23T05:32:02.000Z');
  });
});

describe('canonical requests', () => {
  it('spell one request one way whatever the key order', () => {
    const a = canonicalKey({ page: 2, agentId: 7, since: new Date(0), until: undefined });
    const b = canonicalKey({ since: new Date(0), agentId: 7, page: 2 });
    expect(a).toBe(b);
    expect(canonicalKey({ agentId: 7, page: 3 })).not.toBe(canonicalKey({ agentId: 7, page: 2 }));
  });

  it('sort URL parameters and encode what needs encoding', () => {
    const url = canonicalUrl('http://upstream.test', '/x.json', { to_phone: '+1 (555) 0100&x=1', page: 1, b: undefined });
    expect(url).toBe('http://upstream.test/x.json?page=1&to_phone=%2B1+%28555%29+0100%26x%3D1');
    expect(new URL(url).searchParams.get('to_phone')).toBe('+1 (555) 0100&x=1');
    expect([...new URL(url).searchParams.keys()]).toEqual(['page', 'to_phone']);
  });

  it('spell every URL as WHATWG URL does, with its parameters appended in sorted order (fast-check)', () => {
    const viaUrl = (base: string, path: string, query: Record<string, string | undefined>) => {
      const url = new URL(base + path);
      for (const key of Object.keys(query).sort()) if (query[key] !== undefined) url.searchParams.append(key, query[key]!);
      return url.toString();
    };
    const base = fc.constantFrom('http://upstream.test', 'https://Cx.Avaamo.com:443', 'http://127.0.0.1:4010', 'http://h.test/prefix', 'http://h.test/x?fixed=1');
    const path = fc.constantFrom('', '/a.json', '/api/v1/agents/20457.json', '/a/../b', '/sp ace', '/%7e?', '/x#frag');
    // Any UTF-16, lone surrogates included (URL writes them as U+FFFD).
    const text = (maxLength: number) => fc.oneof(fc.string({ maxLength }), fc.string({ unit: 'binary', maxLength }), fc.constantFrom("!'()~*-._ +&=%", '日本 ü'));
    const query = fc.dictionary(text(6), fc.option(text(12), { nil: undefined }), { maxKeys: 5 });
    fc.assert(
      fc.property(base, path, query, (b, p, q) => {
        // Twice: the second spelling comes from the parsed-URL memo.
        expect(canonicalUrl(b, p, q)).toBe(viaUrl(b, p, q));
        expect(canonicalUrl(b, p, q)).toBe(viaUrl(b, p, q));
      }),
      { numRuns: 500 },
    );
  });
});

describe('the status table', () => {
  it('maps every documented outcome', () => {
    expect([400, 401, 403, 404, 422, 429, 500, 502, 503, 504].map(codeForStatus)).toEqual([
      'BAD_USER_INPUT',
      'UNAUTHENTICATED',
      'FORBIDDEN',
      'NOT_FOUND',
      'BAD_USER_INPUT',
      'RATE_LIMITED',
      'UPSTREAM_ERROR',
      'UPSTREAM_ERROR',
      'UPSTREAM_ERROR',
      'UPSTREAM_ERROR',
    ]);
  });
});

describe('phone numbers', () => {
  it('normalise to E.164 only when a country code is present', () => {
    expect(toE164('+1(123) 456-7890')).toBe('+11234567890');
    expect(toE164('+11231231234')).toBe('+11231231234');
    expect(toE164('(123) 456-7890')).toBeNull();
  });
});
