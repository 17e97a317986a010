import DataLoader from 'dataloader';
import { requestKey, type HttpClient, type UpstreamRequest } from '../http/client.js';

/**
 * A stable spelling of a value: object keys sorted, Dates as ISO strings,
 * undefined left out, so equal arguments always spell the same (list
 * fingerprints in cursors rely on it).
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
 * A per-request loader for one upstream operation, keyed by the upstream
 * request itself (method, URL with converted units, credential hash): two
 * fields whose arguments spell the same upstream request share it, even when
 * they differ below the upstream's precision. The upstreams have no batch
 * endpoints, so a batch is its distinct requests sent concurrently (the HTTP
 * layer bounds how many at once); a failure is an Error in its own slot and
 * fails only the fields that asked for it.
 */
export function createRequestLoader<Request, Response>(
  http: HttpClient,
  describe: (request: Request) => UpstreamRequest<Response>,
): DataLoader<Request, Response, string> {
  return new DataLoader<Request, Response, string>(
    (requests) =>
      Promise.all(
        requests.map(async (request) => {
          try {
            return await http.request(describe(request));
          } catch (error) {
            return error instanceof Error ? error : new Error(String(error));
          }
        }),
      ),
    {
      cacheKeyFn: (request) => {
        try {
          return requestKey(describe(request));
        } catch {
          // Not describable (an upstream not configured): the load fails the
          // same way for every field, so any stable key will do.
          return canonicalKey(request);
        }
      },
    },
  );
}
