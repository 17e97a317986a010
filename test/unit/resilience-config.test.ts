import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';

describe('resilience configuration', () => {
  it('has defaults that bound every call', () => {
    const { resilience } = loadConfig({});
    expect(resilience).toEqual({
      operationDeadlineMs: 20_000,
      timeouts: {
        avaamo: { connectMs: 3000, totalMs: 15_000 },
        vambe: { connectMs: 3000, totalMs: 15_000 },
        rocketchat: { connectMs: 3000, totalMs: 15_000 },
      },
      retry: { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 2000 },
      breaker: { failureRatio: 0.5, windowMs: 30_000, minRequests: 10, openMs: 15_000 },
    });
  });

  it('takes per-upstream timeouts over the shared ones', () => {
    const { resilience } = loadConfig({
      UPSTREAM_TIMEOUT_MS: '5000',
      UPSTREAM_CONNECT_TIMEOUT_MS: '500',
      VAMBE_TIMEOUT_MS: '9000',
      ROCKETCHAT_CONNECT_TIMEOUT_MS: '1500',
    });
    expect(resilience.timeouts).toEqual({
      avaamo: { connectMs: 500, totalMs: 5000 },
      vambe: { connectMs: 500, totalMs: 9000 },
      rocketchat: { connectMs: 1500, totalMs: 5000 },
    });
  });

  it('reports every value out of range at once', () => {
    try {
      loadConfig({ BREAKER_FAILURE_RATIO: '1', UPSTREAM_RETRY_ATTEMPTS: '0', OPERATION_DEADLINE_MS: 'soon' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      for (const name of ['BREAKER_FAILURE_RATIO', 'UPSTREAM_RETRY_ATTEMPTS', 'OPERATION_DEADLINE_MS']) expect(problems).toContain(name);
    }
  });
});
