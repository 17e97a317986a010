/**
 * The sandbox's Rocket.Chat data in wire form: the exact JSON shapes Rocket.Chat sends (see
 * /work/shared/upstreams/CONTRACTS.md), so tests can compare gateway output with it.
 */

export interface RocketChatRoom {
  _id: string;
  t: 'l';
  /** Creation time, ISO-8601; the report filters on it. */
  ts: string;
  servedBy?: { _id: string; username: string };
}

export interface RocketChatUser {
  _id: string;
  username: string;
  name?: string;
}

export interface RocketChatDataset {
  rooms: RocketChatRoom[];
  users: RocketChatUser[];
}
