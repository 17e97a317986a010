/**
 * The gateway's CPU per cached operation, without a load generator: the
 * gateway in its own process as `npm start` runs it, N requests sent one
 * after another over HTTP, and the CPU time the gateway process spent
 * (/proc/<pid>/stat) divided by N. Each operation runs once cold, then warm:
 * with the response cache on (hits) and off (every upstream answer cached,
 * the operation executed each time).
 *
 *   npx tsx bench/hit-cpu.ts [N]
 */
import { readFile } from 'node:fs/promises';
import { startSandbox } from '../src/sandbox/server.js';
import { startGatewayProcess } from './gateway-process.js';

const N = Number(process.argv[2] ?? 3_000);
const sandbox = await startSandbox({ port: 0 });
const end = new Date(sandbox.dataset.now);
const start = new Date(end.getTime() - 7 * 24 * 3600 * 1000);

const operations = {
  // The dashboard: 5 agents × 2 lists of 10, contacts first 50, stats first 100.
  dashboard: {
    query: `query Dashboard($start: DateTime!, $end: DateTime!) {
      agents(first: 5) { nodes { agentId name
        unhandledMessages(first: 10) { totalCount nodes { content channel createdAt } }
        failedSms: smsRecords(status: FAILED, first: 10) { totalCount nodes { toPhone statusResponse createdAt } } } }
      queue: contacts(status: UNATTENDED, first: 50) { totalCount nodes { name platform waitingTime assignedAgents { name } } }
      agentConversationStats(start: $start, end: $end, first: 100) { totalConversations unspecifiedCount nodes { agentName conversationCount share } }
    }`,
    variables: { start: start.toISOString(), end: end.toISOString() },
  },
  // The floor: an operation that reads nothing, so "off" executes next to nothing.
  typename: { query: '{ __typename }', variables: {} },
  unhandled: {
    query: `query($agentId: Int!) { agent(agentId: $agentId) { unhandledMessages(first: 10) { nodes { content createdAt } } } }`,
    variables: { agentId: 20457 },
  },
};

/** User and system CPU time of a process, in ms (clock ticks of 10 ms). */
async function cpuMsOf(pid: number): Promise<{ user: number; system: number }> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return { user: Number(fields[11]) * 10, system: Number(fields[12]) * 10 };
}

async function measure(name: keyof typeof operations, responseCache: boolean) {
  const gateway = await startGatewayProcess(sandbox.url, {
    CACHE: 'true',
    RESPONSE_CACHE: String(responseCache),
    AVAAMO_CALLS_PER_MINUTE: '0',
    ROCKETCHAT_CALLS_PER_MINUTE: '0',
  });
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
    const before = await cpuMsOf(gateway.pid);
    for (let i = 0; i < N; i++) await send();
    const after = await cpuMsOf(gateway.pid);
    const perOperation = (ms: number) => Number((ms / N).toFixed(3));
    return {
      operation: name,
      responseCache,
      responseBytes: bytes,
      cpuMsPerOperation: perOperation(after.user - before.user + after.system - before.system),
      // Mostly the kernel's work for the socket (loopback writes), which any HTTP server pays.
      ofWhichSystem: perOperation(after.system - before.system),
    };
  } finally {
    await gateway.stop();
  }
}

const rows = [];
for (const name of Object.keys(operations) as Array<keyof typeof operations>) {
  for (const responseCache of [true, false]) rows.push(await measure(name, responseCache));
}
console.table(rows);
await sandbox.close();
