import { createApp, createServiceLogger } from './app.js';
import { ConfigError, loadConfig, type Config, type Env } from './config/index.js';
import { settlesWithin } from './http/deadline.js';
import { createStop } from './lifecycle/stop.js';
import { startSharing } from './redis/sharing.js';
import { startSandbox } from './sandbox/server.js';
import { loadSandboxSettings, sandboxUpstreams, type SandboxSettings } from './sandbox/settings.js';
import { logDestination, type LogDestination } from './telemetry/logger.js';

/**
 * The gateway's config and the embedded sandbox's settings. Both are read in every
 * mode, so one ConfigError names every problem of either.
 */
function readSettings(env: Env): { config: Config; sandboxSettings: SandboxSettings | null } {
  const problems: string[] = [];
  const read = <T>(load: () => T): T | null => {
    try {
      return load();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      return null;
    }
  };
  const sandboxSettings = read(() => loadSandboxSettings(env));
  const config = read(() => loadConfig(env));
  if (!config || !sandboxSettings) throw new ConfigError(problems);
  return { config, sandboxSettings: config.embeddedSandbox ? sandboxSettings : null };
}

/** A base URL as the start line shows it: a user and password in it are credentials. */
function withoutUserinfo(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
  } catch {
    return '(not a URL)';
  }
}

/**
 * The log's last lines written out in order before the process exits.
 * sonic-boom (pino.destination, not sync) may have a write in flight;
 * flushSync then writes what is queued behind it first, and an operation's
 * line logged just before `stopped` would come after it, or be lost at exit.
 * So its drain is awaited first (it has no public flag for a write in flight).
 */
async function finishLogs(destination: LogDestination): Promise<void> {
  const boom = destination as LogDestination & { _writing?: boolean; once?(event: 'drain', listener: () => void): void };
  if (boom._writing === true && boom.once) await settlesWithin(new Promise<void>((resolve) => boom.once!('drain', resolve)), 500);
  destination.flushSync?.();
}

async function main(): Promise<void> {
  let settings: ReturnType<typeof readSettings>;
  try {
    settings = readSettings(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }

  const { config, sandboxSettings } = settings;
  // Before anything makes a span: until it runs, the OpenTelemetry API is a no-op.
  const tracing = config.telemetry.tracing ? (await import('./telemetry/tracing-sdk.js')).startTracing(config.telemetry.tracing) : null;
  const sandbox = sandboxSettings ? await startSandbox(sandboxSettings) : null;
  const upstreams = sandbox ? sandboxUpstreams(sandbox.url) : config.upstreams;
  const destination = await logDestination(config.telemetry);
  const resolved = { ...config, upstreams };
  const logger = createServiceLogger(resolved, destination);
  // With REDIS_URL: connected (or serving degraded) before the first request, the cursor secret agreed.
  const sharing = await startSharing(config.scaling, { cursorSecret: config.security.cursorSecret, logger });
  const app = createApp({ config: resolved, logger, sandbox, sharing });
  const { url, metricsUrl } = await app.listen();

  logger.info({ url, metricsUrl }, `cx-gateway: ${config.security.graphiql ? 'GraphiQL' : 'GraphQL'} at ${url}`);
  if (sandbox) {
    logger.info({ sandbox: sandbox.url }, `Upstreams: the embedded sandbox at ${sandbox.url} (generated data, no accounts needed; SANDBOX=off to use real upstreams)`);
  } else {
    const real = Object.entries(upstreams)
      .map(([name, each]) => `${name} ${each ? withoutUserinfo(each.baseUrl) : '(not configured)'}`)
      .join(', ');
    logger.info(`Upstreams: real: ${real}`);
  }
  logger.info(
    sharing.redis
      ? `Replicas: sharing cache, budgets, rate limits and cursors through Redis (${sharing.health.state})`
      : 'Replicas: none shared (no REDIS_URL): cache, budgets and rate limits are this process\'s own',
  );
  const { security } = config;
  logger.info(
    security.auth === 'open'
      ? 'Callers: open (no API key asked)'
      : `Callers: API key required (${security.apiKeys.length} key${security.apiKeys.length === 1 ? '' : 's'} configured)`,
  );
  if (tracing) logger.info({ endpoint: config.telemetry.tracing?.endpoint }, 'Tracing: spans go over OTLP/HTTP');
  for (const warning of config.warnings) logger.warn(`warning: ${warning}`);

  const stop = createStop({
    graceMs: config.shutdownGraceMs,
    shutdown: (graceMs) => app.shutdown(graceMs),
    flushTracing: tracing ? () => tracing.shutdown() : null,
    logger,
    flushLogs: () => finishLogs(destination),
    exit: (code) => process.exit(code),
  });
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error('cx-gateway failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
