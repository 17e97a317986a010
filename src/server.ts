import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import type { RequestListener } from 'node:http';
import { createYoga, type Plugin, type YogaLogger, type YogaServerInstance } from 'graphql-yoga';
import { createCallerIdentifier } from './auth/callers.js';
import { createRateLimits } from './auth/rate-limits.js';
import { configuredSecrets } from './auth/secrets.js';
import type { Config } from './config/index.js';
import { createContext, createUpstreamClients, type Context } from './context.js';
import { createGatewayHandler } from './gateway-handler.js';
import { createHttpClient } from './http/client.js';
import { systemClock, type Clock } from './http/clock.js';
import { useApiKeys } from './plugins/use-api-keys.js';
import { useBodySizeLimit } from './plugins/use-body-size-limit.js';
import { createOperationDeadlines, useDeadlineRelease } from './plugins/use-deadline-release.js';
import { useCostLimit } from './plugins/use-cost-limit.js';
import { useJitExecution } from './plugins/use-jit-execution.js';
import { useNoEmptyBatch } from './plugins/use-no-empty-batch.js';
import { useQueryLimits } from './plugins/use-query-limits.js';
import { useRateLimit } from './plugins/use-rate-limit.js';
import { useResponseCache } from './plugins/use-response-cache.js';
import { useSecretScrubbing } from './plugins/use-secret-scrubbing.js';
import { loadTrustedDocuments, useTrustedDocuments } from './plugins/use-trusted-documents.js';
import { useUpstreamErrors } from './plugins/use-upstream-errors.js';
import { useUpstreamStats } from './plugins/use-upstream-stats.js';
import { useUtf8Body } from './plugins/use-utf8-body.js';
import { createHitPath } from './response-cache/hit-path.js';
import { createResponseKeys } from './response-cache/key.js';
import { createResponseCache } from './response-cache/response-cache.js';
import { createMemoryResponseStore } from './response-cache/store.js';
import { createCursorCodec, createCursorKeys } from './schema/cursor-codec.js';
import { maskError } from './schema/errors.js';
import { schema } from './schema/index.js';
import { createMemoryTraversalStore } from './schema/traversal-store.js';
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
}

export interface Gateway {
  /** The node:http handler: response-cache hits answered at once, everything else by Yoga. */
  handle: RequestListener;
  yoga: YogaServerInstance<Record<string, unknown>, Context>;
}

const GRAPHQL_ENDPOINT = '/graphql';

/**
 * The whole gateway, without listening: main.ts serves its handler over
 * node:http, tests do the same on a free port.
 */
export function createGateway(
  config: Pick<Config, 'upstreams' | 'resilience' | 'traffic' | 'security'>,
  dependencies: GatewayDependencies = {},
): Gateway {
  const { security } = config;
  const clock = dependencies.clock ?? systemClock;
  const responses = config.traffic.responseCache.enabled
    ? createResponseCache(createMemoryResponseStore(config.traffic.responseCache.maxBytes, clock), clock)
    : null;
  const http = createHttpClient({
    ...config.resilience,
    cache: config.traffic.cache,
    budgets: config.traffic.budgets,
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
  const rateLimits = createRateLimits();
  const keyOf = createResponseKeys({ forwardUpstreamCredentials: security.forwardUpstreamCredentials, upstreams: config.upstreams });
  // Yoga's CORS plugin and the hit path read the same options: `{}` is Yoga's default (any origin).
  const cors = security.corsOrigins ? { origin: [...security.corsOrigins] } : {};
  const secrets = configuredSecrets(config.upstreams);
  // Without CURSOR_SECRET the key is this process's own (config warns of it).
  const paging = { cursors: createCursorCodec(createCursorKeys(security.cursorSecret)), traversals: createMemoryTraversalStore() };
  const deadlines = createOperationDeadlines(config.resilience.operationDeadlineMs, clock);
  const trustedDocuments = security.persistedOperationsFile ? loadTrustedDocuments(security.persistedOperationsFile) : null;
  const plugins: Plugin[] = [
    useApiKeys(callers),
    ...(security.csrfPrevention ? [useCSRFPrevention()] : []),
    useUtf8Body(security.maxBodyBytes),
    useNoEmptyBatch(),
    useRateLimit(callers, rateLimits),
    ...(trustedDocuments ? [useTrustedDocuments(trustedDocuments)] : []),
    ...(responses
      ? [useResponseCache({ cache: responses, keyOf, callers, alwaysStats: config.traffic.debugUpstream })]
      : []),
    ...(security.introspection ? [] : [useDisableIntrospection() as Plugin]),
    useQueryLimits(security),
    useCostLimit(security.maxCost),
    useJitExecution(),
    useSecretScrubbing(secrets),
    useUpstreamErrors(),
    useUpstreamStats({ always: config.traffic.debugUpstream }) as Plugin,
    useDeadlineRelease(deadlines),
    // After every plugin that could pick a request parser.
    useBodySizeLimit(security.maxBodyBytes),
    ...(dependencies.plugins ?? []),
  ];
  const yoga = createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    landingPage: false,
    logging: createScrubbingLogger(secrets, dependencies.logger),
    context: ({ request }) => {
      const identification = callers.identify(request);
      if (!('caller' in identification)) throw new Error('unreachable: useApiKeys refuses unidentified callers');
      return createContext(http, clients, config.upstreams, paging, {
        caller: identification.caller,
        forwardedFrom: security.forwardUpstreamCredentials ? request.headers : null,
        // The operation's deadline starts when its request arrives and ends early if the caller leaves.
        deadline: deadlines.open(request),
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
      ? createHitPath({ cache: responses, keyOf, callers, rateLimits, cors, endpoint: GRAPHQL_ENDPOINT, alwaysStats: config.traffic.debugUpstream })
      : null;
  return { yoga, handle: createGatewayHandler(yoga, hitPath, security.maxBodyBytes) };
}
