import { describe, expect, it } from 'vitest';
import { createLimiter } from '../../src/http/limit.js';

describe('the concurrency limiter', () => {
  it('never runs more than its bound, even when tasks arrive as others finish', async () => {
    const limit = createLimiter(3);
    let running = 0;
    let peak = 0;
    const task = async (delay: number) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, delay));
      running -= 1;
    };
    const first = Array.from({ length: 10 }, (_, i) => limit(() => task(i % 3)));
    await new Promise((resolve) => setTimeout(resolve, 1));
    const second = Array.from({ length: 10 }, () => limit(() => task(1)));
    await Promise.all([...first, ...second]);
    expect(peak).toBe(3);
    expect(running).toBe(0);
  });

  it('frees the slot when a task fails', async () => {
    const limit = createLimiter(1);
    await expect(limit(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limit(async () => 'next')).resolves.toBe('next');
  });
});
