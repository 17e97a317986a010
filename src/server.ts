import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Config } from './config.js';
import { createContext, createUpstreamClients, type Context } from './context.js';
import { createHttpClient } from './http/client.js';
import { createDeadline } from './http/deadline.js';
import { useUpstreamErrors } from './plugins/use-upstream-errors.js';
import { useUpstreamStats } from './plugins/use-upstream-stats.js';
import { maskError } from './schema/errors.js';
import { schema } from './schema/index.js';
import { exampleQuery } from './graphiql-example.js';

export interface GatewayDependencies {
  /** Replaces global fetch for every upstream call. */
  fetch?: typeof globalThis.fetch;
}

export type Gateway = YogaServerInstance<Record<string, unknown>, Context>;

/**
 * The whole gateway as a Yoga instance, without listening: main.ts serves it
 * over node:http, tests do the same on a free port.
 */
export function createGateway(
  config: Pick<Config, 'upstreams' | 'resilience' | 'traffic'>,
  dependencies: GatewayDependencies = {},
): Gateway {
  const http = createHttpClient({
    ...config.resilience,
    cache: config.traffic.cache,
    budgets: config.traffic.budgets,
    maxConcurrentPerUpstream: config.traffic.maxConcurrentPerUpstream,
    dataloader: config.traffic.dataloader,
    ...(dependencies.fetch ? { fetch: dependencies.fetch } : {}),
  });
  const clients = createUpstreamClients(config.upstreams);
  return createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // The operation's deadline starts when its request arrives and ends early if the caller leaves.
    context: ({ request }) =>
      createContext(http, clients, config.upstreams, createDeadline(config.resilience.operationDeadlineMs, request.signal)),
    maskedErrors: { maskError },
    plugins: [useUpstreamErrors(), useUpstreamStats({ always: config.traffic.debugUpstream })],
    // GraphiQL's scripts and styles are served from here, not a CDN: it must
    // work on networks without internet access.
    renderGraphiQL,
    graphiql: {
      title: 'cx-gateway',
      defaultQuery: exampleQuery(new Date()),
    },
  });
}
