import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { localBudgetSettings } from '../../src/redis/budgets.js';

describe('scaling configuration', () => {
  it('shares nothing without REDIS_URL, and a lone gateway keeps whole budgets', () => {
    const { scaling, warnings } = loadConfig({});
    expect(scaling).toEqual({ redis: null, localShare: 1 });
    expect(warnings.join('\n')).not.toMatch(/REPLICAS/);
  });

  it('reads Redis settings, with each replica\'s share of the limits one over REPLICAS', () => {
    const { scaling, warnings } = loadConfig({ REDIS_URL: 'redis://:secret@cache.internal:6379/2', REPLICAS: '4' });
    expect(scaling).toEqual({
      redis: { url: 'redis://:secret@cache.internal:6379/2', commandTimeoutMs: 100, keyPrefix: 'cx:', maxValueBytes: 1024 * 1024 },
      localShare: 0.25,
    });
    // The secret kept in Redis stands in for CURSOR_SECRET, and the start log says what that means.
    expect(warnings.join('\n')).toMatch(/No CURSOR_SECRET: cursors are signed with a random secret the replicas keep in Redis/);
    expect(warnings.join('\n')).not.toContain('secret@');
  });

  it('takes REDIS_FALLBACK_BUDGET_SHARE over one over REPLICAS, and refuses a share outside (0, 1]', () => {
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', REPLICAS: '4', REDIS_FALLBACK_BUDGET_SHARE: '0.5' }).scaling.localShare).toBe(0.5);
    for (const share of ['0', '1.5', 'half']) {
      expect(() => loadConfig({ REDIS_FALLBACK_BUDGET_SHARE: share })).toThrow(ConfigError);
    }
    expect(() => loadConfig({ REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(/REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(() => loadConfig({ REDIS_COMMAND_TIMEOUT_MS: '0' })).toThrow(/REDIS_COMMAND_TIMEOUT_MS/);
  });

  it('warns when replicas share no Redis, and when a share of a budget is too small to keep', () => {
    const alone = loadConfig({ REPLICAS: '3' });
    expect(alone.scaling).toEqual({ redis: null, localShare: 1 / 3 });
    expect(alone.warnings.join('\n')).toMatch(/REPLICAS=3 without REDIS_URL: each replica keeps its own cache and keeps to 33.3% of every budget and rate limit/);
    // Rocket.Chat's 10 a minute over 6 replicas is under 2 each.
    const many = loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', REPLICAS: '6' });
    expect(many.warnings.join('\n')).toMatch(/Rocket.Chat: 16.7% of its budget is under 2 calls a minute/);
    expect(many.warnings.join('\n')).not.toMatch(/Avaamo: .* under 2/);
  });

  it('scales each budget to a replica\'s share, never below 2 a minute', () => {
    const { traffic } = loadConfig({});
    expect(localBudgetSettings(traffic.budgets, 1 / 3).rules).toEqual({
      avaamo: { callsPerMinute: 16, perRoute: false },
      vambe: null,
      rocketchat: { callsPerMinute: 3, perRoute: true },
    });
    expect(localBudgetSettings(traffic.budgets, 0.01).rules.rocketchat).toEqual({ callsPerMinute: 2, perRoute: true });
  });
});
