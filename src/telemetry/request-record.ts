import type { IncomingMessage } from 'node:http';
import type { UpstreamStats } from '../http/upstream-stats.js';
import type { ResponseCacheOutcome } from '../response-cache/hit-text.js';

/** What the log line of one operation says beyond the request's own id, status and duration. */
export interface OperationFacts {
  operationName: string | null;
  operationType: string | null;
  /** The key's name, never the key. */
  caller: string | null;
  errorCodes: string[];
  /** Its upstream counts, read when the line is written. */
  stats: UpstreamStats | null;
  responseCache: ResponseCacheOutcome | null;
}

/** One HTTP request to the gateway, from its arrival to its last byte. */
export interface RequestRecord {
  requestId: string;
  /** performance.now() at arrival. */
  startedAt: number;
  /** One per GraphQL operation (a batch has several); empty when refused before any was read. */
  operations: OperationFacts[];
}

export interface RequestRecords {
  open(req: IncomingMessage, requestId: string): RequestRecord;
  of(req: IncomingMessage | undefined): RequestRecord | undefined;
}

/** One per gateway: the request handler opens a record, the plugins fill it in. */
export function createRequestRecords(): RequestRecords {
  const records = new WeakMap<IncomingMessage, RequestRecord>();
  return {
    open(req, requestId) {
      const record: RequestRecord = { requestId, startedAt: performance.now(), operations: [] };
      records.set(req, record);
      return record;
    },
    of: (req) => (req ? records.get(req) : undefined),
  };
}

export const newOperation = (operationName: string | null): OperationFacts => ({
  operationName,
  operationType: null,
  caller: null,
  errorCodes: [],
  stats: null,
  responseCache: null,
});
