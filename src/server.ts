import { printSchema } from 'graphql';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { IncomingMessage, RequestListener } from 'node:http';
import { callerKey, createCallerIdentifier } from './auth/callers.js';
import { configuredSecrets } from './auth/secrets.js';
import type { Config } from './config/index.js';
import { createContext, createUpstreamClients, type Context } from './context.js';
import { createGatewayHandler } from './gateway-handler.js';
import { createHttpClient, type HttpLayerState } from './http/client.js';
import { systemClock, type Clock } from './http/clock.js';
import { useApiKeys } from './plugins/use-api-keys.js';
import { useBodySizeLimit } from './plugins/use-body-size-limit.js';
import { createOperationDeadlines, useDeadlineRelease } from './plugins/use-deadline-release.js';
import { useCostLimit } from './plugins/use-cost-limit.js';
import { useJitExecution } from './plugins/use-jit-execution.js';
import { combineObservers } from './http/observer.js';
import { useNoEmptyBatch } from './plugins/use-no-empty-batch.js';
import { useOperationRecord } from './plugins/use-operation-record.js';
import { usePendingWrites } from './plugins/use-pending-writes.js';
import { useQueryLimits } from './plugins/use-query-limits.js';
import { useRateLimit } from './plugins/use-rate-limit.js';
import { useResponseCache } from './plugins/use-response-cache.js';
import type { ResponseCacheOutcome } from './response-cache/hit-text.js';
import { useSecretScrubbing } from './plugins/use-secret-scrubbing.js';
import { loadTrustedDocuments, useTrustedDocuments } from './plugins/use-trusted-documents.js';
import { useUpstreamErrors } from './plugins/use-upstream-errors.js';
import { useUpstreamStats } from './plugins/use-upstream-stats.js';
import { useUtf8Body } from './plugins/use-utf8-body.js';
import type { LiveQueue } from './queue/access.js';
import { createQueueRegistry } from './queue/registry.js';
import { createLocalSharing, type QueueSharing } from './queue/sharing.js';
import { wallClock } from './queue/wall-clock.js';
import { createRedisQueueSharing } from './redis/queue-sharing.js';
import { createHitPath } from './response-cache/hit-path.js';
import { buildIdentity, createResponseKeys, gatewayVersion } from './response-cache/key.js';
import { createResponseCache } from './response-cache/response-cache.js';
import { createMemoryResponseStore } from './response-cache/store.js';
import { createCursorCodec, createCursorKeys } from './schema/cursor-codec.js';
import { maskError } from './schema/errors.js';
import { schema } from './schema/index.js';
import { createSharedState } from './redis/shared-state.js';
import { redisOff, type RedisHealth } from './redis/health.js';
import type { Sharing } from './redis/sharing.js';
import { exampleTabs } from './graphiql-example.js';
import { createLogger, yogaLogger, type Logger } from './telemetry/logger.js';
import { createGatewayMetrics, type GatewayMetrics } from './telemetry/metrics.js';
import { operationNamesOf, useOperationMetrics } from './telemetry/operation-metrics.js';
import { createRequestRecords, type RequestRecords } from './telemetry/request-record.js';
import { REQUEST_ID_HEADER } from './telemetry/request-id.js';
import { tracingObserver } from './telemetry/tracing.js';
import { upstreamLabels, type UpstreamName } from './http/errors.js';
import { configuredRouteCredentials } from './upstreams/configured-credentials.js';

const GRAPHQL_ENDPOINT = '/graphql';

export interface GatewayDependencies {
  /** Replaces global fetch for every upstream call. */
  fetch?: typeof globalThis.fetch;
  /**
   * Where log lines go; it must scrub the configured secrets (telemetry/logger.ts
   * createLogger does). @default JSON on stdout at info, scrubbed
   */
  logger?: Logger;
  /** The gateway's metrics registry and its HTTP-layer observer. @default a registry of its own */
  metrics?: GatewayMetrics;
  /** Where the request handler and the plugins meet per request. @default its own (then nothing is logged per operation) */
  records?: RequestRecords;
  /**
   * For tests: what every TTL (upstream and response caches), budget refill,
   * breaker window, back-off, timeout and deadline runs on. @default the system clock
   */
  clock?: Clock;
  /** For tests: plugins listed after the gateway's own (e.g. to count executions). */
  plugins?: Plugin[];
  /** What this replica shares with the others (redis/sharing.ts). @default nothing: all state in process */
  sharing?: Sharing;
  /**
   * Who polls each live-queue cohort and how its updates reach subscribers.
   * Gateways handed one instance share their polls, as replicas on Redis do.
   * @default through Redis with `sharing`, else this process alone (queue/sharing.ts createLocalSharing)
   */
  queueSharing?: QueueSharing;
}

export interface Gateway {
  /**
   * What the request handler hands every GraphQL request: a response-cache
   * hit answered at once (response-cache/hit-path.ts), everything else by Yoga.
   */
  handle: RequestListener;
  yoga: YogaServerInstance<Record<string, unknown>, Context>;
  metrics: GatewayMetrics;
  records: RequestRecords;
  /** The HTTP layer's breakers, queues, budgets and cache, for probes. */
  upstreamState: HttpLayerState;
  /** The upstreams configured, in a fixed order. */
  upstreams: readonly UpstreamName[];
  /** Operations whose deadline is open (none is left once every response is out). */
  deadlinesHeld(): number;
  /** Whether the replicas share their state through Redis now (`off` without REDIS_URL). */
  redis: RedisHealth;
  /** Ends every subscription (their streams complete, so clients reconnect elsewhere): shutdown's first step. */
  endSubscriptions(): void;
  /** Ends the subscriptions, closes the upstream connection pools. */
  close(): Promise<void>;
}

/**
 * The whole gateway as a Yoga instance with its logger, metrics and HTTP
 * layer, without listening: app.ts puts it behind the request handler on
 * node:http, for main.ts and the tests alike.
 */
export function createGateway(
  config: Pick<Config, 'upstreams' | 'resilience' | 'traffic' | 'security' | 'queue' | 'buildId' | 'telemetry'>,
  dependencies: GatewayDependencies = {},
): Gateway {
  const { security } = config;
  const clock = dependencies.clock ?? systemClock;
  const secrets = configuredSecrets(config.upstreams);
  const logger = dependencies.logger ?? createLogger('info', secrets, process.stdout);
  const metrics = dependencies.metrics ?? createGatewayMetrics();
  const records = dependencies.records ?? createRequestRecords();
  const shared = createSharedState(dependencies.sharing, { budgets: config.traffic.budgets, clock, injectedClock: dependencies.clock !== undefined });
  // This replica's own store (behind the shared tier when Redis is there): its bytes and evictions are what the metrics see.
  const store = config.traffic.responseCache.enabled
    ? createMemoryResponseStore(config.traffic.responseCache.maxBytes, clock, metrics.responseEvicted)
    : null;
  const responses = store ? createResponseCache(shared.responseStore(store), clock) : null;
  const http = createHttpClient({
    ...config.resilience,
    cache: config.traffic.cache,
    budgets: shared.budgets,
    shared: shared.answers,
    maxConcurrentPerUpstream: config.traffic.maxConcurrentPerUpstream,
    maxQueuedPerUpstream: config.traffic.maxQueuedPerUpstream,
    dataloader: config.traffic.dataloader,
    clock,
    // A write that invalidates upstream answers drops the results built from them.
    onInvalidate: (route, credential) => responses?.invalidate(route, credential),
    // Without tracing every span is a no-op: no span, context or traceparent per attempt.
    observer: config.telemetry.tracing ? combineObservers([metrics.observer, tracingObserver()]) : metrics.observer,
    ...(dependencies.fetch ? { fetch: dependencies.fetch } : {}),
  });
  const clients = createUpstreamClients(config.upstreams);
  const callers = createCallerIdentifier(security);
  const upstreams = (Object.keys(upstreamLabels) as UpstreamName[]).filter((name) => config.upstreams[name] !== null);
  metrics.watch({
    http: http.state,
    upstreams,
    routes: configuredRouteCredentials(config.upstreams),
    redis: dependencies.sharing?.health ?? redisOff,
    ...(store?.bytes ? { responseCacheBytes: store.bytes } : {}),
  });
  const recording = useOperationRecord({ records, callers });
  const keyOf = createResponseKeys({
    forwardUpstreamCredentials: security.forwardUpstreamCredentials,
    upstreams: config.upstreams,
    build: buildIdentity(printSchema(schema), gatewayVersion, config.buildId),
  });
  // Yoga's CORS plugin and the hit path read the same options: `{}` is Yoga's default (any origin).
  const cors = security.corsOrigins ? { origin: [...security.corsOrigins] } : {};
  const onResponseCacheOutcome = (outcome: ResponseCacheOutcome, context: object) => {
    metrics.responseCache(outcome);
    recording.responseCache(context, outcome);
  };
  // Without CURSOR_SECRET the key is this process's own, or the one the replicas keep in Redis (config warns of it).
  const cursorKeys = dependencies.sharing?.cursorKeys ?? createCursorKeys(security.cursorSecret);
  const paging = { cursors: createCursorCodec(cursorKeys), traversals: shared.traversals, maxReportEntries: config.traffic.maxReportEntries };
  const deadlines = createOperationDeadlines(config.resilience.operationDeadlineMs, clock);
  const trustedDocuments = security.persistedOperationsFile ? loadTrustedDocuments(security.persistedOperationsFile) : null;
  const live = createLiveQueue(config, http, clock, dependencies, logger);
  const plugins: Plugin[] = [
    recording.plugin,
    useOperationMetrics(metrics.registry, operationNamesOf((trustedDocuments ?? allowListOrNone(security.operationNamesFile)).values())),
    useApiKeys(callers),
    ...(security.csrfPrevention ? [useCSRFPrevention()] : []),
    useUtf8Body(security.maxBodyBytes),
    useNoEmptyBatch(),
    useRateLimit(callers, shared.rateWindows),
    ...(trustedDocuments ? [useTrustedDocuments(trustedDocuments)] : []),
    ...(responses
      ? [
          useResponseCache({ cache: responses, keyOf, callers, alwaysStats: config.traffic.debugUpstream, onOutcome: onResponseCacheOutcome }),
        ]
      : []),
    ...(security.introspection ? [] : [useDisableIntrospection() as Plugin]),
    useQueryLimits(security),
    useCostLimit(security.maxCost),
    useJitExecution(),
    useSecretScrubbing(secrets),
    useUpstreamErrors(),
    useUpstreamStats({ always: config.traffic.debugUpstream }) as Plugin,
    useDeadlineRelease(deadlines),
    usePendingWrites(),
    // After every plugin that could pick a request parser.
    useBodySizeLimit(security.maxBodyBytes),
    ...(dependencies.plugins ?? []),
  ];
  const yoga = createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    landingPage: false,
    logging: yogaLogger(logger),
    context: ({ request, req }) => {
      const identification = callers.identify(request);
      if (!('caller' in identification)) throw new Error('unreachable: useApiKeys refuses unidentified callers');
      return createContext(http, clients, config.upstreams, paging, live, {
        caller: identification.caller,
        callerKey: callerKey(identification.caller, (req as IncomingMessage | undefined)?.socket.remoteAddress),
        forwardedFrom: security.forwardUpstreamCredentials ? request.headers : null,
        // The operation's deadline starts when its request arrives and ends early if the caller leaves.
        deadline: deadlines.open(request),
        requestId: request.headers.get(REQUEST_ID_HEADER) ?? undefined,
      });
    },
    maskedErrors: { maskError },
    plugins,
    // useBodySizeLimit instead: Yoga's would stream a body the server already read whole again.
    maxRequestBodySize: false,
    batching: security.maxBatch > 0 ? { limit: security.maxBatch } : false,
    extraParamNames: ['documentId'],
    cors,
    // GraphiQL's scripts and styles are served from here, not a CDN: it must
    // work on networks without internet access.
    renderGraphiQL,
    // A factory, so the example tabs' dates are relative to each page load.
    graphiql: security.graphiql
      ? () => ({
          title: 'cx-gateway',
          defaultTabs: exampleTabs(new Date(), config.upstreams.avaamo?.agents[0]?.id ?? 20457),
        })
      : false,
  });
  // Persisted-only mode turns ids into documents inside Yoga: its hits stay there.
  const hitPath =
    responses && !trustedDocuments
      ? createHitPath({
          cache: responses,
          keyOf,
          callers,
          rateWindows: shared.rateWindows,
          cors,
          endpoint: GRAPHQL_ENDPOINT,
          alwaysStats: config.traffic.debugUpstream,
          onHit: (req, operationName, caller) => {
            metrics.responseCache('hit');
            recording.answeredBeforeYoga(req, operationName, caller);
          },
        })
      : null;
  return {
    handle: createGatewayHandler(yoga, hitPath, security.maxBodyBytes),
    yoga,
    metrics,
    records,
    upstreamState: http.state,
    upstreams,
    deadlinesHeld: () => deadlines.held(),
    redis: dependencies.sharing?.health ?? redisOff,
    endSubscriptions: () => live.registry.close(),
    close: () => {
      live.registry.close();
      return http.close();
    },
  };
}

/**
 * One registry of live-queue cohorts per gateway, polling through its HTTP
 * client on its clock; its polls shared with the other replicas through
 * Redis when the gateway shares its state.
 */
function createLiveQueue(
  config: Pick<Config, 'traffic' | 'resilience' | 'queue'>,
  http: ReturnType<typeof createHttpClient>,
  clock: Clock,
  { queueSharing, sharing }: Pick<GatewayDependencies, 'queueSharing' | 'sharing'>,
  logger: Logger,
): LiveQueue {
  const now = wallClock(clock);
  const { queue } = config;
  const keepLatestMs = 2 * (queue.maxBackoffMs + config.resilience.operationDeadlineMs);
  const local = createLocalSharing(clock, keepLatestMs);
  return {
    clock,
    now,
    registry: createQueueRegistry({
      http,
      clock,
      now,
      settings: queue,
      operationDeadlineMs: config.resilience.operationDeadlineMs,
      sharing: queueSharing ?? (sharing?.redis ? createRedisQueueSharing(sharing.redis, local, keepLatestMs) : local),
      warn: (message) => logger.warn(message),
    }),
  };
}

/** An allow-list read only for its operation names (the metrics' labels): one that cannot be read names none. */
function allowListOrNone(file: string): ReadonlyMap<string, string> {
  try {
    return loadTrustedDocuments(file);
  } catch {
    return new Map();
  }
}
