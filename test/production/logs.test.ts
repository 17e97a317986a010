import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/auth/callers.js';
import { sandboxCredentials } from '../../src/sandbox/credentials.js';
import { createLogCapture } from '../log-capture.js';
import { startStack, type Stack } from '../helpers.js';
import { postGraphQL } from '../raw-request.js';

const KEY = 'logs-test-dashboards-key-4f1c0a';
const agentId = sandboxCredentials.avaamoAgents[0].id;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    env: {
      GATEWAY_API_KEYS: JSON.stringify([{ name: 'dashboards', keySha256: sha256Hex(KEY), scopes: ['read'] }]),
      MAX_BATCH: '5',
    },
  });
});
afterAll(() => stack.close());

const bearer = { authorization: `Bearer ${KEY}` };
const linesOf = (requestId: string) => stack.logs.lines().filter((line) => line.requestId === requestId);

describe('x-request-id', () => {
  it('keeps a well-formed id, returns it, forwards it on every upstream call, and logs under it', async () => {
    await stack.resetStats();
    const response = await postGraphQL(
      stack.url,
      { query: `query Agent { agent(agentId: ${agentId}) { name smsRecords(first: 1) { totalCount } } }`, operationName: 'Agent' },
      { ...bearer, 'x-request-id': 'dash-board_7.1' },
    );
    expect(response.data).toMatchObject({ agent: { name: expect.any(String) } });
    expect(response.headers.get('x-request-id')).toBe('dash-board_7.1');
    const upstream = await stack.requests();
    expect(upstream).toHaveLength(2);
    expect(upstream.map((request) => request.trace.requestId)).toEqual(['dash-board_7.1', 'dash-board_7.1']);
    expect(linesOf('dash-board_7.1')).toHaveLength(1);
  });

  it('replaces a malformed or over-long id and makes one when none is sent, on every response', async () => {
    const seen = new Set<string>();
    for (const sent of ['a'.repeat(129), 'has space', undefined]) {
      const headers: Record<string, string> = sent === undefined ? bearer : { ...bearer, 'x-request-id': sent };
      const response = await postGraphQL(stack.url, { query: '{ agents(first: 1) { totalCount } }' }, headers);
      const id = response.headers.get('x-request-id')!;
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(3);
    // Refused before anything ran, probes, unknown paths: an id all the same.
    const refused = await postGraphQL(stack.url, { query: '{ agents { totalCount } }' }, { 'x-request-id': 'refused-1' });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('x-request-id')).toBe('refused-1');
    for (const path of ['/healthz', '/readyz', '/nowhere']) {
      expect((await fetch(new URL(path, stack.url))).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe('the log line of an operation', () => {
  it('names the request, the operation, the caller (never its key), the outcome and what it cost upstream', async () => {
    await stack.resetStats();
    await postGraphQL(
      stack.url,
      { query: `query Mixed { agents(first: 2) { nodes { name } } agent(agentId: 1) { name } }` },
      { ...bearer, 'x-request-id': 'mixed-1' },
    );
    const [line, ...more] = linesOf('mixed-1').filter((entry) => entry.msg !== undefined && entry.operationName !== undefined);
    expect(more).toEqual([]);
    const { total } = await stack.stats();
    expect(line).toMatchObject({
      level: 'info',
      requestId: 'mixed-1',
      operationName: 'Mixed',
      operationType: 'query',
      caller: 'dashboards',
      status: 200,
      errorCodes: ['NOT_FOUND'],
      upstream: { requests: total, cacheHits: 0, coalesced: 0 },
    });
    expect(line!.durationMs).toEqual(expect.any(Number));
    expect(new Date(String(line!.time)).toISOString()).toBe(line!.time);
    expect(JSON.stringify(stack.logs.lines())).not.toContain(KEY);
  });

  it('keeps an upstream failure on a warn line of its own, under the request id', async () => {
    await stack.setFaults([{ route: 'GET /api/public/analytics/contacts/by-status', kind: 'status', status: 500 }]);
    await postGraphQL(stack.url, { query: '{ contacts(status: UNATTENDED, first: 1) { totalCount } }' }, { ...bearer, 'x-request-id': 'failing-1' });
    await stack.setFaults([]);
    const lines = linesOf('failing-1');
    expect(lines.find((line) => line.level === 'warn')).toMatchObject({ upstream: 'vambe', code: 'UPSTREAM_ERROR' });
    expect(lines.find((line) => line.level === 'info')).toMatchObject({ operationType: 'query', errorCodes: ['UPSTREAM_ERROR'], status: 200 });
  });

  it('writes one line per operation of a batch, and one for a request refused before any', async () => {
    await postGraphQL(
      stack.url,
      [{ query: 'query One { agents(first: 1) { totalCount } }' }, { query: 'query Two { __typename }' }, { query: '{ nope }' }],
      { ...bearer, 'x-request-id': 'batch-1' },
    );
    expect(linesOf('batch-1').map((line) => [line.operationName, line.errorCodes])).toEqual([
      ['One', []],
      ['Two', []],
      [null, ['GRAPHQL_VALIDATION_FAILED']],
    ]);
    await postGraphQL(stack.url, { query: '{ agents { totalCount } }' }, { 'x-request-id': 'no-key-1' });
    expect(linesOf('no-key-1')).toEqual([expect.objectContaining({ operationName: null, caller: null, status: 401 })]);
  });
});

describe('LOG_LEVEL', () => {
  it('leaves out the lines below it', async () => {
    const quiet = await startStack({ env: { LOG_LEVEL: 'warn' } });
    try {
      await quiet.execute('{ agents(first: 1) { totalCount } }');
      await quiet.setFaults([{ route: '*', kind: 'status', status: 500 }]);
      await quiet.execute('{ contacts(status: UNATTENDED, first: 1) { totalCount } }');
      expect(quiet.logs.lines().map((line) => line.level)).toEqual(['warn']);
    } finally {
      await quiet.close();
    }
  });
});

describe('the suite-wide check on log lines', () => {
  it('fails a stack whose log holds a configured token', () => {
    // Every stack's close() runs this check over all its lines (test/helpers.ts).
    const capture = createLogCapture([sandboxCredentials.avaamoUserToken]);
    capture.write(`${JSON.stringify({ msg: 'fine' })}\n`);
    expect(() => capture.assertNoSecrets()).not.toThrow();
    capture.write(`${JSON.stringify({ msg: `token ${sandboxCredentials.avaamoUserToken}` })}\n`);
    expect(() => capture.assertNoSecrets()).toThrow(/configured secret/);
  });
});
