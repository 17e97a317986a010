import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';

/** Holds each operation's result until the shared writes it depends on are done (src/pending-writes.ts). */
export function usePendingWrites(): Plugin {
  return {
    onExecute({ args }) {
      const writes = (args.contextValue as Partial<Context>).pendingWrites;
      if (!writes) return;
      return { onExecuteDone: () => writes.settled() };
    },
  };
}
