import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Config } from './config.js';
import { createContext, createUpstreamClients, type Context } from './context.js';
import { createHttpClient } from './http/client.js';
import { useUpstreamErrors } from './plugins/use-upstream-errors.js';
import { maskError } from './schema/errors.js';
import { schema } from './schema/index.js';
import { exampleTabs } from './graphiql-example.js';

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
  config: Pick<Config, 'upstreams' | 'upstreamTimeoutMs'>,
  dependencies: GatewayDependencies = {},
): Gateway {
  const http = createHttpClient({
    timeoutMs: config.upstreamTimeoutMs,
    ...(dependencies.fetch ? { fetch: dependencies.fetch } : {}),
  });
  const clients = createUpstreamClients(config.upstreams);
  return createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    context: () => createContext(http, clients, config.upstreams),
    maskedErrors: { maskError },
    plugins: [useUpstreamErrors()],
    // GraphiQL's scripts and styles are served from here, not a CDN: it must
    // work on networks without internet access.
    renderGraphiQL,
    // A factory, so the example tabs' dates are relative to each page load.
    graphiql: () => ({
      title: 'cx-gateway',
      defaultTabs: exampleTabs(new Date(), config.upstreams.avaamo?.agents[0]?.id ?? 20457),
    }),
  });
}
