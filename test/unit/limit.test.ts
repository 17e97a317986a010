import { describe, expect, it } from 'vitest';
import { createLimiter, LimiterRefusal } from '../../src/http/limit.js';

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

/** A task that runs until the test lets it finish. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, task: () => opened };
}

const outcome = (pending: Promise<unknown>) => pending.then(() => 'ran', (error: unknown) => (error instanceof LimiterRefusal ? error.reason : error));

describe('waiting in the limiter', () => {
  it('lets a waiter whose signal aborts leave at once, and the live caller behind it go next', async () => {
    const limit = createLimiter(1);
    const started: string[] = [];
    const running = gate();
    const first = limit(running.task);
    const callers = ['gone-1', 'gone-2', 'live'].map((name) => ({ name, left: new AbortController() }));
    const pending = callers.map(({ name, left }) =>
      outcome(
        limit(async () => {
          started.push(name);
        }, left.signal),
      ),
    );
    callers[0]!.left.abort();
    callers[1]!.left.abort();
    // They leave while the first task still holds the only slot, not when it reaches them.
    expect(await pending[0]).toBe('aborted');
    expect(await pending[1]).toBe('aborted');
    expect(started).toEqual([]);

    running.open();
    await first;
    expect(await pending[2]).toBe('ran');
    expect(started).toEqual(['live']);
  });

  it('refuses a task at once when its signal has already aborted, without taking the slot', async () => {
    const limit = createLimiter(1);
    const left = new AbortController();
    left.abort();
    expect(await outcome(limit(async () => 'never', left.signal))).toBe('aborted');
    await expect(limit(async () => 'next')).resolves.toBe('next');
  });

  it('keeps at most `maxQueued` waiting and refuses the next at once', async () => {
    const limit = createLimiter(1, 2);
    const running = gate();
    const order: number[] = [];
    const first = limit(running.task);
    const queued = [1, 2].map((index) => limit(async () => void order.push(index)));
    expect(await outcome(limit(async () => void order.push(3)))).toBe('full');

    running.open();
    await Promise.all([first, ...queued]);
    expect(order).toEqual([1, 2]);
    // The queue drained: there is room again.
    await expect(limit(async () => 'again')).resolves.toBe('again');
  });
});
