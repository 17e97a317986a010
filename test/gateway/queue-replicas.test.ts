import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createHttpServer, listen } from '../../src/http-server.js';
import { createLocalSharing } from '../../src/queue/sharing.js';
import { createGateway } from '../../src/server.js';
import type { TestClock } from '../clock.js';
import { sandboxEnv, upstreamTotals, type Stack } from '../helpers.js';
import { eventually, subscribeOverSse } from '../subscriptions.js';
import { POLL_MS, QUEUE, contactRequests, control, startClockedStack, type QueueEventData } from './live-queue-support.js';

/**
 * Two gateways handed one QueueSharing stand for two replicas sharing their
 * polls (the in-process locks and fan-out behind the interfaces Redis
 * implements): one polls each cohort, both serve its subscribers.
 */
describe('replicas sharing the live queue', () => {
  let stack: Stack & { clock: TestClock };
  let replica: { url: string; close(): Promise<void> };
  beforeAll(async () => {
    stack = await startClockedStack();
    const sharing = createLocalSharing(stack.clock, 60_000);
    // The first gateway has its own sharing; restart it on the shared one, beside a second.
    const gateways = [0, 1].map(() => createGateway(loadConfig(sandboxEnv(stack.sandbox.url)), { clock: stack.clock, queueSharing: sharing }));
    const servers = await Promise.all(
      gateways.map(async (gateway) => {
        const server = createHttpServer(gateway.yoga, loadConfig({}).http);
        await listen(server, 0, '127.0.0.1');
        return server;
      }),
    );
    const urls = servers.map((server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`);
    stack.url = urls[0]!;
    replica = {
      url: urls[1]!,
      close: async () => {
        for (const server of servers) {
          server.closeAllConnections();
          server.close();
        }
      },
    };
  });
  afterAll(async () => {
    await replica.close();
    await stack.close();
  });

  it('polls each cohort once per interval across both, fans out to both, and hands the poll over when its poller\'s subscribers leave', async () => {
    const pages = Math.ceil((await upstreamTotals.contacts(stack, 'unattended')) / 50);
    await stack.resetStats();
    const onFirst = subscribeOverSse<QueueEventData>(stack.url, QUEUE, { status: 'UNATTENDED', first: 100 });
    expect((await onFirst.nth(1)).errors).toBeUndefined();
    const onSecond = subscribeOverSse<QueueEventData>(replica.url, QUEUE, { status: 'UNATTENDED', first: 100 });
    // The second replica starts from what the first published: no poll of its own.
    const second = (await onSecond.nth(1)).data!.contactQueue!;
    expect(second.contacts!.length).toBe(second.summary.count);
    const bothWaiting = () => eventually(() => stack.clock.pending().filter((ms) => ms === POLL_MS).length === 2, 'both replicas waiting for the next interval');
    await bothWaiting();
    expect(await contactRequests(stack)).toBe(pages);

    const { added } = await control<{ added: string[] }>(stack, '/__sandbox/contacts', { status: 'unattended', count: 1 });
    await stack.clock.advance(POLL_MS);
    for (const subscriber of [onFirst, onSecond]) expect((await subscriber.nth(2)).data!.contactQueue!.entered.map((contact) => contact.id)).toEqual(added);
    await bothWaiting();
    expect(await contactRequests(stack)).toBe(2 * pages);

    // The poller's only subscriber leaves: its lock goes with it, and the other replica polls from its next tick.
    onFirst.close();
    await eventually(() => stack.clock.pending().filter((ms) => ms === POLL_MS).length === 1, 'the first replica stopped');
    const { added: more } = await control<{ added: string[] }>(stack, '/__sandbox/contacts', { status: 'unattended', count: 1 });
    await stack.clock.advance(POLL_MS);
    const takenOver = (await onSecond.nth(3)).data!.contactQueue!;
    expect(takenOver.entered.map((contact) => contact.id)).toEqual(more);
    // Steadied against what the first replica published, not read afresh: no contact seems to have changed.
    expect(takenOver.updated).toEqual([]);
    await eventually(async () => (await contactRequests(stack)) === 3 * pages, 'one pass, by the second replica');
    onSecond.close();
  });
});
