/**
 * How two user queries are compared for clustering (unhandled-query-cluster.ts):
 * normalised, then as sets of words.
 */

/** Words before 's that make it "is" ("where's" = "where is"); after any other word it is a possessive, and dropped. */
const IS_CONTRACTIONS = new Set(['it', 'he', 'she', 'that', 'this', 'there', 'here', 'what', 'where', 'when', 'who', 'why', 'how']);
const IRREGULAR_NOT: Readonly<Record<string, string>> = { can: 'can', won: 'will', shan: 'shall', ain: 'is' };
const SUFFIXES: Readonly<Record<string, string>> = { re: 'are', ve: 'have', ll: 'will', d: 'would', m: 'am' };

function expandContraction(word: string, suffix: string): string {
  if (suffix === 't' && word.endsWith('n')) {
    // "don't" splits as "don" + "t": the "n" belongs to "not".
    const stem = word.slice(0, -1);
    return `${IRREGULAR_NOT[word] ?? stem} not`;
  }
  if (suffix === 's') {
    if (word === 'let') return 'let us';
    return IS_CONTRACTIONS.has(word) ? `${word} is` : word;
  }
  const expanded = SUFFIXES[suffix];
  return expanded ? `${word} ${expanded}` : `${word} ${suffix}`;
}

/**
 * The query as compared: accents of Latin and Greek letters dropped (NFKD),
 * lower case (Unicode), common English contractions spelled out ("where's" →
 * "where is", "don't" → "do not", "I'm" → "i am", a possessive 's dropped),
 * every character that is not a letter, a mark or a digit of any script a
 * space, runs of spaces one. "WHERE IS MY ORDER!!", "Where is my order?" and
 * "where's my order" all become "where is my order"; "Где мой заказ?" becomes
 * "где мой заказ". Marks of other scripts stay: Devanagari's vowel signs and
 * Cyrillic's й are letters of their words, not accents. Scripts written
 * without spaces (Chinese, Japanese) are one word per run.
 */
export function normaliseQuery(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/([\p{Script=Latin}\p{Script=Greek}])\p{M}+/gu, '$1')
    .normalize('NFC')
    .toLowerCase()
    .replace(/[‘’`´]/g, "'")
    .replace(/([a-z]+)'([a-z]+)\b/g, (_match, word: string, suffix: string) => expandContraction(word, suffix))
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, ' ')
    .trim();
}

/** The distinct words of a normalised query. */
export function queryTokens(normalised: string): Set<string> {
  return new Set(normalised.split(' ').filter((word) => word !== ''));
}

/** Jaccard similarity of two token sets: shared words over all words, 0..1 (two empty sets: 1). */
export function tokenSetSimilarity(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const token of a) if (b.has(token)) shared += 1;
  return shared / (a.size + b.size - shared);
}
