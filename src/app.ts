import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config/index.js';
import { createHttpServer, listen } from './http-server.js';
import { createDrain } from './lifecycle/drain.js';
import { createReadiness, redisCheck, sandboxCheck, type Readiness, type ReadinessCheck } from './lifecycle/readiness.js';
import type { Sharing } from './redis/sharing.js';
import { createRequestHandler, serveMetrics } from './request-handler.js';
import type { Sandbox } from './sandbox/server.js';
import { createGateway, type Gateway, type GatewayDependencies } from './server.js';
import { serviceSecrets } from './auth/secrets.js';
import { createLogger, type LogDestination, type Logger } from './telemetry/logger.js';
import { attachGraphQLWebSocket } from './websocket.js';

export interface AppOptions {
  /** With the upstreams resolved (the embedded sandbox's, once it listens). */
  config: Config;
  /** createServiceLogger's: every line scrubbed of the configured secrets. */
  logger: Logger;
  /** What this replica shares with the others through Redis (redis/sharing.ts); shutdown closes it. @default nothing shared */
  sharing?: Sharing;
  /** The embedded sandbox: /readyz asks it, shutdown closes it. */
  sandbox?: Sandbox | null;
  dependencies?: Pick<GatewayDependencies, 'fetch' | 'clock' | 'plugins' | 'queueSharing'>;
  /** More for /readyz to ask. */
  checks?: ReadinessCheck[];
}

export interface App {
  gateway: Gateway;
  readiness: Readiness;
  server: Server;
  /** Serves GET /metrics alone, on METRICS_PORT; `null` when the main port does. */
  metricsServer: Server | null;
  /** Listens on the configured ports (or those given; 0: free ones) and says where. */
  listen(ports?: { port?: number; metricsPort?: number }): Promise<{ url: string; metricsUrl: string | null }>;
  /**
   * Graceful shutdown: /readyz answers 503, no new connection is accepted
   * (both before it returns its promise),
   * idle keep-alive ones close, operations in flight get up to `graceMs` to
   * finish; then the upstream sockets, Redis and the sandbox close.
   * Resolves with the number of requests it had to cut short.
   */
  shutdown(graceMs: number): Promise<{ cut: number }>;
  /** Closes everything at once (tests). */
  close(): Promise<void>;
}

/** The service's logger: `LOG_LEVEL`, every configured secret (upstream credentials, METRICS_TOKEN, CURSOR_SECRET) scrubbed. */
export function createServiceLogger(config: Config, destination: LogDestination): Logger {
  return createLogger(config.telemetry.logLevel, serviceSecrets(config), destination);
}

/**
 * The whole service on node:http: the gateway behind the request handler
 * (request ids, probes, metrics, logs, spans), on the main port, and
 * /metrics on a port of its own when METRICS_PORT is set. main.ts and the
 * tests compose it the same way.
 */
export function createApp({ config, logger, sharing, sandbox = null, dependencies = {}, checks = [] }: AppOptions): App {
  const gateway = createGateway(config, { ...dependencies, logger, ...(sharing ? { sharing } : {}) });
  const readiness = createReadiness(gateway.upstreamState, gateway.upstreams, [
    ...(sandbox ? [sandboxCheck(sandbox.url)] : []),
    ...(gateway.redis.state !== 'off' ? [redisCheck(gateway.redis)] : []),
    ...checks,
  ]);
  const drain = createDrain();
  const access = { registry: gateway.metrics.registry, token: config.telemetry.metrics.token };
  const ownPort = config.telemetry.metrics.port !== null;
  const server = createHttpServer(
    createRequestHandler({ gateway: gateway.handle, records: gateway.records, logger, readiness, drain, metrics: ownPort ? null : access }),
    config.http,
  );
  const metricsServer = ownPort
    ? createServer((req, res) => {
        const path = (req.url ?? '/').split('?', 1)[0];
        if ((req.method === 'GET' || req.method === 'HEAD') && path === '/metrics') return serveMetrics(req, res, access);
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"only GET /metrics is served here"}');
      })
    : null;
  // GraphQL over WebSocket on the same port (the upgrade), each operation through the gateway's HTTP pipeline.
  const webSocket = attachGraphQLWebSocket(server, gateway.yoga, {
    security: config.security,
    heartbeatMs: config.queue.heartbeatMs,
    records: gateway.records,
    logger,
    drain,
  });
  // Subscriptions (SSE or WebSocket) would hold the drain to its end: they end as it starts, and their clients reconnect elsewhere.
  // Queries and mutations over WebSocket run on, counted in the drain; their sockets close after it.
  const endStreams = () => {
    gateway.endSubscriptions();
    webSocket.stopAccepting();
  };
  const closePhase = () => Promise.allSettled([gateway.close(), webSocket.close(), sharing?.close(), sandbox?.close(), closeNow(metricsServer)]);

  return {
    gateway,
    readiness,
    server,
    metricsServer,
    async listen({ port = config.port, metricsPort = config.telemetry.metrics.port ?? 0 } = {}) {
      await listen(server, port, config.host);
      const url = `http://${shown(config.host)}:${(server.address() as AddressInfo).port}/graphql`;
      if (!metricsServer) return { url, metricsUrl: null };
      await listen(metricsServer, metricsPort, config.host);
      return { url, metricsUrl: `http://${shown(config.host)}:${(metricsServer.address() as AddressInfo).port}/metrics` };
    },
    async shutdown(graceMs) {
      // Synchronously, before the first await: the caller may announce it as done.
      readiness.beginShutdown();
      const drained = drain.drain(server, graceMs);
      endStreams();
      const cut = await drained;
      if (cut > 0) server.closeAllConnections();
      await closePhase();
      return { cut };
    },
    async close() {
      endStreams();
      await webSocket.close();
      await closeNow(server);
      await closePhase();
    },
  };
}

/** Stops listening and closes every connection at once, busy ones too. */
function closeNow(server: Server | null): Promise<void> {
  return new Promise((resolve) => {
    if (!server?.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** The wildcard addresses read as localhost in a URL a person opens. */
function shown(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}
