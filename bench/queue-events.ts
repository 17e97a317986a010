/**
 * The CPU the live queue spends turning one poll into every subscriber's
 * event, in process, without a load generator: a cohort of 1,000 contacts
 * in which 3 leave and 3 arrive, N subscribers (default 1,000) each with
 * their view and SLA, one poll; best of 5 rounds.
 *
 *   npx tsx bench/queue-events.ts [N]
 */
import { linkReads } from '../src/queue/summary.js';
import { toQueueRead } from '../src/queue/read-queue.js';
import { createQueueView } from '../src/queue/view.js';
import type { VambeContactWire } from '../src/upstreams/vambe/types.js';

const N = Number(process.argv[2] ?? 1_000);
const T = Date.now();
const contacts = (shift: number): VambeContactWire[] =>
  Array.from({ length: 1000 }, (_, index) => ({
    id: `c${index + shift}`,
    name: `Contact ${index}`,
    created_at: '2026-01-01T00:00:00Z',
    platform: 'whatsapp',
    chat_status: 'UNATTENDED',
    waiting_time: 100_000 - index * 10,
    active_ticket_v2: { id: `t${index}` },
    assigned_agents: index % 3 ? [] : [{ id: `a${index % 12}`, name: `Agent ${index % 12}` }],
  }));

/** One pass answered at `at`. */
const pass = (wires: VambeContactWire[], at: number) => ({
  contacts: wires.map((contact) => ({ contact, answeredAt: at })),
  totalCount: wires.length,
  complete: true,
  oldestAnswer: at,
  latestAnswer: at,
  stale: false,
});

for (const [first, slaSeconds] of [[50, 3600], [50, null], [1000, 3600]] as const) {
  const times: number[] = [];
  for (let round = 0; round < 5; round++) {
    const before = toQueueRead(pass(contacts(0), T));
    const after = toQueueRead(pass(contacts(3), T + 5000), before);
    linkReads(before, after);
    const views = Array.from({ length: N }, () => createQueueView({ first, slaSeconds }));
    for (const view of views) view.next({ read: before, failure: null }, T);
    const started = performance.now();
    for (const view of views) view.next({ read: after, failure: null }, T + 5000);
    times.push(performance.now() - started);
  }
  const best = Math.min(...times);
  console.log(`first ${first}, slaSeconds ${slaSeconds}: ${N} subscribers, one poll: ${best.toFixed(1)} ms (${((best * 1000) / N).toFixed(1)} µs a subscriber)`);
}
