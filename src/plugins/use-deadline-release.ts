import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';

/**
 * Releases each operation's deadline once its result is in, so no timer or
 * listener on the caller's signal outlives the operation. Yoga's
 * onExecutionResult runs for every operation that got a context, including
 * those a plugin stopped before executing (the cost limit) or that failed.
 * Upstream loads other callers may still join run under deadlines of their
 * own (http/client.ts).
 */
export function useDeadlineRelease(): Plugin {
  return {
    onExecutionResult({ context }) {
      (context as Partial<Context>).deadline?.dispose();
    },
  };
}
