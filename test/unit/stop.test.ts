import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createStop } from '../../src/lifecycle/stop.js';

/** What the process did, in order: log lines (by message) and the exit. */
function harness(shutdown: (graceMs: number) => Promise<{ cut: number }>, flushTracing: (() => Promise<void>) | null = null) {
  const events: string[] = [];
  const line = (level: string) => (...args: unknown[]) => {
    events.push(`${level}: ${String(args.find((arg) => typeof arg === 'string'))}`);
  };
  const stop = createStop({
    graceMs: 10_000,
    marginMs: 3_000,
    shutdown,
    flushTracing,
    logger: { info: line('info'), warn: line('warn'), error: line('error') } as never,
    flushLogs: () => {
      events.push('flush');
    },
    exit: (code) => events.push(`exit ${code}`),
  });
  return { events, stop, exits: () => events.filter((event) => event.startsWith('exit')) };
}
const never = () => new Promise<never>(() => {});

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('stopping on a signal', () => {
  it('exits 0 once the drain answered everything and the spans are flushed', async () => {
    const run = harness(async () => ({ cut: 0 }), async () => {});
    run.stop('SIGTERM');
    await vi.advanceTimersByTimeAsync(0);
    expect(run.events).toEqual([
      'info: SIGTERM: shutting down (in flight: up to 10000 ms to finish)',
      'info: stopped: every request in flight was answered',
      'flush',
      'exit 0',
    ]);
  });

  it('exits 1 at grace + margin when the close phase hangs, and only once', async () => {
    const run = harness(never);
    run.stop('SIGTERM');
    await vi.advanceTimersByTimeAsync(12_999);
    expect(run.exits()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(run.exits()).toEqual(['exit 1']);
    expect(run.events.at(-3)).toMatch(/^error: still closing 3000 ms after SHUTDOWN_GRACE_MS/);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(run.exits()).toEqual(['exit 1']);
  });

  it('gives a hanging span flush only the grace that is left, then exits with the drain\'s code', async () => {
    let finishDrain!: (result: { cut: number }) => void;
    const run = harness(() => new Promise((resolve) => (finishDrain = resolve)), never);
    run.stop('SIGTERM');
    await vi.advanceTimersByTimeAsync(4_000);
    finishDrain({ cut: 2 });
    // 6 s of the 10 s grace are left for the flush.
    await vi.advanceTimersByTimeAsync(5_999);
    expect(run.exits()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(run.events.slice(1)).toEqual([
      'warn: tracing: spans still unsent when the grace ran out; dropped',
      'error: stopped with 2 request(s) cut short after SHUTDOWN_GRACE_MS',
      'flush',
      'exit 1',
    ]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(run.exits()).toEqual(['exit 1']);
  });

  it('exits 1 at once on a second signal', async () => {
    const run = harness(never);
    run.stop('SIGTERM');
    run.stop('SIGINT');
    expect(run.events.slice(1)).toEqual(['warn: second signal: exiting at once', 'flush', 'exit 1']);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(run.exits()).toEqual(['exit 1']);
  });

  it('exits only once the last log lines are written out', async () => {
    let written!: () => void;
    const events: string[] = [];
    const stop = createStop({
      graceMs: 10_000,
      shutdown: async () => ({ cut: 0 }),
      flushTracing: null,
      logger: { info: () => events.push('line'), warn: () => undefined, error: () => undefined } as never,
      flushLogs: () => new Promise<void>((resolve) => (written = () => {
        events.push('written');
        resolve();
      })),
      exit: (code) => events.push(`exit ${code}`),
    });
    stop('SIGTERM');
    await vi.advanceTimersByTimeAsync(0);
    expect(events).toEqual(['line', 'line']);
    written();
    await vi.advanceTimersByTimeAsync(0);
    expect(events).toEqual(['line', 'line', 'written', 'exit 0']);
  });
});
