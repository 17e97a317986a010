import type { IncomingMessage } from 'node:http';

/** What the sandbox counts and keeps of the upstream calls it served: what tests assert on. */

const MAX_LOGGED_REQUESTS = 2000;

export interface SandboxStats {
  total: number;
  /** Keyed `METHOD <route template>`, e.g. `GET /v1/messages.json`. */
  byRoute: Record<string, number>;
}

export interface SandboxRequestRecord {
  method: string;
  route: string;
  path: string;
  query: Record<string, string | string[]>;
  status: number;
  /** The kind of credential presented ('avaamo-user', 'avaamo-agent:<id>', 'vambe', 'rocketchat', 'none', 'invalid'), never the secret. */
  credential: string;
  /** Epoch ms the request arrived, to observe retry spacing. */
  at: number;
  /** The `x-request-id` and W3C `traceparent` it carried, if any: what ties a vendor's logs to the gateway's. */
  trace: { requestId?: string; traceparent?: string };
}

export interface RequestLog {
  record(entry: SandboxRequestRecord): void;
  stats(): SandboxStats;
  requests(): SandboxRequestRecord[];
  reset(): void;
}

export function createRequestLog(): RequestLog {
  let byRoute: Record<string, number> = {};
  let total = 0;
  let entries: SandboxRequestRecord[] = [];
  return {
    record(entry) {
      const key = `${entry.method} ${entry.route}`;
      byRoute[key] = (byRoute[key] ?? 0) + 1;
      total++;
      entries.push(entry);
      // Trimmed at twice the bound, so a busy sandbox copies its log once per MAX_LOGGED_REQUESTS requests, not on each.
      if (entries.length > 2 * MAX_LOGGED_REQUESTS) entries = entries.slice(-MAX_LOGGED_REQUESTS);
    },
    stats: () => ({ total, byRoute: { ...byRoute } }),
    requests: () => entries.slice(-MAX_LOGGED_REQUESTS),
    reset() {
      byRoute = {};
      total = 0;
      entries = [];
    },
  };
}

export function traceHeaders(req: IncomingMessage): SandboxRequestRecord['trace'] {
  const header = (name: string) => {
    const value = req.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  const requestId = header('x-request-id');
  const traceparent = header('traceparent');
  return { ...(requestId ? { requestId } : {}), ...(traceparent ? { traceparent } : {}) };
}

export function queryRecord(query: URLSearchParams): Record<string, string | string[]> {
  const record: Record<string, string | string[]> = {};
  for (const key of new Set(query.keys())) {
    const values = query.getAll(key);
    record[key] = values.length === 1 ? (values[0] ?? '') : values;
  }
  return record;
}
