import { createCipheriv, createHmac, randomBytes, timingSafeEqual, type Cipher } from 'node:crypto';
import { badUserInput } from './errors.js';

/**
 * Where cursor keys come from. The in-process one holds CURSOR_SECRET (or a
 * random secret of this process); a shared implementation can hold it
 * elsewhere, as long as every replica derives the same key from the same
 * material.
 */
export interface CursorKeys {
  /** HMAC-SHA256 of `material` under the cursor secret. */
  derive(material: string): Buffer;
}

export function createCursorKeys(secret: string | null): CursorKeys {
  const key = secret === null ? randomBytes(32) : Buffer.from(secret, 'utf8');
  return { derive: (material) => createHmac('sha256', key).update(material).digest() };
}

/**
 * What a traversal holds still, beside the offset: the Avaamo snapshot it
 * reads, or the page of a live traversal whose state the gateway keeps
 * (traversal-store.ts); `none` for lists the gateway holds whole. A list read
 * in windows (upstreams/avaamo/windows.ts) also names the window the offset
 * counts in, by its week of the grid.
 */
export type CursorPin =
  | { kind: 'none' }
  | { kind: 'snapshot'; snapshot: number }
  | { kind: 'page'; page: string }
  | { kind: 'window'; week: number; snapshot: number };

export interface DecodedCursor {
  offset: number;
  pin: CursorPin;
}

/** The codec of one gateway: one `ListCursors` per connection resolved. */
export interface CursorCodec {
  list(name: string, filters: Record<string, unknown>): ListCursors;
}

export function createCursorCodec(keys: CursorKeys): CursorCodec {
  return { list: (name, filters) => new ListCursors(keys, name, filters) };
}

const VERSION = '2';
/** Offsets are 6 bytes of the MAC's block: far beyond any upstream list. */
const MAX_OFFSET = 2 ** 48 - 1;
const TAG_HEX = 24;
/** Longer than any cursor this codec writes (a page id of 16, a window of 8 and a snapshot of ~20, an offset of 15 characters). */
const MAX_CURSOR_LENGTH = 200;
/** Format 1 cursors of contacts carried a tag per contact returned, up to 12,000 characters. */
const MAX_FORMAT_ONE_LENGTH = 12_000;
const PIN = /^(?:|s(\d{1,12}(?:\.\d{1,9})?)|p([A-Za-z0-9_-]{1,64})|w(-?\d{1,7})s(\d{1,12}(?:\.\d{1,9})?))$/;
const OFFSET = /^(?:0|[1-9]\d{0,14})$/;
const TAG = /^[0-9a-f]{24}$/;

/**
 * The cursors of one list with its filters: `2~<pin>~<offset>~<tag>`.
 *
 * The tag is a MAC per edge, so editing any part of a cursor (the offset
 * too) is refused, and a position of one traversal always has one cursor.
 * It stays cheap because what belongs to the connection is computed once
 * per connection: the list's canonical key, and a key derived with
 * HMAC-SHA256 from the secret, the list and the pin. Per edge, the tag is
 * that key's AES-128 of the offset, all the connection's offsets in one
 * call (ECB here is AES used as a pseudo-random function of one block, the
 * offset, not encryption of data), truncated to 96 bits.
 */
export class ListCursors {
  #listKey: string | null = null;
  readonly #ciphers = new Map<string, Cipher>();

  constructor(
    private readonly keys: CursorKeys,
    private readonly name: string,
    private readonly filters: Record<string, unknown>,
  ) {}

  /** The cursors of `offsets`, in order, all with one pin. */
  issue(pin: CursorPin, offsets: readonly number[]): string[] {
    if (offsets.length === 0) return [];
    const text = pinText(pin);
    const tags = this.#tags(text, offsets);
    const prefix = `${VERSION}~${text}~`;
    return offsets.map((offset, index) => `${prefix}${offset}~${tags.slice(index * 32, index * 32 + TAG_HEX)}`);
  }

  /** Reads a cursor of this list; anything else is BAD_USER_INPUT, before any upstream call. */
  decode(cursor: string): DecodedCursor {
    if (!cursor.startsWith(`${VERSION}~`) || cursor.length > MAX_CURSOR_LENGTH) throw isFormatOne(cursor) ? outdatedCursor() : invalidCursor();
    const parts = cursor.split('~');
    if (parts.length !== 4) throw invalidCursor();
    const [, text, offsetText, tag] = parts as [string, string, string, string];
    const pin = PIN.exec(text);
    if (!pin || !OFFSET.test(offsetText) || !TAG.test(tag)) throw invalidCursor();
    const offset = Number(offsetText);
    if (offset > MAX_OFFSET) throw invalidCursor();
    const expected = Buffer.from(this.#tags(text, [offset]).slice(0, TAG_HEX), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(tag, 'hex'))) throw invalidCursor();
    if (pin[1] !== undefined) return { offset, pin: { kind: 'snapshot', snapshot: Number(pin[1]) } };
    if (pin[2] !== undefined) return { offset, pin: { kind: 'page', page: pin[2] } };
    if (pin[3] !== undefined) return { offset, pin: { kind: 'window', week: Number(pin[3]), snapshot: Number(pin[4]) } };
    return { offset, pin: { kind: 'none' } };
  }

  /** Hex of AES_k(offset) per offset, 32 digits each, k derived once per pin. */
  #tags(text: string, offsets: readonly number[]): string {
    let cipher = this.#ciphers.get(text);
    if (!cipher) {
      this.#listKey ??= canonicalKey({ list: this.name, filters: this.filters });
      const key = this.keys.derive(`cx-gateway cursor ${VERSION}\n${this.#listKey}\n${text}`).subarray(0, 16);
      cipher = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false);
      this.#ciphers.set(text, cipher);
    }
    const blocks = Buffer.alloc(16 * offsets.length);
    offsets.forEach((offset, index) => blocks.writeUIntBE(offset, index * 16 + 10, 6));
    return cipher.update(blocks).toString('hex');
  }
}

/** Whether a snapshot can pin cursors: positive epoch seconds as Avaamo's time_token spells them. */
export function isPinnableSnapshot(snapshot: number): boolean {
  return Number.isFinite(snapshot) && snapshot > 0 && PIN.test(`s${snapshot}`);
}

function pinText(pin: CursorPin): string {
  if (pin.kind === 'snapshot' || pin.kind === 'window') {
    if (!isPinnableSnapshot(pin.snapshot)) throw new TypeError(`a cursor snapshot must be positive epoch seconds (got ${pin.snapshot})`);
    if (pin.kind === 'snapshot') return `s${pin.snapshot}`;
    if (!Number.isSafeInteger(pin.week) || Math.abs(pin.week) >= 1e7) throw new TypeError(`a cursor window must be a week number (got ${pin.week})`);
    return `w${pin.week}s${pin.snapshot}`;
  }
  return pin.kind === 'page' ? `p${pin.page}` : '';
}

/**
 * A stable spelling of a value: object keys sorted, Dates as ISO strings,
 * undefined left out, so equal arguments always spell the same (a cursor's
 * key is derived from its list's spelling).
 */
export function canonicalKey(value: unknown): string {
  return JSON.stringify(value, (_key, raw: unknown) => {
    if (raw && typeof raw === 'object' && !Array.isArray(raw) && !(raw instanceof Date)) {
      const record = raw as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys(record)
          .sort()
          .filter((key) => record[key] !== undefined)
          .map((key) => [key, record[key]]),
      );
    }
    return raw;
  });
}

/** Format 1 was base64url JSON `{"v":1,…}` with an unkeyed checksum. */
function isFormatOne(cursor: string): boolean {
  return cursor.length <= MAX_FORMAT_ONE_LENGTH && /^[A-Za-z0-9_-]+$/.test(cursor) && Buffer.from(cursor, 'base64url').toString('utf8').startsWith('{"v":1,');
}

export function invalidCursor() {
  return badUserInput('invalid cursor: it is garbled or belongs to another list or other arguments', { reason: 'CURSOR_INVALID' });
}

function outdatedCursor() {
  return badUserInput(
    'invalid cursor: it was issued by an earlier version of this gateway (cursor format 1), which no longer reads it; start again without `after`/`before`',
    { reason: 'CURSOR_OUTDATED' },
  );
}
