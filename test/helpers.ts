import { ClientError, GraphQLClient } from 'graphql-request';
import type { GraphQLError } from 'graphql';
import { createApp, createServiceLogger, type App } from '../src/app.js';
import { configuredSecrets } from '../src/auth/secrets.js';
import { loadConfig } from '../src/config/index.js';
import { sandboxCredentials } from '../src/sandbox/credentials.js';
import type { Fault } from '../src/sandbox/faults.js';
import { sandboxGatewayEnv } from '../src/sandbox/gateway-env.js';
import { startSandbox, type Sandbox, type SandboxOptions, type SandboxRequestRecord } from '../src/sandbox/server.js';
import type { GatewayDependencies } from '../src/server.js';
import { createLogCapture, type LogCapture } from './log-capture.js';
import { startSharing, type Sharing } from '../src/redis/sharing.js';

export interface GraphQLResponse<T> {
  data?: T;
  errors?: Array<Pick<GraphQLError, 'message' | 'path'> & { extensions?: Record<string, unknown> }>;
  status: number;
}

export interface Stack {
  sandbox: Sandbox;
  app: App;
  /** Every line the gateway logged, parsed; `close()` fails if any holds a configured secret. */
  logs: LogCapture;
  /** What the gateway shares with other replicas (REDIS_URL in `env`): its connection and health. */
  sharing: Sharing;
  /** The gateway's GraphQL endpoint. */
  url: string;
  /** The same endpoint for WebSocket clients (graphql-ws). */
  wsUrl: string;
  /** Runs an operation and returns data and errors, as a client would see them. */
  execute<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** Upstream requests served since the last reset, read over HTTP as a user would. */
  stats(): Promise<{ total: number; byRoute: Record<string, number> }>;
  requests(): Promise<SandboxRequestRecord[]>;
  resetStats(): Promise<void>;
  /** Replaces the sandbox's injected faults (POST /__sandbox/faults); `[]` clears them. */
  setFaults(faults: Fault[]): Promise<void>;
  /** Reads the sandbox directly: reference data for assertions (counted in stats like any request). */
  upstream<T>(path: string, query?: Record<string, string | number>, headers?: Record<string, string>): Promise<T>;
  close(): Promise<void>;
}

/** Environment for a gateway pointed at a sandbox, as a deployment would set it. */
export function sandboxEnv(sandboxUrl: string, overrides: Record<string, string | undefined> = {}) {
  return {
    ...sandboxGatewayEnv(sandboxUrl),
    // Tests count what one operation costs upstream: the cross-request cache,
    // the response cache and budgets are off unless a test turns them on
    // (test/gateway/cache*.test.ts, response-cache*.test.ts).
    CACHE: 'off',
    RESPONSE_CACHE: 'false',
    AVAAMO_CALLS_PER_MINUTE: '0',
    ROCKETCHAT_CALLS_PER_MINUTE: '0',
    // Tests about callers set GATEWAY_API_KEYS, which wins over GATEWAY_AUTH=off.
    ...overrides,
  };
}

/**
 * A sandbox and a real gateway on free loopback ports, the gateway configured
 * through its environment parser like `npm start` does.
 */
export async function startStack(
  options: {
    sandbox?: SandboxOptions;
    env?: Record<string, string | undefined>;
    /**
     * The gateway's clock (test/clock.ts; the sandbox keeps real time unless
     * given a clock of its own, `sandbox.clock`), extra plugins and the live
     * queue's sharing (GatewayDependencies).
     */
    gateway?: Pick<GatewayDependencies, 'clock' | 'plugins' | 'queueSharing'>;
    /** Another stack's sandbox instead of one of its own: replicas of one gateway. */
    sandboxOf?: Stack;
  } = {},
): Promise<Stack> {
  const sandbox = options.sandboxOf?.sandbox ?? (await startSandbox({ port: 0, ...options.sandbox }));
  const config = loadConfig(sandboxEnv(sandbox.url, options.env));
  const logs = createLogCapture([...configuredSecrets(config.upstreams), config.telemetry.metrics.token, config.security.cursorSecret]);
  const logger = createServiceLogger(config, logs);
  const sharing = await startSharing(config.scaling, { cursorSecret: config.security.cursorSecret, logger });
  const app = createApp({ config, logger, sharing, dependencies: options.gateway ?? {} });
  const { url } = await app.listen({ port: 0, metricsPort: 0 });
  const client = new GraphQLClient(url, { errorPolicy: 'all' });

  const control = async <T>(path: string, method = 'GET'): Promise<T> => {
    const response = await fetch(`${sandbox.url}${path}`, { method });
    return (await response.json()) as T;
  };

  return {
    sandbox,
    app,
    logs,
    sharing,
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    async execute<T>(query: string, variables?: Record<string, unknown>) {
      try {
        const response = await client.rawRequest<T>(query, variables);
        return {
          data: (response.data ?? undefined) as T | undefined,
          errors: response.errors as GraphQLResponse<T>['errors'],
          status: response.status,
        };
      } catch (error) {
        // Request errors (HTTP 4xx) are answers too: hand them back like data.
        if (!(error instanceof ClientError)) throw error;
        return {
          data: (error.response.data ?? undefined) as T | undefined,
          errors: error.response.errors as GraphQLResponse<T>['errors'],
          status: error.response.status,
        };
      }
    },
    stats: () => control('/__sandbox/stats'),
    requests: () => control('/__sandbox/requests'),
    resetStats: async () => {
      await control('/__sandbox/reset', 'POST');
    },
    async setFaults(faults: Fault[]) {
      const response = await fetch(`${sandbox.url}/__sandbox/faults`, { method: 'POST', body: JSON.stringify({ faults }) });
      if (response.status !== 200) throw new Error(`the sandbox refused the faults: ${await response.text()}`);
    },
    async upstream<T>(path: string, query: Record<string, string | number> = {}, headers: Record<string, string> = {}) {
      const target = new URL(sandbox.url + path);
      for (const [key, value] of Object.entries(query)) target.searchParams.set(key, String(value));
      const response = await fetch(target, {
        headers: { 'access-token': sandboxCredentials.avaamoUserToken, ...headers },
      });
      return (await response.json()) as T;
    },
    async close() {
      // Closes the gateway and its Redis connection (the sharing); the sandbox is another stack's when shared.
      await app.close();
      if (!options.sandboxOf) await sandbox.close();
      logs.assertNoSecrets();
    },
  };
}

export const agentIds = sandboxCredentials.avaamoAgents.map((agent) => agent.id);
export const agentToken = (agentId: number) =>
  sandboxCredentials.avaamoAgents.find((agent) => agent.id === agentId)!.accessToken;

/** The code of the error at a response path, e.g. codeAt(res, ['agent', 'messages']). */
export function errorAt<T>(response: GraphQLResponse<T>, path: Array<string | number>) {
  return response.errors?.find((error) => JSON.stringify(error.path) === JSON.stringify(path));
}

/**
 * Totals as the sandbox itself reports them, to compare a gateway's
 * `totalCount` with (each read counts in the sandbox's stats like any request).
 */
export const upstreamTotals = {
  /** Vambe contacts in one status (`unattended`, `attended`, `ai-attended`, `ai-away`). */
  contacts: async (stack: Stack, status: string) =>
    (
      await stack.upstream<{ total: number }>('/api/public/analytics/contacts/by-status', { status, page: 1 }, {
        'x-api-key': sandboxCredentials.vambeApiKey,
      })
    ).total,
  /** An agent's conversation messages, read with its agent token. */
  messages: async (stack: Stack, agentId: number) =>
    (await stack.upstream<{ total_entries: number }>('/v1/messages.json', { page: 1, per_page: 1 }, { 'access-token': agentToken(agentId) })).total_entries,
  /** Rocket.Chat conversations served by an agent between two ISO instants (the report's `total`). */
  conversations: async (stack: Stack, start: string, end: string) =>
    (
      await stack.upstream<{ total: number }>('/api/v1/livechat/analytics/dashboards/conversations-by-agent', { start, end }, {
        'x-user-id': sandboxCredentials.rocketchatUserId,
        'x-auth-token': sandboxCredentials.rocketchatAuthToken,
      })
    ).total,
  /** An agent's SMS records, unfiltered unless `query` says otherwise. */
  smsRecords: async (stack: Stack, agentId: number, query: Record<string, string | number> = {}, headers: Record<string, string> = {}) =>
    (await stack.upstream<{ total_entries: number }>(`/api/v1/agents/${agentId}/sms/report.json`, { page: 1, per_page: 1, ...query }, headers))
      .total_entries,
};

/** Avaamo float seconds → the ISO string the gateway answers with. */
export const isoFromSeconds = (seconds: number) => new Date(Math.round(seconds * 1000)).toISOString();
