import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace, type Span } from '@opentelemetry/api';
import type { IncomingHttpHeaders } from 'node:http';
import type { HttpObserver } from '../http/observer.js';
import type { RequestRecord } from './request-record.js';

const tracer = () => trace.getTracer('cx-gateway');

/**
 * The span of one request to the GraphQL endpoint, a child of the caller's
 * `traceparent` when it sent one; `run` executes within it, so every upstream
 * attempt of the request becomes its child. Named after its operation once
 * the request is done.
 */
export function traceRequest(headers: IncomingHttpHeaders, method: string, path: string, run: () => void): (record: RequestRecord, status: number) => void {
  const parent = propagation.extract(ROOT_CONTEXT, headers);
  const span = tracer().startSpan(
    'graphql',
    { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'url.path': path } },
    parent,
  );
  context.with(trace.setSpan(parent, span), run);
  return (record, status) => endRequestSpan(span, record, status);
}

function endRequestSpan(span: Span, record: RequestRecord, status: number): void {
  // Tracing off (no SDK started): the span is a no-op, and so would be all its attributes.
  if (!span.isRecording()) return span.end();
  const [only, ...others] = record.operations;
  if (only && others.length === 0) {
    span.updateName(`${only.operationType ?? 'graphql'} ${only.operationName ?? 'anonymous'}`);
  } else if (others.length > 0) {
    span.updateName('graphql batch');
  }
  const counts = { requests: 0, cacheHits: 0, coalesced: 0 };
  for (const operation of record.operations) {
    const snapshot = operation.stats?.snapshot();
    counts.requests += snapshot?.requests ?? 0;
    counts.cacheHits += snapshot?.cacheHits ?? 0;
    counts.coalesced += snapshot?.coalesced ?? 0;
  }
  const names = record.operations.map((operation) => operation.operationName ?? 'anonymous');
  span.setAttributes({
    'cx.request_id': record.requestId,
    'http.response.status_code': status,
    'graphql.operation.name': names.length === 1 ? names[0]! : names,
    'graphql.operation.type': record.operations.map((operation) => operation.operationType ?? 'unknown').join(','),
    'cx.upstream.requests': counts.requests,
    'cx.upstream.cache_hits': counts.cacheHits,
    'cx.upstream.coalesced': counts.coalesced,
    'cx.error_codes': [...new Set(record.operations.flatMap((operation) => operation.errorCodes))],
  });
  const cached = record.operations.find((operation) => operation.responseCache)?.responseCache;
  if (cached) span.setAttribute('cx.response_cache', cached);
  if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

/**
 * A span per upstream attempt, a child of whatever span is active where the
 * HTTP layer sends it (the request's), carrying route, retry number and cache
 * outcome, ended with the status; its context goes upstream as `traceparent`.
 */
export function tracingObserver(): HttpObserver {
  return {
    attempt({ upstream, route, method, retry, cache }) {
      const span = tracer().startSpan(`${method} ${route}`, {
        kind: SpanKind.CLIENT,
        attributes: { 'http.request.method': method, 'cx.upstream': upstream, 'cx.route': route, 'cx.retry': retry, 'cx.cache': cache },
      });
      const headers: Record<string, string> = {};
      propagation.inject(trace.setSpan(context.active(), span), headers);
      return {
        headers,
        end({ status }) {
          if (typeof status === 'number') span.setAttribute('http.response.status_code', status);
          else span.setAttribute('cx.failure', status);
          if (typeof status !== 'number' || status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
        },
      };
    },
  };
}
