/**
 * Upstream cost of a Relay traversal: 1,000 of agent 20457's messages, 25 a
 * page, optionally with 50 new messages arriving between pages. Prints the
 * upstream requests the sandbox served, the distinct upstream URLs among them
 * (what a cross-request cache keyed on the URL would have to fetch) and the
 * wall time. Run: npx tsx bench/paging-traversal.ts [--inserts]
 */
import { agentIds, startStack } from '../test/helpers.js';

const inserts = process.argv.includes('--inserts');
const agentId = agentIds[0]!;
const QUERY = `query($a: Int!, $after: String) { agent(agentId: $a) { messages(first: 25, after: $after) {
  edges { node { uuid } } pageInfo { endCursor } } } }`;
type Data = { agent: { messages: { edges: { node: { uuid: string } }[]; pageInfo: { endCursor: string | null } } } };

const stack = await startStack();
try {
  const original = stack.sandbox.dataset.avaamo.agents[agentId]!.messages.slice(0, 1000).map((message) => message.uuid);
  await stack.resetStats();
  const started = performance.now();
  const seen: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < 40; page++) {
    const response: { data?: Data } = await stack.execute<Data>(QUERY, { a: agentId, after });
    seen.push(...response.data!.agent.messages.edges.map((edge) => edge.node.uuid));
    after = response.data!.agent.messages.pageInfo.endCursor;
    if (inserts) await fetch(`${stack.sandbox.url}/__sandbox/messages?agent=${agentId}&count=50`, { method: 'POST' });
  }
  const elapsed = performance.now() - started;
  const requests = await stack.requests();
  const distinct = new Set(requests.map((request) => `${request.path}?${new URLSearchParams(request.query as Record<string, string>).toString()}`));
  console.log(
    JSON.stringify({
      traversal: '1,000 messages, first: 25',
      inserts: inserts ? '50 between pages' : 'none',
      complete: JSON.stringify(seen) === JSON.stringify(original),
      upstreamRequests: requests.length,
      distinctUpstreamUrls: distinct.size,
      wallMs: Math.round(elapsed),
    }),
  );
} finally {
  await stack.close();
}
