import { createHash, timingSafeEqual } from 'node:crypto';

/** The token of `Authorization: Bearer <token>` (the scheme in any case); null when absent or of another form. */
export function bearerToken(authorization: string | null | undefined): string | null {
  return /^Bearer +(\S+) *$/i.exec(authorization ?? '')?.[1] ?? null;
}

/** The SHA-256 of a key or token: what is kept of one, and compared. */
export const sha256Digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Whether `sent` is the key whose digest is `expected`: compared as SHA-256
 * digests in constant time, so neither the timing nor the length tells a
 * guesser anything.
 */
export const matchesDigest = (sent: string, expected: Buffer): boolean => {
  const digest = sha256Digest(sent);
  return digest.length === expected.length && timingSafeEqual(digest, expected);
};
