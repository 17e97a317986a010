/** Why the limiter did not run a task: its queue was full, or the task's signal aborted while it waited. */
export class LimiterRefusal extends Error {
  constructor(readonly reason: 'full' | 'aborted') {
    super(reason === 'full' ? 'too many tasks waiting' : 'left the queue');
    this.name = 'LimiterRefusal';
  }
}

interface Waiter {
  start(): void;
}

/**
 * At most `max` tasks run at once; up to `maxQueued` more wait in arrival
 * order, and the next is refused at once (LimiterRefusal 'full'). Keeps a
 * wide query (many agents × lists) from opening a connection per field, and
 * a stalled upstream from collecting an unbounded queue. A waiter whose
 * signal aborts (its caller left, its deadline passed) leaves the queue at
 * once (LimiterRefusal 'aborted'), so it neither holds its place nor delays
 * the live callers behind it.
 */
export function createLimiter(max: number, maxQueued = Number.POSITIVE_INFINITY) {
  let running = 0;
  // A Set keeps arrival order and lets a waiter leave from anywhere in O(1).
  const waiting = new Set<Waiter>();

  // A finishing task hands its slot straight to the next waiter, so a task
  // arriving in between cannot slip past the bound.
  const release = () => {
    const [next] = waiting;
    if (!next) {
      running -= 1;
      return;
    }
    waiting.delete(next);
    next.start();
  };

  const slot = (signal: AbortSignal | undefined) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(new LimiterRefusal('aborted'));
      const leave = () => {
        waiting.delete(waiter);
        reject(new LimiterRefusal('aborted'));
      };
      const waiter: Waiter = {
        start() {
          signal?.removeEventListener('abort', leave);
          resolve();
        },
      };
      signal?.addEventListener('abort', leave, { once: true });
      waiting.add(waiter);
    });

  async function limit<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (running < max) running += 1;
    else if (waiting.size >= maxQueued) throw new LimiterRefusal('full');
    else await slot(signal);
    try {
      // Handed a slot in the same turn its signal aborted: it leaves, and the slot goes on.
      if (signal?.aborted) throw new LimiterRefusal('aborted');
      return await task();
    } finally {
      release();
    }
  }
  /** Tasks running now (waiters excluded). */
  limit.running = () => running;
  return limit;
}

export type Limiter = ReturnType<typeof createLimiter>;
