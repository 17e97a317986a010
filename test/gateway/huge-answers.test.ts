import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sandboxCredentials } from '../../src/sandbox/credentials.js';
import { agentIds, errorAt, startStack, type GraphQLResponse, type Stack } from '../helpers.js';
import { CONTACTS_ROUTE, expectOnlyContactsFailed, WIDE, type WideData } from './wide-operation.js';

const AGENT_ROUTE = 'GET /api/v1/agents/{id}.json';
const MiB = 1024 * 1024;

/** The most the process's memory (JS heap and buffers) grew above where it started while `run` ran. */
async function peakGrowth<T>(run: () => Promise<T>): Promise<{ result: T; growth: number }> {
  const used = () => {
    const { heapUsed, arrayBuffers } = process.memoryUsage();
    return heapUsed + arrayBuffers;
  };
  const start = used();
  let peak = start;
  const sampler = setInterval(() => {
    peak = Math.max(peak, used());
  }, 2);
  try {
    const result = await run();
    return { result, growth: Math.max(peak, used()) - start };
  } finally {
    clearInterval(sampler);
  }
}

describe('an upstream answer over UPSTREAM_MAX_RESPONSE_BYTES', () => {
  let stack: Stack;
  let unattended: number;
  beforeAll(async () => {
    stack = await startStack({
      // Vambe gets 1 MiB, Avaamo keeps the default 8 MiB; one connection slot each, so a
      // slot the cut-off answer did not give back would stall the next call.
      env: { VAMBE_MAX_RESPONSE_BYTES: String(MiB), UPSTREAM_MAX_CONCURRENCY: '1', UPSTREAM_RETRY_ATTEMPTS: '3' },
    });
    const page = await stack.upstream<{ total: number }>('/api/public/analytics/contacts/by-status', { status: 'unattended', page: 1 }, {
      'x-api-key': sandboxCredentials.vambeApiKey,
    });
    unattended = page.total;
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.resetStats());
  afterEach(() => stack.setFaults([]));

  function expectContactsCutOff(response: GraphQLResponse<WideData>) {
    expectOnlyContactsFailed(stack, response, 'UPSTREAM_ERROR');
    expect(errorAt(response, ['contacts'])?.message).toBe("Vambe answered more than 1 MiB, the gateway's limit for one answer (UPSTREAM_MAX_RESPONSE_BYTES)");
  }

  it('cuts a 200 MB streamed answer off at the bound: the field fails, the rest resolves, memory stays flat', async () => {
    await stack.setFaults([{ route: CONTACTS_ROUTE, kind: 'huge', bytes: 200 * MiB }]);
    const { result, growth } = await peakGrowth(() => stack.execute<WideData>(WIDE, { agentId: agentIds[0] }));
    expectContactsCutOff(result);
    // Read whole, the answer alone would have taken 200 MB; cut off, the gateway held about 1 MiB of it.
    expect(growth).toBeLessThan(40 * MiB);
    // Too big is not a failure worth repeating.
    expect((await stack.stats()).byRoute[CONTACTS_ROUTE]).toBe(1);
  });

  it('refuses an answer that announces its size over the bound, before reading it', async () => {
    await stack.setFaults([{ route: CONTACTS_ROUTE, kind: 'huge', bytes: 200 * MiB, contentLength: true }]);
    expectContactsCutOff(await stack.execute<WideData>(WIDE, { agentId: agentIds[0] }));
    expect((await stack.stats()).byRoute[CONTACTS_ROUTE]).toBe(1);
  });

  it('gives the connection back: the next call to the same upstream is answered', async () => {
    await stack.setFaults([{ route: CONTACTS_ROUTE, kind: 'huge', bytes: 200 * MiB }]);
    expectContactsCutOff(await stack.execute<WideData>(WIDE, { agentId: agentIds[0] }));
    await stack.setFaults([]);
    const next = await stack.execute<WideData>(WIDE, { agentId: agentIds[0] });
    expect(next.errors).toBeUndefined();
    expect(next.data!.contacts).toEqual({ totalCount: unattended });
  });

  it("applies each upstream's own bound: 2 MiB passes Avaamo's 8 MiB and fails Vambe's 1 MiB", async () => {
    await stack.setFaults([
      { route: AGENT_ROUTE, kind: 'huge', bytes: 2 * MiB },
      { route: CONTACTS_ROUTE, kind: 'huge', bytes: 2 * MiB },
    ]);
    expectContactsCutOff(await stack.execute<WideData>(WIDE, { agentId: agentIds[0] }));
    expect((await stack.stats()).byRoute[AGENT_ROUTE]).toBe(1);
  });
});
