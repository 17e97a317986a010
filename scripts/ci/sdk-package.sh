#!/usr/bin/env bash
# The SDK as another service gets it: `npm pack -w @cx-gateway/sdk`, installed
# from the tarball into a fresh project in a temporary directory (graphql and
# graphql-request from the registry, as its peers), then used from plain Node
# (.mjs) against a running gateway and type-checked from TypeScript.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/ci/wait-for-url.sh
repo=$(pwd)
work=$(mktemp -d)
gateway_pid=""
cleanup() {
  if [ -n "$gateway_pid" ]; then kill "$gateway_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

npm pack -w @cx-gateway/sdk --pack-destination "$work" --silent >/dev/null
tarball=$(ls "$work"/cx-gateway-sdk-*.tgz)
echo "sdk-package: packed $(basename "$tarball")"

mkdir "$work/consumer"
cd "$work/consumer"
cat > package.json <<'JSON'
{ "name": "sdk-consumer", "private": true, "type": "module" }
JSON
npm install --no-audit --no-fund --silent "$tarball" graphql@^16 graphql-request@^7 typescript@~5.9 @types/node@^20

cat > use.mjs <<'JS'
import { ContactsDocument, CxGatewayError, DashboardDocument, UnhandledMessagesDocument, createCxClient } from '@cx-gateway/sdk';
import allowList from '@cx-gateway/sdk/persisted-documents.json' with { type: 'json' };

// The gateway below runs PERSISTED_OPERATIONS=only: each operation goes by its id.
const client = createCxClient({ url: process.env.CX_GATEWAY_URL, send: 'documentId' });
const end = new Date();
const start = new Date(end.getTime() - 7 * 24 * 60 * 60 * 1000);
const dashboard = await client.request(DashboardDocument, { start: start.toISOString(), end: end.toISOString() });
if (dashboard.agents.nodes.length === 0) throw new Error('the dashboard listed no agent');
let waiting = 0;
for await (const contact of client.paginate(ContactsDocument, { status: 'UNATTENDED', first: 25 }, (data) => data.contacts)) {
  if (typeof contact.waitingTime !== 'number') throw new Error('a contact without its waiting time');
  waiting += 1;
}
try {
  await client.request(UnhandledMessagesDocument, { agentId: 1 });
  throw new Error('agent 1 should be NOT_FOUND');
} catch (error) {
  if (!(error instanceof CxGatewayError) || !error.codes.includes('NOT_FOUND')) throw error;
}
console.log(`sdk-package: .mjs: ${dashboard.agents.nodes.length} agents, ${waiting} contacts waiting, NOT_FOUND coded, ${Object.keys(allowList).length} allow-listed documents`);
JS

cat > check.ts <<'TS'
import { createCxClient, CxGatewayError, DashboardDocument, PostAgentMessageDocument, type DashboardQuery } from '@cx-gateway/sdk';

const client = createCxClient({ url: 'http://localhost:4000/graphql', apiKey: 'a-key' });

export async function typed(): Promise<number> {
  const data: DashboardQuery = await client.request(DashboardDocument, { start: '2026-01-01T00:00:00Z', end: '2026-01-02T00:00:00Z' });
  const total: number = data.agents.totalCount;
  const names: Array<string | null> = data.agents.nodes.map((agent) => agent.name);
  // @ts-expect-error start and end are required
  await client.request(DashboardDocument, {});
  // @ts-expect-error the dashboard selects no such field
  void data.agents.nope;
  // @ts-expect-error agentId is an Int
  await client.request(PostAgentMessageDocument, { input: { agentId: 'x', conversationUuid: 'u', text: 't' } });
  const result = await client.execute(DashboardDocument, { start: '', end: '' });
  const codes: string[] = result.errors.flatMap((error) => (error.code ? [error.code] : []));
  return total + names.length + codes.length + (new CxGatewayError([], null, 500).codes.length);
}
TS
cat > tsconfig.json <<'JSON'
{ "compilerOptions": { "target": "ES2022", "module": "NodeNext", "moduleResolution": "NodeNext", "strict": true, "noEmit": true, "types": ["node"] }, "files": ["check.ts"] }
JSON
npx tsc --noEmit -p .
echo "sdk-package: TypeScript: types resolve, tsc --noEmit passes"

cd "$repo"
log="$work/gateway.log"
# Trusted documents only, from the default allow-list: what a locked-down deployment of the SDK sees.
PERSISTED_OPERATIONS=only PORT=0 SANDBOX_PORT=0 HOST=127.0.0.1 node --import tsx src/main.ts >"$log" 2>&1 &
gateway_pid=$!
url=$(wait_for_url "$log" "$gateway_pid" sdk-package)
(cd "$work/consumer" && CX_GATEWAY_URL="$url" node use.mjs)
echo "sdk-package: passed"
