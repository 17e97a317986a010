/**
 * The sandbox alone (`npm run sandbox`): the upstream simulator, for pointing a gateway,
 * curl or a REST client at. Configured from the environment:
 * SANDBOX_PORT (4010), SANDBOX_HOST (127.0.0.1), SANDBOX_LATENCY_MS (0), SANDBOX_SEED (42),
 * SANDBOX_RATE_LIMITS (true|false, false), SANDBOX_FAULTS (a JSON list, see faults.ts),
 * SANDBOX_LIVE_QUEUE (true|false, true: Vambe's queue moves on its own).
 */
import { ConfigError } from '../config/env.js';
import { sandboxCredentials, sandboxRestrictedAgentId, sandboxSecondTenant } from './credentials.js';
import { startSandbox, type Sandbox } from './server.js';
import { loadSandboxSettings, type SandboxSettings } from './settings.js';

function readSettings(): SandboxSettings {
  try {
    return loadSandboxSettings(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

function describe(sandbox: Sandbox, settings: SandboxSettings): string {
  const c = sandboxCredentials;
  const agents = c.avaamoAgents.map((a) => `    agent ${a.id}  access-token: ${a.accessToken}`).join('\n');
  return `cx-gateway sandbox listening on ${sandbox.url}
  seed ${settings.seed}, latency ${settings.latencyMs} ms, rate limits ${settings.rateLimits ? 'on' : 'off'}, ${settings.faults.length} fault(s) armed, Vambe queue ${settings.liveQueue ? 'moving' : 'standing still'}

Credentials (they grant nothing anywhere else):
  Avaamo user token (access-token header): ${c.avaamoUserToken}
  Avaamo agent tokens (GET /v1/messages.json):
${agents}
  Avaamo agent ${sandboxRestrictedAgentId} exists but the user token may not view it (403).
  Vambe x-api-key: ${c.vambeApiKey}
  Rocket.Chat X-User-Id: ${c.rocketchatUserId}   X-Auth-Token: ${c.rocketchatAuthToken}
  A second tenant (its own view of each vendor: agent ${sandboxRestrictedAgentId}, one Vambe pipeline, one Rocket.Chat team):
    Avaamo user ${sandboxSecondTenant.avaamoUserToken}, agent ${sandboxRestrictedAgentId} ${sandboxSecondTenant.avaamoAgents[0].accessToken}
    Vambe ${sandboxSecondTenant.vambeApiKey}, Rocket.Chat ${sandboxSecondTenant.rocketchatUserId} / ${sandboxSecondTenant.rocketchatAuthToken}

Routes:
  GET  /api/v1/agents/{id}.json
  GET  /bots/analytics/{id}/unhandled_messages.json
  GET  /v1/messages.json
  POST /bots_api/v1/messages.json
  GET  /api/v1/agents/{id}/sms/report.json
  GET  /api/public/analytics/contacts/by-status?page=1&status=unattended
  GET  /api/v1/livechat/analytics/dashboards/conversations-by-agent?start=…&end=…
  GET  /__sandbox/health   GET /__sandbox/stats   GET /__sandbox/requests   POST /__sandbox/reset
  GET|POST /__sandbox/faults   (POST {"faults": [{"route": "*", "kind": "status", "status": 503, "fraction": 0.3}]})
  POST /__sandbox/messages|sms|unhandled?agent={id}&count=n   (add entries now)
  POST /__sandbox/contacts {"status": "unattended", "count": 3, "waitingSeconds": 120}   (contacts write in now)
  POST /__sandbox/contacts/attend {"count": 2}   (the longest-waiting unattended contacts get attended)

Try: curl -H 'access-token: ${c.avaamoAgents[0]?.accessToken ?? ''}' '${sandbox.url}/v1/messages.json?per_page=1'`;
}

const settings = readSettings();
const sandbox = await startSandbox(settings);
console.log(describe(sandbox, settings));

let stopping = false;
const stop = (signal: NodeJS.Signals): void => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the sandbox`);
  sandbox.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
