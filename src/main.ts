import { ConfigError, loadConfig, type Config, type Env } from './config/index.js';
import { createHttpServer, listen } from './http-server.js';
import { startSandbox } from './sandbox/server.js';
import { loadSandboxSettings, sandboxUpstreams, type SandboxSettings } from './sandbox/settings.js';
import { createGateway } from './server.js';

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
  const sandbox = sandboxSettings ? await startSandbox(sandboxSettings) : null;
  const upstreams = sandbox ? sandboxUpstreams(sandbox.url) : config.upstreams;
  const gateway = createGateway({ ...config, upstreams });
  const server = createHttpServer(gateway.handle, config.http);
  await listen(server, config.port, config.host);

  const shownHost = ['0.0.0.0', '::', '127.0.0.1'].includes(config.host) ? 'localhost' : config.host;
  console.log(`cx-gateway: GraphiQL at http://${shownHost}:${config.port}/graphql`);
  if (sandbox) {
    console.log(`Upstreams: the embedded sandbox at ${sandbox.url} (generated data, no accounts needed; SANDBOX=off to use real upstreams)`);
  } else {
    const real = Object.entries(upstreams)
      .map(([name, settings]) => `${name} ${settings ? settings.baseUrl : '(not configured)'}`)
      .join(', ');
    console.log(`Upstreams: real: ${real}`);
  }
  const { security } = config;
  console.log(
    security.auth === 'open'
      ? 'Callers: open (no API key asked)'
      : `Callers: API key required (${security.apiKeys.length} key${security.apiKeys.length === 1 ? '' : 's'} configured)`,
  );
  for (const warning of config.warnings) console.warn(`warning: ${warning}`);

  const shutdown = () => {
    server.close();
    server.closeAllConnections();
    void sandbox?.close();
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error('cx-gateway failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
