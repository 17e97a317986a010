import { afterEach, describe, expect, it } from 'vitest';
import { chaosFaultMix, chaosFaultRules, chaosGatewayEnv, chaosOperation } from '../../bench/chaos-mix.js';
import type { Fault } from '../../src/sandbox/faults.js';
import { agentIds, startStack, type Stack } from '../helpers.js';
import { errorProblems, isWellFormed, type GraphQLBody } from '../response-check.js';

/**
 * `npm run chaos` replayed in brief: its operations under its faults, on a
 * fifth of its time scale (a 1 s operation deadline, faults' delays scaled
 * alike). Every answer must be well-formed GraphQL whose errors carry codes,
 * none of them a masked crash (INTERNAL_SERVER_ERROR), and none an HTTP 5xx.
 */
const SCALE = 0.2;
const GATEWAY_ENV = { ...chaosGatewayEnv(SCALE), RATE_LIMIT_PER_MINUTE: '0' };
/** Far past the deadline: only a gateway that broke its promise is still silent then. */
const ANSWER_WITHIN_MS = Number(GATEWAY_ENV.OPERATION_DEADLINE_MS) + 10_000;
const window = { start: new Date(Date.now() - 7 * 86_400_000).toISOString(), end: new Date().toISOString() };

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** Runs operations `first`… of the chaos mix, `concurrency` at a time; returns what was wrong with their answers. */
async function replay(url: string, first: number, count: number, concurrency: number): Promise<string[]> {
  const problems: string[] = [];
  let next = first;
  const worker = async () => {
    while (next < first + count) {
      const n = next++;
      const operation = chaosOperation(n, agentIds, window);
      const name = `operation ${n} (${operation.query.slice(0, operation.query.indexOf('('))})`;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
          body: JSON.stringify(operation),
          signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
        });
        const text = await response.text();
        if (response.status >= 500) problems.push(`${name}: HTTP ${response.status}`);
        const body = JSON.parse(text) as GraphQLBody;
        if (!isWellFormed(body)) problems.push(`${name}: not well-formed: ${text.slice(0, 200)}`);
        problems.push(...errorProblems(body).map((problem) => `${name}: ${problem}`));
      } catch (error) {
        problems.push(`${name}: no answer (${String(error)})`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return problems;
}

async function injectedCounts(sandboxUrl: string): Promise<number[]> {
  const listed = (await (await fetch(`${sandboxUrl}/__sandbox/faults`)).json()) as { faults: Array<{ injected: number }> };
  return listed.faults.map((fault) => fault.injected);
}

describe('the chaos corpus, replayed briefly', () => {
  it('answers every operation with coded errors under each fault kind alone', { timeout: 120_000 }, async () => {
    // The breaker stays shut, so every kind reaches every field instead of the first few opening it.
    stack = await startStack({ env: { ...GATEWAY_ENV, BREAKER_MIN_REQUESTS: '100000' } });
    const problems: string[] = [];
    for (const fault of chaosFaultMix(SCALE)) {
      const rule: Fault = { route: '*', ...fault };
      await stack.setFaults([rule]);
      // The four operations of one cycle of the mix: two dashboards, a queue view, an agent view.
      problems.push(...(await replay(stack.url, 0, 4, 4)).map((problem) => `${JSON.stringify(fault)}: ${problem}`));
      const [injected] = await injectedCounts(stack.sandbox.url);
      expect(injected, `${JSON.stringify(fault)} was injected`).toBeGreaterThan(0);
    }
    expect(problems).toEqual([]);
  });

  it('answers a stretch of the mixed run (30% of upstream requests failing, breakers live)', { timeout: 120_000 }, async () => {
    stack = await startStack({ env: GATEWAY_ENV });
    await stack.setFaults(chaosFaultRules(SCALE));
    expect(await replay(stack.url, 0, 60, 8)).toEqual([]);
    // Every kind of the mix was injected at least once: the stretch is long enough to be the corpus.
    expect((await injectedCounts(stack.sandbox.url)).every((injected) => injected > 0)).toBe(true);
  });
});
