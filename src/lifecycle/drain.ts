import { ServerResponse, type Server } from 'node:http';

export interface Drain {
  /** Counts a request from its arrival until its response is done or its connection closed. */
  track(res: ServerResponse): void;
  /** Counts work that is no HTTP response (an operation over WebSocket) until the returned release is called (once is enough). */
  hold(): () => void;
  /**
   * Stops the server accepting connections (before it returns), closes idle
   * keep-alive ones, and closes every other one once its response is out.
   * Resolves when no request is left, or with the number left when `graceMs`
   * runs out first.
   */
  drain(server: Server, graceMs: number): Promise<number>;
}

/** The in-flight requests of one server, for graceful shutdown. */
export function createDrain(): Drain {
  const open = new Set<object>();
  let draining: { server: Server; settle(): void } | null = null;
  const done = (item: object) => {
    open.delete(item);
    if (!draining) return;
    // A connection whose response went out with keep-alive is idle now.
    draining.server.closeIdleConnections();
    // After the response's other 'close' listeners (its log line, its span).
    if (open.size === 0) setImmediate(() => draining?.settle());
  };

  const closeAfter = (res: ServerResponse) => {
    // Headers not out yet: Node closes the connection after this response.
    if (!res.headersSent) res.setHeader('connection', 'close');
  };

  return {
    track(res) {
      open.add(res);
      if (draining) closeAfter(res);
      res.once('close', () => done(res));
    },
    hold() {
      const held = {};
      open.add(held);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        done(held);
      };
    },
    drain(server, graceMs) {
      return new Promise<number>((resolve) => {
        let timer: NodeJS.Timeout | undefined;
        const settle = () => {
          clearTimeout(timer);
          resolve(open.size);
        };
        // The executor runs at once: the listener is closed when drain() returns.
        draining = { server, settle };
        for (const item of open) if (item instanceof ServerResponse) closeAfter(item);
        // Node 19+ closes the idle connections here too.
        server.close();
        server.closeIdleConnections();
        if (open.size === 0) return settle();
        timer = setTimeout(settle, graceMs);
      });
    },
  };
}
