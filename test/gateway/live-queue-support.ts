import { manualClock, type TestClock } from '../clock.js';
import { startStack, type Stack } from '../helpers.js';
import { eventually } from '../subscriptions.js';

/** QUEUE_POLL_SECONDS' default: with the cache off (as in tests) nothing raises it. */
export const POLL_MS = 5000;
export const CONTACTS_ROUTE = 'GET /api/public/analytics/contacts/by-status';

export const QUEUE = /* GraphQL */ `
  subscription Queue($status: ContactStatus!, $platform: ContactPlatform, $sla: Int, $first: Int) {
    contactQueue(status: $status, platform: $platform, slaSeconds: $sla, first: $first) {
      asOf
      polledAt
      stale
      contacts { id waitingTime waitingSince }
      entered { id name waitingTime waitingSince chatStatus }
      left
      updated { id assignedAgents { name } }
      breached { id waitingTime slaBreached(thresholdSeconds: 600) }
      summary { count totalCount breachedCount longestWaitSeconds }
    }
  }
`;

export interface QueueEventData {
  contactQueue: {
    asOf: string;
    polledAt: string;
    stale: boolean;
    contacts: { id: string; waitingTime: number; waitingSince: string }[] | null;
    entered: { id: string; name: string; waitingTime: number; waitingSince: string; chatStatus: string }[];
    left: string[];
    updated: { id: string; assignedAgents: { name: string }[] }[];
    breached: { id: string; waitingTime: number; slaBreached: boolean }[];
    summary: { count: number; totalCount: number; breachedCount: number | null; longestWaitSeconds: number | null };
  } | null;
}

/** A sandbox and a gateway on one manual clock: nothing polls, waits or expires until the test moves it. */
export async function startClockedStack(env: Record<string, string> = {}): Promise<Stack & { clock: TestClock }> {
  const clock = manualClock();
  const stack = await startStack({ sandbox: { clock }, gateway: { clock }, env });
  return Object.assign(stack, { clock });
}

/** Contacts requests the sandbox served so far. */
export async function contactRequests(stack: Stack): Promise<number> {
  return (await stack.stats()).byRoute[CONTACTS_ROUTE] ?? 0;
}

/** Waits until `cohorts` polls have finished their pass and wait for the next interval. */
export async function passesDone(stack: Stack & { clock: TestClock }, cohorts = 1): Promise<void> {
  await eventually(() => stack.clock.pending().filter((ms) => ms === POLL_MS).length === cohorts, `${cohorts} poll(s) waiting for the next interval`);
}

/** POSTs a sandbox control route (JSON body) and returns its answer. */
export async function control<T>(stack: Stack, path: string, body: unknown): Promise<T> {
  const response = await fetch(`${stack.sandbox.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}
