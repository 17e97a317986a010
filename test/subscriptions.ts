import type { ExecutionResult } from 'graphql';

/** A subscription's events as they arrive, for tests that count and wait on them. */
export interface EventLog<T = Record<string, unknown>> {
  readonly events: ExecutionResult<T>[];
  /** Resolves with the `n`-th event (1-based) once it has arrived. */
  nth(n: number): Promise<ExecutionResult<T>>;
  /** Resolves when the stream ended (the server completed it or it was closed). */
  readonly ended: Promise<void>;
  /** Drops the connection, as a closed browser tab does. */
  close(): void;
}

/**
 * A GraphQL subscription over SSE in distinct-connections mode, read with
 * fetch (what a browser's GraphiQL does): one request, one event stream.
 */
export function subscribeOverSse<T = Record<string, unknown>>(
  url: string,
  query: string | { documentId: string },
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): EventLog<T> & { status: Promise<number> } {
  const abort = new AbortController();
  const log = createEventLog<T>(() => abort.abort());
  const response = fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify({ ...(typeof query === 'string' ? { query } : query), variables }),
    signal: abort.signal,
  });
  const status = response.then((answer) => answer.status);
  void (async () => {
    try {
      const answer = await response;
      if (!(answer.headers.get('content-type') ?? '').includes('text/event-stream')) {
        log.push((await answer.json()) as ExecutionResult<T>);
        return;
      }
      let buffered = '';
      const reader = answer.body!.pipeThrough(new TextDecoderStream()).getReader();
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        buffered += read.value;
        for (let end = buffered.indexOf('\n\n'); end !== -1; end = buffered.indexOf('\n\n')) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const data = block.split('\n').find((line) => line.startsWith('data: '));
          if (block.startsWith('event: next') && data) log.push(JSON.parse(data.slice(6)) as ExecutionResult<T>);
        }
      }
    } catch {
      // Aborted by close(): the log simply ends.
    } finally {
      log.end();
    }
  })();
  return { ...log, status };
}

/** The log behind a subscription client: events pushed in, waiters told. */
export function createEventLog<T>(close: () => void): EventLog<T> & { push(event: ExecutionResult<T>): void; end(): void } {
  const events: ExecutionResult<T>[] = [];
  const waiters: { n: number; resolve: (event: ExecutionResult<T>) => void; reject: (error: Error) => void }[] = [];
  let finish!: () => void;
  const ended = new Promise<void>((resolve) => (finish = resolve));
  let over = false;
  return {
    events,
    ended,
    close,
    nth(n) {
      const event = events[n - 1];
      if (event) return Promise.resolve(event);
      if (over) return Promise.reject(new Error(`the subscription ended after ${events.length} events, before event ${n}`));
      return new Promise((resolve, reject) => waiters.push({ n, resolve, reject }));
    },
    push(event) {
      events.push(event);
      for (const waiter of waiters.filter((candidate) => candidate.n === events.length)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(event);
      }
    },
    end() {
      over = true;
      for (const waiter of waiters.splice(0)) waiter.reject(new Error(`the subscription ended after ${events.length} events, before event ${waiter.n}`));
      finish();
    },
  };
}

/** Waits (in real time, a few ms at a time) until `check` holds; fails naming `what` if it never does. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, tries = 2000): Promise<void> {
  for (let attempt = 0; attempt < tries; attempt++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`never happened: ${what}`);
}
