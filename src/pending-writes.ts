/**
 * Writes an operation's response depends on, to shared state other
 * replicas read (a contacts traversal page its cursors name): the response
 * goes out once they are done (plugins/use-pending-writes.ts), so a client
 * whose next request lands on another replica finds them there. Each write
 * is bounded by REDIS_COMMAND_TIMEOUT_MS and never fails.
 */
export interface PendingWrites {
  add(write: Promise<void>): void;
  /** Resolves once every write added so far is done; nothing to wait for (most operations): undefined. */
  settled(): Promise<void> | undefined;
}

export function createPendingWrites(): PendingWrites {
  const writes: Promise<void>[] = [];
  const drain = async () => {
    while (writes.length > 0) await Promise.all(writes.splice(0));
  };
  return {
    add: (write) => void writes.push(write),
    settled: () => (writes.length > 0 ? drain() : undefined),
  };
}
