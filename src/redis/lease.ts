import { randomBytes } from 'node:crypto';
import type { RedisConnection } from './connection.js';
import { script } from './script.js';

/** A lock held in Redis by one replica, renewed while it works, gone by itself if the replica dies. */
export interface Lease {
  /** Names this holder: only it may renew or let go of the lock. */
  readonly token: string;
  /** Stops renewing; the lock then lasts at most one more lease. */
  stopRenewing(): void;
  /** Lets go at once (if still this holder's). */
  release(): Promise<void>;
}

const RENEW = script(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`);

/** Deletes a lock if `ARGV[1]` still holds it (the live queue's cohort locks let go with it too). */
export const RELEASE = script(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/**
 * `SET key token NX PX leaseMs`, renewed every third of the lease until
 * stopped, so a holder working longer than one lease keeps it and one that
 * died loses it within a lease. `held`: another replica has it;
 * `unavailable`: Redis cannot say now (the caller decides alone). For
 * anything only one replica should do at a time: a key's upstream load
 * (answers.ts), a cohort's poller.
 */
export async function acquireLease(redis: RedisConnection, key: string, leaseMs: number): Promise<Lease | 'held' | 'unavailable'> {
  const token = randomBytes(12).toString('base64url');
  const taken = await redis.attempt(async (client) => ((await client.set(key, token, 'PX', leaseMs, 'NX')) === 'OK' ? 'taken' : 'held'), () => 'unavailable' as const);
  if (taken !== 'taken') return taken;
  // Real time: the lease runs out on Redis's clock, whatever clock the gateway's requests run on.
  const timer = setInterval(() => {
    void redis.attempt((client) => RENEW(client, [key], [token, leaseMs]), () => undefined);
  }, Math.max(1, Math.floor(leaseMs / 3)));
  timer.unref();
  const stopRenewing = () => clearInterval(timer);
  return {
    token,
    stopRenewing,
    async release() {
      stopRenewing();
      await redis.attempt((client) => RELEASE(client, [key], [token]), () => undefined);
    },
  };
}
