import { randomBytes } from 'node:crypto';
import { createLocalPages, positionOf, TRAVERSAL_IDLE_MS, type TraversalPage, type TraversalStore } from '../schema/traversal-store.js';
import type { RedisConnection } from './connection.js';
import { script } from './script.js';

/**
 * Pages live at traversal:<id> as `<parent id>\n<page JSON>` ('' for a
 * first page's parent). A load walks the way back in one call and keeps
 * every page on it alive another idle period, as reading does in process.
 */
const LOAD = script(`
local pages = {}
local id = ARGV[2]
while id ~= '' do
  local key = ARGV[1] .. id
  local value = redis.call('GET', key)
  if not value then return nil end
  redis.call('PEXPIRE', key, ARGV[3])
  pages[#pages + 1] = value
  id = string.sub(value, 1, string.find(value, '\\n', 1, true) - 1)
end
return pages
`);

/**
 * Contacts traversals for every replica: a page recorded by one is read by
 * the next, wherever the client's next request lands. Each page is kept in
 * this process too, so a traversal still goes on here while Redis is away
 * (and its pages written then stay this replica's).
 */
export function createRedisTraversalStore(redis: RedisConnection, idleMs = TRAVERSAL_IDLE_MS): TraversalStore {
  const near = createLocalPages({ idleMs });
  const prefix = redis.key('traversal:');
  return {
    record(page, settle) {
      const id = randomBytes(12).toString('base64url');
      near.set(id, page);
      const value = `${page.parent ?? ''}\n${JSON.stringify(page)}`;
      if (Buffer.byteLength(value) <= redis.settings.maxValueBytes) {
        settle?.(redis.attempt((client) => client.set(prefix + id, value, 'PX', idleMs).then(() => undefined), () => undefined));
      }
      return id;
    },
    async load(id) {
      const way = await redis.attempt(async (client) => (await LOAD(client, [], [prefix, id, idleMs])) as string[] | null, () => null);
      if (!way) return near.position(id);
      return positionOf(way.map((value) => JSON.parse(value.slice(value.indexOf('\n') + 1)) as TraversalPage));
    },
  };
}
