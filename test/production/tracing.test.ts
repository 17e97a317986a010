import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { sandboxCredentials } from '../../src/sandbox/credentials.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { sandboxEnv } from '../helpers.js';
import { spawnGateway } from './spawn-gateway.js';

interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Record<string, unknown>;
}

/** An OTLP/HTTP (JSON) trace receiver on loopback: what a collector would get. */
function startReceiver(): Promise<{ server: Server; url: string; spans: ReceivedSpan[] }> {
  const spans: ReceivedSpan[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Omit<ReceivedSpan, 'attributes'> & { attributes: Array<{ key: string; value: Record<string, unknown> }> }> }> }>;
        };
        for (const span of body.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans))) {
          const attributes = Object.fromEntries(span.attributes.map(({ key, value }) => [key, Object.values(value)[0]]));
          spans.push({ ...span, attributes });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans })),
  );
}

let sandbox: Sandbox;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  receiver = await startReceiver();
});
afterAll(async () => {
  await sandbox.close();
  await new Promise((resolve) => receiver.server.close(resolve));
});

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const agentId = sandboxCredentials.avaamoAgents[0].id;

describe('OpenTelemetry traces', () => {
  it('sends a span per operation, child of the caller\'s traceparent, and one per upstream attempt, whose context the upstream receives', async () => {
    const gateway = await spawnGateway({ ...sandboxEnv(sandbox.url), OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, UPSTREAM_RETRY_BASE_MS: '1' });
    // The first SMS report answers 503 once: its call is retried.
    await fetch(`${sandbox.url}/__sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ faults: [{ route: 'GET /api/v1/agents/{id}/sms/report.json', kind: 'status', status: 503, times: 1 }] }),
    });
    sandbox.reset();
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01`, 'x-request-id': 'traced-1' },
      body: JSON.stringify({ query: `query Traced { agent(agentId: ${agentId}) { name smsRecords(first: 1) { totalCount } } }` }),
    });
    expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
    // Shutting down flushes the spans still buffered.
    gateway.child.kill('SIGTERM');
    expect((await gateway.exited).code).toBe(0);

    const operation = receiver.spans.find((span) => span.name === 'query Traced');
    expect(operation).toMatchObject({
      traceId: CALLER_TRACE,
      parentSpanId: CALLER_SPAN,
      attributes: { 'graphql.operation.name': 'Traced', 'graphql.operation.type': 'query', 'cx.request_id': 'traced-1', 'http.response.status_code': 200 },
    });
    const attempts = receiver.spans.filter((span) => span.parentSpanId === operation!.spanId);
    expect(attempts.map((span) => [span.attributes['cx.route'], span.attributes['cx.retry'], span.attributes['http.response.status_code']]).sort()).toEqual(
      [
        ['avaamo.agentDetails', 0, 200],
        ['avaamo.smsReport', 0, 503],
        ['avaamo.smsReport', 1, 200],
      ].sort(),
    );
    // Each went out for a cache miss (the tests run with CACHE=off, which the cache counts as misses).
    expect(attempts.every((span) => span.attributes['cx.cache'] === 'miss' && span.traceId === CALLER_TRACE)).toBe(true);

    // Each upstream request carried its own attempt's context, and the request id.
    const upstream = sandbox.requests();
    expect(upstream).toHaveLength(3);
    for (const request of upstream) {
      const [, traceId, parentId] = request.trace.traceparent!.split('-');
      expect(traceId).toBe(CALLER_TRACE);
      expect(attempts.map((span) => span.spanId)).toContain(parentId);
      expect(request.trace.requestId).toBe('traced-1');
    }
    expect(new Set(upstream.map((request) => request.trace.traceparent)).size).toBe(3);
  });

  it('sends a span per operation over WebSocket too, with the request id, parent of its upstream attempts', async () => {
    const gateway = await spawnGateway({ ...sandboxEnv(sandbox.url), OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
    sandbox.reset();
    const client = createClient({ url: gateway.url.replace(/^http/, 'ws'), retryAttempts: 0, lazy: true, connectionParams: { 'x-request-id': 'ws-traced-1' }, webSocketImpl: WebSocket });
    const result = await new Promise<unknown>((resolve, reject) => {
      let last: unknown;
      client.subscribe({ query: `query WsTraced { agent(agentId: ${agentId}) { name } }` }, { next: (value) => (last = value), error: reject, complete: () => resolve(last) });
    });
    expect(result).toMatchObject({ data: { agent: { name: expect.any(String) } } });
    await client.dispose();
    gateway.child.kill('SIGTERM');
    expect((await gateway.exited).code).toBe(0);

    const operation = receiver.spans.find((span) => span.name === 'query WsTraced');
    expect(operation).toMatchObject({ attributes: { 'graphql.operation.name': 'WsTraced', 'cx.request_id': 'ws-traced-1', 'http.response.status_code': 200 } });
    const attempts = receiver.spans.filter((span) => span.parentSpanId === operation!.spanId);
    expect(attempts.map((span) => span.attributes['cx.route'])).toEqual(['avaamo.agentDetails']);
    expect(sandbox.requests().map((request) => request.trace.requestId)).toEqual(['ws-traced-1']);
  });

  it('is off without OTEL_EXPORTER_OTLP_ENDPOINT: nothing is sent, no traceparent goes upstream', async () => {
    const before = receiver.spans.length;
    const gateway = await spawnGateway({ ...sandboxEnv(sandbox.url) });
    sandbox.reset();
    await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` },
      body: JSON.stringify({ query: `{ agent(agentId: ${agentId}) { name } }` }),
    });
    gateway.child.kill('SIGTERM');
    expect((await gateway.exited).code).toBe(0);
    expect(receiver.spans.length).toBe(before);
    expect(sandbox.requests().map((request) => request.trace.traceparent)).toEqual([undefined]);
  });
});
