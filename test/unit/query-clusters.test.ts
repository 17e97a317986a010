import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clusterQueries, type QueryInput } from '../../src/schema/query-clusters.js';
import { normaliseQuery, queryTokens, tokenSetSimilarity } from '../../src/schema/query-text.js';

const query = (text: string, at: number, channel = 'web'): QueryInput<string> => ({ id: `${at}-${text}`, text, createdAt: at, channel, entry: text });

describe('normalising a query', () => {
  it('drops case, accents, punctuation and extra spaces, and spells out common contractions', () => {
    for (const text of ['Where is my order?', 'where is my order', 'WHERE IS MY ORDER!!', "where's my order", '  where   is my order ', 'Where’s my order?']) {
      expect(normaliseQuery(text)).toBe('where is my order');
    }
    expect(normaliseQuery('¿Dónde está mi pedido?')).toBe('donde esta mi pedido');
    expect(normaliseQuery("I don't know, I can't and won't")).toBe('i do not know i can not and will not');
    expect(normaliseQuery("I'm sure they're sure we've said you'll see I'd go")).toBe('i am sure they are sure we have said you will see i would go');
    expect(normaliseQuery("what's your CEO's email")).toBe('what is your ceo email');
    expect(normaliseQuery("let's price-match")).toBe('let us price match');
  });

  it('keeps the letters, marks and digits of every script, lower-cased', () => {
    expect(normaliseQuery('Где мой ЗАКАЗ?')).toBe('где мой заказ');
    expect(normaliseQuery('我的订单在哪里？')).toBe('我的订单在哪里');
    expect(normaliseQuery('أين طلبي؟')).toBe('أين طلبي');
    // Devanagari vowel signs are marks, and part of the word.
    expect(normaliseQuery('मेरा ऑर्डर कहाँ है?')).toBe('मेरा ऑर्डर कहाँ है');
    expect(normaliseQuery('Πού είναι η παραγγελία μου;')).toBe('πού ειναι η παραγγελια μου'.normalize('NFKD').replace(/\p{M}/gu, ''));
    expect(normaliseQuery('Заказ ١٢٣!')).toBe('заказ ١٢٣');
  });

  it('measures token-set (Jaccard) similarity', () => {
    const tokens = (text: string) => queryTokens(normaliseQuery(text));
    expect(tokenSetSimilarity(tokens('where is my order please'), tokens('Where is my order?'))).toBeCloseTo(0.8);
    expect(tokenSetSimilarity(tokens('where is my refund'), tokens('where is my order'))).toBeCloseTo(0.6);
    expect(tokenSetSimilarity(tokens('my my order'), tokens('order my'))).toBe(1);
  });
});

describe('clustering queries', () => {
  it('puts the variants of one query in one cluster and keeps different intents apart', () => {
    const clusters = clusterQueries([
      query('Where is my order?', 1),
      query('where is my order', 2, 'sms'),
      query('WHERE IS MY ORDER!!', 3),
      query("where's my order", 4),
      query('where is my order please', 5),
      query('Where is my refund?', 6),
      query('where is my refund', 7),
      query('gift wrap for a cat', 8),
    ]);
    expect(clusters.map((cluster) => [cluster.key, cluster.count])).toEqual([
      ['where is my order', 5],
      ['where is my refund', 2],
      ['gift wrap for a cat', 1],
    ]);
    const [order] = clusters;
    expect(order).toMatchObject({ firstSeen: 1, lastSeen: 5, channels: ['web', 'sms'] });
    expect(order!.phrasings.map((phrasing) => phrasing.text)).toEqual([
      'where is my order please',
      "where's my order",
      'WHERE IS MY ORDER!!',
      'where is my order',
      'Where is my order?',
    ]);
  });

  it('keeps intents in other scripts apart, and their variants together, each with its own key', () => {
    const clusters = clusterQueries([
      query('Где мой заказ?', 1),
      query('где мой заказ', 2),
      query('Как вернуть деньги?', 3),
      query('我的订单在哪里', 4),
      query('我的订单在哪里？', 5),
      query('怎么退款', 6),
      query('أين طلبي', 7),
      query('أين طلبي؟', 8),
      query('मेरा ऑर्डर कहाँ है', 9),
      query('मेरा ऑर्डर कहां है?', 10),
    ]);
    // Which comes first among equal counts is the recency rule's, tested above; here: which clusters.
    expect(new Map(clusters.map((cluster) => [cluster.key, cluster.count]))).toEqual(new Map([
      ['أين طلبي', 2],
      ['где мой заказ', 2],
      ['我的订单在哪里', 2],
      ['मेरा ऑर्डर कहाँ है', 1],
      ['मेरा ऑर्डर कहां है', 1],
      ['как вернуть деньги', 1],
      ['怎么退款', 1],
    ]));
    expect(clusters).toHaveLength(7);
  });

  it('merges near-duplicates only above the threshold (0.7), compared with the leading query', () => {
    const joined = clusterQueries([query('combine two orders into one box', 1), query('combine two orders into one box', 2), query('can you combine two orders into one box', 3)]);
    expect(joined.map((cluster) => cluster.count)).toEqual([3]);
    // 4 of 6 words: 0.67.
    const apart = clusterQueries([query('do you price match amazon', 1), query('do you price match amazon', 2), query('can you price match amazon', 3)]);
    expect(apart.map((cluster) => cluster.count)).toEqual([2, 1]);
  });

  it('gives the same clusters for the same queries in any order (fast-check)', () => {
    const words = ['where', 'is', 'my', 'order', 'refund', 'parcel', 'please', 'the', 'box', 'late'];
    const text = fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 6 }).map((tokens) => tokens.join(' '));
    const queries = fc.array(fc.record({ text, at: fc.integer({ min: 0, max: 50 }) }), { minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(queries, fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })), (drawn, noise) => {
        const inputs = drawn.map(({ text, at }, index) => ({ ...query(text, at), id: `q${index}` }));
        const shuffled = [...inputs].map((input) => [noise.next().value, input] as const).sort(([a], [b]) => a - b).map(([, input]) => input);
        const describe = (clusters: ReturnType<typeof clusterQueries<string>>) =>
          clusters.map((cluster) => ({ ...cluster, phrasings: cluster.phrasings.map((phrasing) => [phrasing.text, phrasing.count, phrasing.newest.id]) }));
        expect(describe(clusterQueries(shuffled))).toEqual(describe(clusterQueries(inputs)));
        expect(clusterQueries(inputs).reduce((sum, cluster) => sum + cluster.count, 0)).toBe(inputs.length);
      }),
      { numRuns: 200 },
    );
  });

  it('puts every query with a similarity above the threshold to its leader in a cluster: the prefix filter misses none (fast-check)', () => {
    const words = Array.from({ length: 14 }, (_, index) => `w${index}`);
    const text = fc.uniqueArray(fc.constantFrom(...words), { minLength: 1, maxLength: 10 }).map((tokens) => tokens.join(' '));
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 40 }), (texts) => {
        const clusters = clusterQueries(texts.map((value, index) => ({ ...query(value, index), id: `q${index}` })));
        const leaders = clusters.map((cluster) => queryTokens(cluster.key));
        // No two leaders are above the threshold: the later would have joined the earlier.
        for (let a = 0; a < leaders.length; a++) for (let b = a + 1; b < leaders.length; b++) expect(tokenSetSimilarity(leaders[a]!, leaders[b]!)).toBeLessThanOrEqual(0.7);
      }),
      { numRuns: 300 },
    );
  });
});
