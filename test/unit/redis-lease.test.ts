import { describe, expect, it } from 'vitest';
import { acquireLease, type Lease } from '../../src/redis/lease.js';
import { useTestRedis } from '../redis.js';

/** What other shared work (the queue's cohort poller) builds on: leases and dedicated connections, on a real Redis. */
const redis = useTestRedis();
const replica = () => redis.connect();

describe('leases across replicas', () => {
  it('lets one replica hold a key at a time, and the next take it once let go', async () => {
    const [a, b] = [await replica(), await replica()];
    const key = a.key('cohort:1');
    const held = (await acquireLease(a, key, 10_000)) as Lease;
    expect(typeof held.token).toBe('string');
    expect(await acquireLease(b, key, 10_000)).toBe('held');
    await held.release();
    const next = await acquireLease(b, key, 10_000);
    expect(next).toHaveProperty('token');
    // A holder that let go cannot take the lock back from the one holding it now.
    await held.release();
    expect(await acquireLease(a, key, 10_000)).toBe('held');
    await (next as Lease).release();
  });

  it('keeps a lease alive while renewed, and loses it within a lease once its holder stops', { timeout: 30_000 }, async () => {
    const [a, b] = [await replica(), await replica()];
    const key = a.key('cohort:2');
    // A lease of 3 s renewed every second: only a stall of 2 s on a busy runner would lose it.
    const held = (await acquireLease(a, key, 3_000)) as Lease;
    // Longer than one lease later the holder still has it, and Redis still gives it most of a lease: renewed.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(await acquireLease(b, key, 3_000)).toBe('held');
    expect(await a.client.pttl(key)).toBeGreaterThan(1_000);
    held.stopRenewing();
    // Not renewed any more: gone within one lease, and the other replica takes it.
    await expect.poll(async () => acquireLease(b, key, 10_000), { timeout: 10_000, interval: 200 }).toHaveProperty('token');
  });

  it('answers unavailable while Redis is away, without waiting for it', async () => {
    const a = await replica();
    await redis.server().kill();
    await expect.poll(() => a.health.state).toBe('degraded');
    expect(await acquireLease(a, a.key('cohort:3'), 1_000)).toBe('unavailable');
    await redis.server().restart();
    await expect.poll(() => a.health.state, { timeout: 15_000 }).toBe('up');
  });

  it('hands out dedicated connections, e.g. a publisher and a subscriber', async () => {
    const a = await replica();
    const [publisher, subscriber] = [a.duplicate(), a.duplicate()];
    const heard: string[] = [];
    subscriber.on('message', (_channel: string, message: string) => heard.push(message));
    await expect.poll(() => subscriber.status).toBe('ready');
    await subscriber.subscribe(a.key('events'));
    await expect.poll(() => publisher.status).toBe('ready');
    await publisher.publish(a.key('events'), 'hello');
    await expect.poll(() => heard).toEqual(['hello']);
  });
});
