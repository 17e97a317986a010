import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDeadline } from '../../src/http/deadline.js';
import { deadlineError } from '../../src/http/timeouts.js';

describe('the operation deadline', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('releases its timer and its listener on the caller once disposed', () => {
    vi.useFakeTimers();
    const callerGone = new AbortController();
    const deadline = createDeadline(20_000, callerGone.signal);
    expect(vi.getTimerCount()).toBe(1);
    expect(getEventListeners(callerGone.signal, 'abort')).toHaveLength(1);

    deadline.dispose();
    expect(vi.getTimerCount()).toBe(0);
    expect(getEventListeners(callerGone.signal, 'abort')).toHaveLength(0);
    // An operation that is over is not cut off later, by the clock or by its caller.
    vi.advanceTimersByTime(30_000);
    callerGone.abort();
    expect(deadline.signal.aborted).toBe(false);
  });

  it('aborts when its time is up or its caller leaves, while not disposed', () => {
    vi.useFakeTimers();
    const expiring = createDeadline(1_000);
    vi.advanceTimersByTime(1_000);
    expect(expiring.signal.aborted).toBe(true);

    const callerGone = new AbortController();
    const leaving = createDeadline(20_000, callerGone.signal);
    callerGone.abort();
    expect(leaving.signal.aborted).toBe(true);
  });
});

describe('the error of a call the deadline ended', () => {
  it('says whether the time ran out or the caller went away', async () => {
    vi.useFakeTimers();
    const expiring = createDeadline(1_000);
    vi.advanceTimersByTime(1_000);
    expect(deadlineError('vambe', expiring, false).message).toBe("Vambe did not answer within the operation's deadline (1000 ms)");

    const callerGone = new AbortController();
    const left = createDeadline(20_000, callerGone.signal);
    callerGone.abort();
    const error = deadlineError('vambe', left, false);
    expect(error.message).toBe('The caller went away before Vambe answered');
    expect(error).toMatchObject({ code: 'UPSTREAM_TIMEOUT', details: { transport: 'deadline' } });
    vi.useRealTimers();
  });
});
