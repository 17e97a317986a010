import type { Dispatcher } from 'undici';
import type { UpstreamRequest } from './client.js';
import { formatBytes, parseJson, readBounded, type BodyText } from './body.js';
import type { CacheOutcome, Sized } from './cache.js';
import type { Deadline } from './deadline.js';
import { UpstreamError, upstreamErrorFromResponse, upstreamLabels, type UpstreamName } from './errors.js';
import type { AttemptEnd, HttpObserver } from './observer.js';
import { canonicalUrl } from './request-key.js';
import type { ResilienceSettings } from './settings.js';
import { attemptSignal, transportError } from './timeouts.js';
import { shapeProblem } from './wire-shape.js';

/** What one attempt carries beyond the request: its retry number, what the cache did, the request id. */
export interface Attempt {
  retry: number;
  cache: CacheOutcome | 'none';
  requestId?: string | undefined;
}

export interface SendOptions {
  fetch: typeof globalThis.fetch;
  resilience: ResilienceSettings;
  dispatcherFor: (upstream: UpstreamName) => Dispatcher;
  observer: HttpObserver;
}

/**
 * One attempt on the wire: fetch with the upstream's timeouts and pool, the
 * body read within its byte bound, the status mapped to UpstreamError, the
 * wire shape validated. Observers watch it from just before it leaves until
 * its body is read or it fails, and may add headers (trace context); the
 * request id goes with it.
 */
export function createSend({ fetch, resilience, dispatcherFor, observer }: SendOptions) {
  async function send<T>(request: UpstreamRequest<T>, deadline: Deadline, sent: Attempt): Promise<Sized<T>> {
    const watch = observer.attempt?.({ upstream: request.upstream, route: request.route, method: request.method, retry: sent.retry, cache: sent.cache });
    let end: AttemptEnd | undefined;
    try {
      return await exchange(request, deadline, { ...watch?.headers, ...(sent.requestId ? { 'x-request-id': sent.requestId } : {}) }, (status) => {
        end = { status };
      });
    } catch (error) {
      end = { ...attemptEnd(error, end), error } as AttemptEnd;
      throw error;
    } finally {
      watch?.end(end ?? { status: 'network', error: undefined });
    }
  }

  async function exchange<T>(
    request: UpstreamRequest<T>,
    deadline: Deadline,
    tracing: Record<string, string>,
    answered: (status: number) => void,
  ): Promise<Sized<T>> {
    const label = upstreamLabels[request.upstream];
    const url = canonicalUrl(request.baseUrl, request.path, request.query);
    const timeouts = resilience.timeouts[request.upstream];
    const { signal, done } = attemptSignal(timeouts, deadline);
    const failed = (error: unknown) => transportError(request.upstream, error, { signal, deadline, timeouts, method: request.method });
    let response: Response;
    try {
      response = await fetch(url, {
        method: request.method,
        headers: {
          accept: 'application/json',
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
          // Request id and trace context first: the credentials are the request's own and win any clash.
          ...tracing,
          ...request.headers,
        },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal,
        dispatcher: dispatcherFor(request.upstream),
      } as RequestInit);
    } catch (error) {
      done();
      throw failed(error);
    }
    answered(response.status);
    const maxBytes = resilience.maxResponseBytes[request.upstream];
    let read: BodyText | null;
    try {
      read = await readBounded(response, maxBytes);
    } catch (error) {
      throw failed(error);
    } finally {
      done();
    }
    // A failure's status says what happened, whatever its body's size.
    const body = read ? parseJson(read.text) : undefined;
    if (!response.ok) {
      throw upstreamErrorFromResponse(request.upstream, response.status, body, response.headers);
    }
    if (!read) {
      throw new UpstreamError(
        request.upstream,
        'UPSTREAM_ERROR',
        `${label} answered more than ${formatBytes(maxBytes)}, the gateway's limit for one answer (UPSTREAM_MAX_RESPONSE_BYTES)`,
        { status: response.status },
      );
    }
    if (body === undefined) {
      throw new UpstreamError(request.upstream, 'UPSTREAM_ERROR', `${label} answered with a body that is not JSON`, {
        status: response.status,
      });
    }
    const parsed = request.schema.safeParse(body);
    if (!parsed.success) {
      throw new UpstreamError(
        request.upstream,
        'UPSTREAM_ERROR',
        `${label} answered with an unexpected shape (${shapeProblem(parsed.error)})`,
        { status: response.status },
      );
    }
    return { value: parsed.data, bytes: read.bytes, text: read.text };
  }

  return send;
}

/** How a failed attempt ended, for its observers: its HTTP status if it had one, else how it broke. */
function attemptEnd(error: unknown, answered: AttemptEnd | undefined): Pick<AttemptEnd, 'status'> {
  if (answered) return answered;
  const transport = error instanceof UpstreamError ? error.details.transport : undefined;
  if (transport === 'timeout' || transport === 'deadline') return { status: transport };
  return { status: 'network' };
}
