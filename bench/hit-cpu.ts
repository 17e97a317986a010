/**
 * The gateway's CPU per operation, without a load generator: the built
 * gateway in its own process, N requests sent one after another over HTTP,
 * and the CPU time the gateway process spent (/proc/<pid>/stat) divided by N.
 * Robust on a shared machine, where req/s moves with everyone else's load.
 * Each operation runs once cold, then warm: with the response cache on (hits)
 * and off (every upstream answer cached, the operation executed each time).
 *
 *   npx tsx bench/hit-cpu.ts [N] [operation...]
 *
 * With BENCH_BEFORE_DIST (a directory holding another checkout's compiled
 * main.js) and BENCH_BEFORE_CWD (that checkout), each row is measured for
 * that build too, interleaved, so before and after share the machine's load.
 */
import { startSandbox } from '../src/sandbox/server.js';
import { beforeBuild, ensureBuilt, startGatewayProcess, thisBuild, type GatewayBuild } from './gateway-process.js';
import { cpuMsOf } from './process-stats.js';
import { DASHBOARD_QUERY, dashboardVariables, UNHANDLED_QUERY } from './scenarios.js';

const N = Number(process.argv[2] ?? 3_000);
ensureBuilt();
const sandbox = await startSandbox({ port: 0 });

const operations = {
  dashboard: { query: DASHBOARD_QUERY, variables: dashboardVariables(sandbox.dataset.now) },
  // The floor: an operation that reads nothing, so "off" executes next to nothing.
  typename: { query: '{ __typename }', variables: {} },
  unhandled: { query: UNHANDLED_QUERY, variables: { agentId: 20457 } },
};
type Name = keyof typeof operations;
const chosen = process.argv.slice(3) as Name[];
const names = chosen.length > 0 ? chosen : (Object.keys(operations) as Name[]);
const builds: Array<[string, GatewayBuild]> = [['this', thisBuild]];
const before = beforeBuild();
if (before) builds.push(['before', before]);

async function measure(name: Name, responseCache: boolean, [label, build]: [string, GatewayBuild]) {
  const gateway = await startGatewayProcess(
    sandbox.url,
    { CACHE: 'on', RESPONSE_CACHE: String(responseCache), AVAAMO_CALLS_PER_MINUTE: '0', ROCKETCHAT_CALLS_PER_MINUTE: '0' },
    build,
  );
  try {
    const body = JSON.stringify(operations[name]);
    let bytes = 0;
    const send = async () => {
      const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const text = await response.text();
      if (response.status !== 200 || text.includes('"errors"')) throw new Error(`${name}: ${response.status} ${text.slice(0, 300)}`);
      bytes = text.length;
    };
    for (let i = 0; i < 500; i++) await send(); // the first one cold, then JIT warm-up
    const start = await cpuMsOf(gateway.pid);
    for (let i = 0; i < N; i++) await send();
    const end = await cpuMsOf(gateway.pid);
    const perOperation = (ms: number) => Number((ms / N).toFixed(3));
    return {
      build: label,
      operation: name,
      responseCache,
      responseBytes: bytes,
      cpuMsPerOperation: perOperation(end.user - start.user + end.system - start.system),
      // Mostly the kernel's work for the socket (loopback writes), which any HTTP server pays.
      ofWhichSystem: perOperation(end.system - start.system),
    };
  } finally {
    await gateway.stop();
  }
}

const rows = [];
for (const name of names) {
  for (const responseCache of [true, false]) for (const build of builds) rows.push(await measure(name, responseCache, build));
}
console.table(rows);
await sandbox.close();
