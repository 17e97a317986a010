/**
 * The chaos corpus (issue 5): the operations `npm run chaos` sends and the
 * faults the sandbox injects meanwhile. Shared with the test that replays it
 * briefly (test/gateway/chaos-corpus.test.ts), on a shorter time scale.
 */
import type { Fault } from '../src/sandbox/faults.js';

/** The share of upstream requests that fail. */
export const FAULT_SHARE = 0.3;

/**
 * The gateway's time bounds of the run: `scale` 1 for `npm run chaos`, less
 * for a test, which shrinks the faults' times with them (chaosFaultMix).
 */
export function chaosGatewayEnv(scale = 1) {
  return {
    OPERATION_DEADLINE_MS: String(Math.round(5000 * scale)),
    UPSTREAM_TIMEOUT_MS: String(Math.round(2000 * scale)),
    UPSTREAM_CONNECT_TIMEOUT_MS: String(Math.round(1000 * scale)),
  };
}

/** Ten kinds of failure, 3% of upstream requests each: 30% in all. */
export function chaosFaultMix(scale = 1): Array<Omit<Fault, 'route' | 'fraction'>> {
  return [
    { kind: 'latency', ms: Math.round(1500 * scale) },
    { kind: 'status', status: 500 },
    { kind: 'status', status: 502 },
    { kind: 'status', status: 503 },
    { kind: 'status', status: 429, retryAfter: 1 },
    { kind: 'hang' },
    { kind: 'reset' },
    { kind: 'truncated' },
    { kind: 'malformed' },
    { kind: 'slow-body', ms: Math.round(4000 * scale) },
  ];
}

/** Each rule sees only what the rules before it let through, so its own fraction is of the remainder. */
export function chaosFaultRules(scale = 1): Fault[] {
  const mix = chaosFaultMix(scale);
  const each = FAULT_SHARE / mix.length;
  return mix.map((fault, index) => ({ route: '*', ...fault, fraction: each / (1 - each * index) }));
}

const QUERIES = {
  dashboard: `query Dashboard($a: Int!, $b: Int!, $start: DateTime!, $end: DateTime!) {
    a: agent(agentId: $a) { name messages(first: 10) { totalCount nodes { content } } unhandledMessages(first: 10) { totalCount } smsRecords(first: 10) { totalCount } }
    b: agent(agentId: $b) { name messages(first: 10) { totalCount } }
    queue: contacts(status: UNATTENDED, first: 20) { totalCount nodes { name waitingTime } }
    agentConversationStats(start: $start, end: $end, first: 10) { totalConversations nodes { agentName conversationCount } }
  }`,
  queue: `query Queue { unattended: contacts(status: UNATTENDED, first: 50) { totalCount } attended: contacts(status: ATTENDED, first: 10) { totalCount } }`,
  agent: `query Agent($a: Int!) { agent(agentId: $a) { name messages(first: 30) { nodes { content } } smsRecords(first: 20) { nodes { status } } } }`,
};

/** The `n`th operation of the run: half dashboards, a quarter queue views, a quarter agent views. */
export function chaosOperation(n: number, agentIds: readonly number[], window: { start: string; end: string }) {
  const a = agentIds[n % agentIds.length]!;
  const b = agentIds[(n + 1) % agentIds.length]!;
  const pick = n % 4;
  if (pick === 0 || pick === 1) return { query: QUERIES.dashboard, variables: { a, b, ...window } };
  if (pick === 2) return { query: QUERIES.queue };
  return { query: QUERIES.agent, variables: { a } };
}
