import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import type { Clock } from '../http/clock.js';
import { createDeadline, type Deadline } from '../http/deadline.js';

/** The deadlines of each request's operations, opened by the context factory (server.ts). */
export interface OperationDeadlines {
  /** A new operation's deadline: it starts now and ends early if the caller leaves. */
  open(request: Request): Deadline;
  /** Releases every deadline of `request` still held. */
  releaseAll(request: Request): void;
  /** Deadlines opened and not yet released: operations still under way (none may leak). */
  held(): number;
}

export function createOperationDeadlines(totalMs: number, clock?: Clock): OperationDeadlines {
  const byRequest = new WeakMap<Request, Set<Deadline>>();
  let held = 0;
  return {
    held: () => held,
    open(request) {
      const deadline = createDeadline(totalMs, request.signal, clock);
      let released = false;
      const tracked: Deadline = {
        ...deadline,
        dispose() {
          deadline.dispose();
          if (released) return;
          released = true;
          held -= 1;
          byRequest.get(request)?.delete(tracked);
        },
      };
      held += 1;
      const set = byRequest.get(request) ?? new Set();
      set.add(tracked);
      byRequest.set(request, set);
      return tracked;
    },
    releaseAll(request) {
      for (const deadline of byRequest.get(request) ?? []) deadline.dispose();
      byRequest.delete(request);
    },
  };
}

/**
 * Releases each operation's deadline, so no timer or listener on the
 * caller's signal outlives it: once its result is in (onExecutionResult runs
 * for every operation that got a context, including those a plugin stopped
 * before executing, such as the cost limit), and, for an operation that
 * never got there (its context failed after the deadline was opened, as on
 * bad forwarded credentials, or its execution threw), when the response goes
 * out. Upstream loads other callers may still join run under deadlines of
 * their own (http/client.ts).
 */
export function useDeadlineRelease(deadlines: OperationDeadlines): Plugin {
  return {
    onExecutionResult({ context }) {
      (context as Partial<Context>).deadline?.dispose();
    },
    onResponse({ request }) {
      deadlines.releaseAll(request);
    },
  };
}
