import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';

/**
 * Releases each operation's deadline once its result is in, so no timer or
 * listener on the caller's signal outlives the operation by the deadline's
 * length. Upstream loads other callers may still join run under deadlines of
 * their own (http/client.ts).
 */
export function useDeadlineRelease(): Plugin<Context> {
  return {
    onExecute: () => ({
      onExecuteDone: ({ args }) => args.contextValue.deadline.dispose(),
    }),
  };
}
