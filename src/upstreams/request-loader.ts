import DataLoader from 'dataloader';
import type { Answer, HttpClient, UpstreamRequest } from '../http/client.js';
import { requestKey } from '../http/request-key.js';

/**
 * A per-request loader for one upstream operation, keyed by the upstream
 * request itself (method, URL with converted units, credential hash): two
 * fields whose arguments spell the same upstream request share it, even when
 * they differ below the upstream's precision. The upstreams have no batch
 * endpoints, so a batch is its distinct requests sent concurrently (the HTTP
 * layer bounds how many at once); a failure is an Error in its own slot and
 * fails only the fields that asked for it.
 */
export interface RequestLoader<Request, Response> {
  load(request: Request): Promise<Response>;
  /** The same answer with when it was fetched and whether it was served stale (for `asOf` and `stale`). */
  read(request: Request): Promise<Answer<Response>>;
}

export function createRequestLoader<Request, Response>(
  http: HttpClient,
  describe: (request: Request) => UpstreamRequest<Response>,
): RequestLoader<Request, Response> {
  const loader = new DataLoader<UpstreamRequest<Response>, Answer<Response>, string>(
    (requests) =>
      Promise.all(
        requests.map(async (request) => {
          try {
            return await http.read(request);
          } catch (error) {
            return error instanceof Error ? error : new Error(String(error));
          }
        }),
      ),
    { cacheKeyFn: requestKey, cache: http.dataloader },
  );
  // Spelled once per load; a request that cannot be spelled (an upstream not
  // configured) rejects that load alone.
  const read = async (request: Request) => loader.load(describe(request));
  return { read, load: async (request) => (await read(request)).value };
}
