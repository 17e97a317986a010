import type { Clock } from '../src/http/clock.js';

interface Timer {
  due: number;
  run: () => void;
  cancelReal?: () => void;
}

export interface TestClock extends Clock {
  /**
   * Moves the clock `ms` forward, firing every timer that falls due on the
   * way, in order, each at its own time; the work a timer sets off (and the
   * timers that work sets) gets a turn of the event loop before the next.
   */
  advance(ms: number): Promise<void>;
  /** How long each pending timer still has to run, shortest first. */
  pending(): number[];
}

/**
 * Time that moves only when the test says: nothing the clock runs (a
 * deadline, a back-off, a breaker's open period) ends on its own.
 */
export function manualClock(start = 0): TestClock {
  let now = start;
  return createClock(() => now, (to) => (now = to));
}

/**
 * Real time that the test can also skip ahead: timers fire when their time
 * comes, or at once when `advance` skips past it. For a whole stack, where
 * short waits (a back-off of a few ms) may run on their own and a long one
 * (a breaker open for 15 s) is skipped.
 */
export function skippingClock(): TestClock {
  let skipped = 0;
  const real = () => performance.now() + skipped;
  return createClock(real, (to) => (skipped += Math.max(0, to - real())), true);
}

function createClock(read: () => number, moveTo: (at: number) => void, realTimers = false): TestClock {
  const timers = new Set<Timer>();
  const fire = (timer: Timer) => {
    if (!timers.delete(timer)) return;
    timer.cancelReal?.();
    timer.run();
  };
  const nextDue = (until: number) => [...timers].filter((timer) => timer.due <= until).sort((a, b) => a.due - b.due)[0];
  return {
    now: read,
    after(ms, run) {
      const timer: Timer = { due: read() + ms, run };
      if (realTimers) {
        const handle = setTimeout(() => fire(timer), ms);
        timer.cancelReal = () => clearTimeout(handle);
      }
      timers.add(timer);
      return () => {
        timers.delete(timer);
        timer.cancelReal?.();
      };
    },
    async advance(ms) {
      const target = read() + ms;
      // What was set off before the call sets its timers first.
      await turn();
      for (let timer = nextDue(target); timer; timer = nextDue(target)) {
        if (timer.due > read()) moveTo(timer.due);
        fire(timer);
        await turn();
      }
      if (target > read()) moveTo(target);
      await turn();
    },
    pending: () => [...timers].map((timer) => timer.due - read()).sort((a, b) => a - b),
  };
}

/** Whether `pending` has settled after a turn of the event loop, with no time passing on any test clock. */
export async function settled(pending: Promise<unknown>): Promise<boolean> {
  let done = false;
  pending.then(
    () => (done = true),
    () => (done = true),
  );
  await turn();
  return done;
}

/** One turn of the event loop: pending promise jobs and I/O callbacks run. */
const turn = () => new Promise((resolve) => setImmediate(resolve));
