import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { bearerToken, matchesDigest, sha256Digest } from './auth/bearer.js';
import type { Drain } from './lifecycle/drain.js';
import type { Readiness } from './lifecycle/readiness.js';
import type { Logger } from './telemetry/logger.js';
import { logRequest } from './telemetry/operation-log.js';
import { REQUEST_ID_HEADER, requestIdFrom } from './telemetry/request-id.js';
import type { RequestRecords } from './telemetry/request-record.js';
import { traceRequest } from './telemetry/tracing.js';

export interface MetricsAccess {
  registry: Registry;
  /** Asked as `Authorization: Bearer <token>`; `null`: not asked. */
  token: string | null;
}

export interface RequestHandlerOptions {
  /** Yoga: everything that is not a probe or /metrics. */
  gateway: RequestListener;
  records: RequestRecords;
  logger: Logger;
  readiness: Readiness;
  drain: Drain;
  /** `null` when METRICS_PORT serves them instead. */
  metrics: MetricsAccess | null;
}

/**
 * The node:http listener in front of Yoga. Every request gets its request id
 * (the caller's when acceptable, else a new one) on its response, is counted
 * for graceful shutdown, and, unless it is a probe or /metrics, gets a span
 * and one log line per operation. Probes and /metrics ask no API key and
 * answer nothing secret.
 */
export function createRequestHandler({ gateway, records, logger, readiness, drain, metrics }: RequestHandlerOptions): RequestListener {
  return (req, res) => {
    const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
    // Yoga's Request is made from these headers: the plugins and the HTTP layer read the id there.
    req.headers[REQUEST_ID_HEADER] = requestId;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    drain.track(res);

    const path = (req.url ?? '/').split('?', 1)[0]!;
    const readOnly = req.method === 'GET' || req.method === 'HEAD';
    if (readOnly && path === '/healthz') return json(res, 200, { status: 'ok' });
    if (readOnly && path === '/readyz') {
      void readiness.report().then(
        (report) => json(res, report.ready ? 200 : 503, report.body),
        () => json(res, 503, { status: 'not ready', reason: 'the readiness checks failed' }),
      );
      return;
    }
    if (readOnly && path === '/metrics' && metrics) return serveMetrics(req, res, metrics);

    const record = records.open(req, requestId);
    const endSpan = traceRequest(req.headers, req.method ?? 'GET', path, () => {
      void gateway(req, res);
    });
    res.once('close', () => {
      const status = res.writableFinished ? res.statusCode : 499;
      endSpan(record, status);
      logRequest(logger, record, status);
    });
  };
}

/** Prometheus text; behind the bearer token when one is configured. */
export function serveMetrics(req: IncomingMessage, res: ServerResponse, { registry, token }: MetricsAccess): void {
  if (token !== null && !bearerMatches(req.headers.authorization, token)) {
    res.setHeader('www-authenticate', 'Bearer');
    return json(res, 401, { error: 'GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`.' });
  }
  registry.metrics().then(
    (text) => {
      res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : text);
    },
    () => json(res, 500, { error: 'the metrics could not be collected' }),
  );
}

/** Compared as SHA-256 digests in constant time, like API keys. */
function bearerMatches(authorization: string | undefined, token: string): boolean {
  const sent = bearerToken(authorization);
  return sent !== null && matchesDigest(sent, sha256Digest(token));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}
