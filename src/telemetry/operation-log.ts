import type { Logger } from './logger.js';
import type { OperationFacts, RequestRecord } from './request-record.js';

/**
 * One line per operation (a batch writes one for each), when its response is
 * done: who asked what, how it ended, what it cost upstream. A request refused
 * before any operation was read (401, 413, a body that is not JSON) writes
 * one line without an operation. Status 499: the caller left first.
 */
export function logRequest(logger: Logger, record: RequestRecord, status: number): void {
  const durationMs = Math.round((performance.now() - record.startedAt) * 100) / 100;
  const operations: ReadonlyArray<OperationFacts | null> = record.operations.length > 0 ? record.operations : [null];
  const level = status >= 500 ? 'error' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  for (const operation of operations) {
    const snapshot = operation?.stats?.snapshot();
    logger[level](
      {
        requestId: record.requestId,
        operationName: operation?.operationName ?? null,
        operationType: operation?.operationType ?? null,
        caller: operation?.caller ?? null,
        durationMs,
        status,
        errorCodes: operation?.errorCodes ?? [],
        upstream: { requests: snapshot?.requests ?? 0, cacheHits: snapshot?.cacheHits ?? 0, coalesced: snapshot?.coalesced ?? 0 },
        ...(operation?.responseCache ? { responseCache: operation.responseCache } : {}),
      },
      `${operation?.operationType ?? 'request'} ${operation?.operationName ?? '(anonymous)'} ${status} ${durationMs} ms`,
    );
  }
}
