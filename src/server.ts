import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { createYoga, type Plugin, type YogaLogger, type YogaServerInstance } from 'graphql-yoga';
import type { IncomingMessage } from 'node:http';
import { callerKey, createCallerIdentifier } from './auth/callers.js';
import { configuredSecrets } from './auth/secrets.js';
import type { Config } from './config/index.js';
import { createContext, createUpstreamClients, type Context } from './context.js';
import { createHttpClient } from './http/client.js';
import { systemClock, type Clock } from './http/clock.js';
import { useApiKeys } from './plugins/use-api-keys.js';
import { createOperationDeadlines, useDeadlineRelease } from './plugins/use-deadline-release.js';
import { useCostLimit } from './plugins/use-cost-limit.js';
import { useNoEmptyBatch } from './plugins/use-no-empty-batch.js';
import { usePendingWrites } from './plugins/use-pending-writes.js';
import { useQueryLimits } from './plugins/use-query-limits.js';
import { useRateLimit } from './plugins/use-rate-limit.js';
import { useResponseCache } from './plugins/use-response-cache.js';
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
import { createResponseKeys } from './response-cache/key.js';
import { createResponseCache } from './response-cache/response-cache.js';
import { createMemoryResponseStore } from './response-cache/store.js';
import { createCursorCodec, createCursorKeys } from './schema/cursor-codec.js';
import { maskError } from './schema/errors.js';
import { schema } from './schema/index.js';
import { createSharedState } from './redis/shared-state.js';
import type { Sharing } from './redis/sharing.js';
import { createScrubbingLogger } from './scrubbing-logger.js';
import { exampleTabs } from './graphiql-example.js';

export interface GatewayDependencies {
  /** Replaces global fetch for every upstream call. */
  fetch?: typeof globalThis.fetch;
  /** Where log lines go (scrubbed of credentials first). @default Yoga's console logger */
  logger?: YogaLogger;
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

export type Gateway = YogaServerInstance<Record<string, unknown>, Context>;

/**
 * The whole gateway as a Yoga instance, without listening: main.ts serves it
 * over node:http, tests do the same on a free port.
 */
export function createGateway(
  config: Pick<Config, 'upstreams' | 'resilience' | 'traffic' | 'security' | 'queue'>,
  dependencies: GatewayDependencies = {},
): Gateway {
  const { security } = config;
  const clock = dependencies.clock ?? systemClock;
  const shared = createSharedState(dependencies.sharing, { budgets: config.traffic.budgets, clock, injectedClock: dependencies.clock !== undefined });
  const responses = config.traffic.responseCache.enabled
    ? createResponseCache(shared.responseStore(createMemoryResponseStore(config.traffic.responseCache.maxBytes, clock)), clock)
    : null;
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
    ...(dependencies.fetch ? { fetch: dependencies.fetch } : {}),
  });
  const clients = createUpstreamClients(config.upstreams);
  const callers = createCallerIdentifier(security);
  const secrets = configuredSecrets(config.upstreams);
  // Without CURSOR_SECRET the key is this process's own, or the one the replicas keep in Redis (config warns of it).
  const cursorKeys = dependencies.sharing?.cursorKeys ?? createCursorKeys(security.cursorSecret);
  const paging = { cursors: createCursorCodec(cursorKeys), traversals: shared.traversals, maxReportEntries: config.traffic.maxReportEntries };
  const deadlines = createOperationDeadlines(config.resilience.operationDeadlineMs, clock);
  const trustedDocuments = security.persistedOperationsFile ? loadTrustedDocuments(security.persistedOperationsFile) : null;
  const logging = createScrubbingLogger(secrets, dependencies.logger);
  const live = createLiveQueue(config, http, clock, dependencies, logging);
  const plugins: Plugin[] = [
    useApiKeys(callers),
    ...(security.csrfPrevention ? [useCSRFPrevention()] : []),
    useUtf8Body(security.maxBodyBytes),
    useNoEmptyBatch(),
    useRateLimit(callers, shared.rateWindows),
    ...(trustedDocuments ? [useTrustedDocuments(trustedDocuments)] : []),
    ...(responses
      ? [
          useResponseCache({
            cache: responses,
            keyOf: createResponseKeys({ callers, forwardUpstreamCredentials: security.forwardUpstreamCredentials, upstreams: config.upstreams }),
            alwaysStats: config.traffic.debugUpstream,
          }),
        ]
      : []),
    ...(security.introspection ? [] : [useDisableIntrospection() as Plugin]),
    useQueryLimits(security),
    useCostLimit(security.maxCost),
    useSecretScrubbing(secrets),
    useUpstreamErrors(),
    useUpstreamStats({ always: config.traffic.debugUpstream }) as Plugin,
    useDeadlineRelease(deadlines),
    usePendingWrites(),
    { onDispose: () => live.registry.close() },
    ...(dependencies.plugins ?? []),
  ];
  return createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    logging,
    context: ({ request, req }) => {
      const identification = callers.identify(request);
      if (!('caller' in identification)) throw new Error('unreachable: useApiKeys refuses unidentified callers');
      return createContext(http, clients, config.upstreams, paging, live, {
        caller: identification.caller,
        callerKey: callerKey(identification.caller, (req as IncomingMessage | undefined)?.socket.remoteAddress),
        forwardedFrom: security.forwardUpstreamCredentials ? request.headers : null,
        // The operation's deadline starts when its request arrives and ends early if the caller leaves.
        deadline: deadlines.open(request),
      });
    },
    maskedErrors: { maskError },
    plugins,
    maxRequestBodySize: security.maxBodyBytes,
    batching: security.maxBatch > 0 ? { limit: security.maxBatch } : false,
    extraParamNames: ['documentId'],
    ...(security.corsOrigins ? { cors: { origin: [...security.corsOrigins] } } : {}),
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
  logger: YogaLogger,
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
