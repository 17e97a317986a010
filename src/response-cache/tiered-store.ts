import type { ResponseStore } from './store.js';

/**
 * The replica's own store in front of the one the replicas share: a result
 * found only in the shared store is kept near too; every result kept and
 * every invalidation goes to both.
 */
export function createTieredResponseStore(near: ResponseStore, shared: ResponseStore): ResponseStore {
  const far = async (key: string) => {
    const found = await shared.get(key);
    if (found) near.set(key, found);
    return found;
  };
  return {
    get(key) {
      const found = near.get(key);
      if (found instanceof Promise) return found.then((hit) => hit ?? far(key));
      return found ?? far(key);
    },
    set(key, response) {
      near.set(key, response);
      shared.set(key, response);
    },
    invalidate(tag) {
      near.invalidate(tag);
      shared.invalidate(tag);
    },
  };
}
