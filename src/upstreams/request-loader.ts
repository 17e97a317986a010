import DataLoader from 'dataloader';

/**
 * A stable spelling of a request: object keys sorted, Dates as ISO strings,
 * undefined left out. Two fields asking for the same upstream page produce
 * the same key and so share one request.
 */
export function canonicalKey(value: unknown): string {
  return JSON.stringify(value, (_key, raw: unknown) => {
    if (raw && typeof raw === 'object' && !Array.isArray(raw) && !(raw instanceof Date)) {
      const record = raw as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys(record)
          .sort()
          .filter((key) => record[key] !== undefined)
          .map((key) => [key, record[key]]),
      );
    }
    return raw;
  });
}

/**
 * A per-request loader for one upstream operation. The upstreams have no
 * batch endpoints, so a batch is its distinct requests sent concurrently (the
 * HTTP layer bounds how many at once); a failure is an Error in its own slot
 * and fails only the fields that asked for it.
 */
export function createRequestLoader<Request, Response>(
  send: (request: Request) => Promise<Response>,
): DataLoader<Request, Response, string> {
  return new DataLoader<Request, Response, string>(
    (requests) =>
      Promise.all(
        requests.map(async (request) => {
          try {
            return await send(request);
          } catch (error) {
            return error instanceof Error ? error : new Error(String(error));
          }
        }),
      ),
    { cacheKeyFn: canonicalKey },
  );
}
