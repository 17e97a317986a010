import type { Rng } from '../rng.js';
import { DATA_WINDOW_MS } from '../time.js';
import type { RocketChatDataset, RocketChatRoom, RocketChatUser } from './types.js';

/** Livechat agents. Two share a display name on purpose: the report gives them two rows with one label. */
const AGENT_NAMES = [
  'Jane Kim', 'Baek Kim', 'Rodrigo Alves', 'Aisha Bello', 'Tom Becker', 'Laura Rossi', 'Kenji Watanabe',
  'Fatima Zahra', 'Peter Novak', 'Grace Liu', 'Samuel Osei', 'Nina Petrova', 'Diego Ramos', 'Hannah Weber',
  'Alex Morgan', 'Alex Morgan',
] as const;

export function generateRocketChat(rng: Rng, now: number): RocketChatDataset {
  const users: RocketChatUser[] = AGENT_NAMES.map((name, index) => ({
    _id: rng.mongoId(),
    username: `${name.toLowerCase().replace(' ', '.')}${index === AGENT_NAMES.length - 1 ? '2' : ''}`,
    name,
  }));
  // A user without a name: the report labels its rows with the raw user id.
  users.push({ _id: rng.mongoId(), username: 'agent5' });
  users.push({ _id: rng.mongoId(), username: 'dialog.bot', name: 'Dialog Bot' });
  // An agent whose user was deleted: rooms still point at the id, so the label is the id too.
  const servers = [...users.map((u) => ({ _id: u._id, username: u.username })), { _id: rng.mongoId(), username: 'former.agent' }];

  const weights = servers.map((server) => [server, server.username === 'former.agent' ? 1 : rng.int(1, 10)] as const);
  const rooms: RocketChatRoom[] = [];
  const count = rng.int(1100, 1300);
  for (let i = 0; i < count; i++) {
    const room: RocketChatRoom = { _id: rng.mongoId(), t: 'l', ts: new Date(now - rng.int(1, DATA_WINDOW_MS)).toISOString() };
    // Queued or abandoned chats never got an agent: the report's `unspecified`.
    if (!rng.chance(0.08)) room.servedBy = { ...rng.weighted(weights) };
    rooms.push(room);
  }
  rooms.sort((a, b) => a.ts.localeCompare(b.ts));
  return { rooms, users };
}
