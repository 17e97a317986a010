/**
 * A CPU profile of the built gateway under load: `node --cpu-prof
 * dist/main.js` on a sandbox with 20 ms latency, one operation warmed up,
 * then autocannon at concurrency 20, then the summary of the profile's
 * samples taken during that load (cpu-profile-summary.ts). The .cpuprofile is left in bench/results/profiles/
 * for Chrome DevTools.
 *
 *   npx tsx bench/profile.ts [dashboard|unhandled] [cache|no-response-cache] [seconds]
 *
 * BENCH_BEFORE_DIST / BENCH_BEFORE_CWD (gateway-process.ts): profile that build instead.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { startSandbox } from '../src/sandbox/server.js';
import { formatSummary, summarise, type CpuProfile } from './cpu-profile-summary.js';
import { beforeBuild, ensureBuilt, startGatewayProcess, thisBuild } from './gateway-process.js';
import { body, DASHBOARD_QUERY, dashboardVariables, UNHANDLED_QUERY } from './scenarios.js';

const [operation = 'dashboard', mode = 'cache', seconds = '8'] = process.argv.slice(2);
const directory = fileURLToPath(new URL(`./results/profiles/${Date.now()}/`, import.meta.url));
await mkdir(directory, { recursive: true });
ensureBuilt();
const build = beforeBuild() ?? thisBuild;
const sandbox = await startSandbox({ port: 0, latencyMs: 20 });
const sent =
  operation === 'unhandled'
    ? body(UNHANDLED_QUERY, { agentId: 20457 })
    : body(DASHBOARD_QUERY, dashboardVariables(sandbox.dataset.now));
const gateway = await startGatewayProcess(
  sandbox.url,
  { CACHE: 'on', RESPONSE_CACHE: mode === 'cache' ? 'true' : 'false', AVAAMO_CALLS_PER_MINUTE: '0', ROCKETCHAT_CALLS_PER_MINUTE: '0' },
  { ...build, nodeArgs: [...(build.nodeArgs ?? []), '--cpu-prof', `--cpu-prof-dir=${directory}`] },
);
const monotonicMicros = () => Number(process.hrtime.bigint() / 1000n);
const window = { from: 0, to: 0 };
try {
  const options = { url: gateway.url, connections: 20, method: 'POST' as const, headers: { 'content-type': 'application/json' }, body: sent };
  await autocannon({ ...options, duration: 1 });
  window.from = monotonicMicros();
  const result = await autocannon({ ...options, duration: Number(seconds) });
  window.to = monotonicMicros();
  console.log(`${operation} ${mode} (${build === thisBuild ? 'this build' : build.entry}): ${result.requests.average} req/s, p99 ${result.latency.p99} ms, ${result.requests.total} requests`);
} finally {
  await gateway.stop();
  await sandbox.close();
}
const [file] = (await readdir(directory)).filter((name) => name.endsWith('.cpuprofile'));
if (!file) throw new Error(`no profile written to ${directory}`);
console.log(`${join(directory, file)}\n${formatSummary(summarise(JSON.parse(await readFile(join(directory, file), 'utf8')) as CpuProfile, window), 30)}`);
console.log(`(the load only: npx tsx bench/cpu-profile-summary.ts <file> 30 ${window.from} ${window.to})`);
