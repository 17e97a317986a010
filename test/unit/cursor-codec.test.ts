import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createCursorCodec, createCursorKeys, type CursorPin } from '../../src/schema/cursor-codec.js';

const SECRET = 'unit-test cursor secret, 32+ characters long';
const codec = createCursorCodec(createCursorKeys(SECRET));
const messages = () => codec.list('messages', { agentId: 1, since: new Date(0) });
const snapshot: CursorPin = { kind: 'snapshot', snapshot: 1763758748.123456 };

function failure(run: () => unknown): { code: unknown; reason: unknown; message: string } | 'no error' {
  try {
    run();
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    return { code: error.extensions.code, reason: error.extensions.reason, message: error.message };
  }
  return 'no error';
}

const refused = (cursor: string, list = messages()) => failure(() => list.decode(cursor));

describe('cursor codec', () => {
  it('round-trips offsets with each kind of pin', () => {
    const windows: CursorPin[] = [
      { kind: 'window', week: 2_969, snapshot: 1763758748.123456 },
      { kind: 'window', week: -3, snapshot: 1763758748 },
    ];
    for (const pin of [{ kind: 'none' }, snapshot, { kind: 'page', page: 'AbC-_09xyz' }, ...windows] as CursorPin[]) {
      const cursors = messages().issue(pin, [0, 7, 1234, 2 ** 40]);
      expect(cursors.map((cursor) => messages().decode(cursor))).toEqual([0, 7, 1234, 2 ** 40].map((offset) => ({ offset, pin })));
    }
  });

  it('tells the same offset in two windows apart: the window is signed with it', () => {
    const [inOne] = messages().issue({ kind: 'window', week: 2_969, snapshot: 1763758748.5 }, [4]);
    const moved = inOne!.replace('~w2969s', '~w2968s');
    expect(refused(moved)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CURSOR_INVALID' });
  });

  it('gives a position one cursor, however the connection around it was cut', () => {
    const [, alone] = messages().issue(snapshot, [3, 41]);
    const inPage = messages().issue(snapshot, [39, 40, 41, 42]);
    expect(inPage[2]).toBe(alone);
  });

  it('reads a cursor with the same filters spelt in another order or with undefined ones', () => {
    const [cursor] = codec.list('messages', { since: new Date(0), agentId: 1, until: undefined }).issue(snapshot, [5]);
    expect(messages().decode(cursor!)).toEqual({ offset: 5, pin: snapshot });
  });

  it('refuses any edited character, the offset included', () => {
    const [cursor] = messages().issue(snapshot, [12345]);
    for (let at = 0; at < cursor!.length; at++) {
      for (const replacement of ['0', '1', '9', 'a', 'f', '~', '.', 'p', 's']) {
        if (cursor![at] === replacement) continue;
        const edited = cursor!.slice(0, at) + replacement + cursor!.slice(at + 1);
        expect(refused(edited)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CURSOR_INVALID' });
      }
    }
  });

  it('refuses an offset moved to a neighbour with the tag left as it was', () => {
    const [cursor] = messages().issue({ kind: 'none' }, [40]);
    const [version, pin, , tag] = cursor!.split('~');
    for (const offset of [39, 41, 0, 400]) expect(refused([version, pin, offset, tag].join('~'))).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('refuses every truncation and extension', () => {
    const [cursor] = messages().issue(snapshot, [77]);
    for (let length = 0; length < cursor!.length; length++) expect(refused(cursor!.slice(0, length))).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(refused(`${cursor}0`)).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(refused(`${cursor}~`)).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('refuses a cursor signed with another secret', () => {
    const other = createCursorCodec(createCursorKeys('another secret, also 32+ characters long')).list('messages', { agentId: 1, since: new Date(0) });
    const [cursor] = other.issue(snapshot, [3]);
    expect(refused(cursor!)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CURSOR_INVALID' });
  });

  it('gives each gateway without a secret its own random one', () => {
    const [cursor] = createCursorCodec(createCursorKeys(null)).list('agents', {}).issue({ kind: 'none' }, [1]);
    expect(refused(cursor!, createCursorCodec(createCursorKeys(null)).list('agents', {}))).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('refuses a cursor of another list or other filters', () => {
    const [cursor] = messages().issue(snapshot, [3]);
    expect(refused(cursor!, codec.list('smsRecords', { agentId: 1, since: new Date(0) }))).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(refused(cursor!, codec.list('messages', { agentId: 2, since: new Date(0) }))).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(refused(cursor!, codec.list('messages', { agentId: 1 }))).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('refuses garbage, oversized input and other versions', () => {
    for (const cursor of ['', 'not-a-cursor', '%%%', '2~~1', '3~~1~000000000000000000000000', '2~~-1~000000000000000000000000', 'A'.repeat(50_000)]) {
      expect(refused(cursor)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CURSOR_INVALID' });
    }
  });

  it('says a format-1 cursor is from an earlier version, which it no longer reads', () => {
    // As the gateway wrote them before: base64url JSON with an unkeyed checksum.
    const formatOne = Buffer.from(JSON.stringify({ v: 1, o: 40, s: 1763758748.5, k: 'Qx0h0v6vG4bXc2Yd' })).toString('base64url');
    expect(refused(formatOne)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CURSOR_OUTDATED', message: expect.stringMatching(/earlier version/) });
  });

  it('stays the same size whatever the offset grows to', () => {
    const [near, far] = messages().issue({ kind: 'page', page: 'Zx81_a0' }, [1, 999_999]);
    expect(far!.length - near!.length).toBe(5);
    expect(far!.length).toBeLessThan(60);
  });
});
