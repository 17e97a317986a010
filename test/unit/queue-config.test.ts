import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';

describe('live queue configuration', () => {
  it('polls every 5 s, allows 20 subscriptions a caller and 10,000 a process, pings every 12 s', () => {
    expect(loadConfig({}).queue).toEqual({
      pollIntervalMs: 5000,
      maxBackoffMs: 60_000,
      maxSubscriptionsPerCaller: 20,
      maxSubscriptions: 10_000,
      heartbeatMs: 12_000,
    });
  });

  it('never polls more often than the contacts cache TTL, and says so when asked to', () => {
    const raised = loadConfig({ QUEUE_POLL_SECONDS: '2', CACHE_TTL_SECONDS: '{"vambe.contactsByStatus": 15}' });
    expect(raised.queue.pollIntervalMs).toBe(15_000);
    expect(raised.warnings.filter((warning) => warning.includes('QUEUE_POLL_SECONDS'))).toEqual([expect.stringMatching(/QUEUE_POLL_SECONDS=2 .* every 15 s/)]);
    // Unset, the longer TTL simply wins; with the cache off nothing holds a poll back.
    const quiet = loadConfig({ CACHE_TTL_SECONDS: '{"vambe.contactsByStatus": 15}' });
    expect(quiet.queue.pollIntervalMs).toBe(15_000);
    expect(quiet.warnings.filter((warning) => warning.includes('QUEUE_POLL_SECONDS'))).toEqual([]);
    expect(loadConfig({ QUEUE_POLL_SECONDS: '1', CACHE: 'false' }).queue.pollIntervalMs).toBe(1000);
    // A long interval backs off at least that long.
    expect(loadConfig({ QUEUE_POLL_SECONDS: '120' }).queue).toMatchObject({ pollIntervalMs: 120_000, maxBackoffMs: 120_000 });
  });

  it.each([
    ['QUEUE_POLL_SECONDS', '0'],
    ['QUEUE_POLL_SECONDS', 'often'],
    ['MAX_SUBSCRIPTIONS_PER_CALLER', '0'],
    ['MAX_SUBSCRIPTIONS', '-1'],
    ['SUBSCRIPTION_HEARTBEAT_SECONDS', '0'],
  ])('refuses %s=%s', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(name));
  });
});
