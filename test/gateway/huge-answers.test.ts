import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sandboxCredentials } from '../../src/sandbox/credentials.js';
import { agentIds, errorAt, startStack, type Stack } from '../helpers.js';

const CONTACTS_ROUTE = 'GET /api/public/analytics/contacts/by-status';
const AGENT_ROUTE = 'GET /api/v1/agents/{id}.json';
const MiB = 1024 * 1024;

const WIDE = /* GraphQL */ `
  query Wide($agentId: Int!) {
    agents { totalCount }
    agent(agentId: $agentId) { agentId name }
    contacts(status: UNATTENDED, first: 2) { totalCount }
  }
`;
interface WideData {
  agents: { totalCount: number };
  agent: { agentId: number; name: string | null } | null;
  contacts: { totalCount: number } | null;
}

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
  let agentName: string;
  let unattended: number;
  beforeAll(async () => {
    stack = await startStack({
      // Vambe gets 1 MiB, Avaamo keeps the default 8 MiB; one connection slot each, so a
      // slot the cut-off answer did not give back would stall the next call.
      env: { VAMBE_MAX_RESPONSE_BYTES: String(MiB), UPSTREAM_MAX_CONCURRENCY: '1', UPSTREAM_RETRY_ATTEMPTS: '3' },
    });
    agentName = stack.sandbox.dataset.avaamo.agents[agentIds[0]!]!.details.display_name;
    const page = await stack.upstream<{ total: number }>('/api/public/analytics/contacts/by-status', { status: 'unattended', page: 1 }, {
      'x-api-key': sandboxCredentials.vambeApiKey,
    });
    unattended = page.total;
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.resetStats());
  afterEach(() => stack.setFaults([]));

  function expectContactsCutOff(response: Awaited<ReturnType<Stack['execute']>>) {
    const error = errorAt(response, ['contacts']);
    expect(error?.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', upstream: 'vambe' });
    expect(error?.message).toBe("Vambe answered more than 1 MiB, the gateway's limit for one answer (UPSTREAM_MAX_RESPONSE_BYTES)");
    expect(response.errors).toHaveLength(1);
    expect(response.data).toEqual({ agents: { totalCount: agentIds.length }, agent: { agentId: agentIds[0], name: agentName }, contacts: null });
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
