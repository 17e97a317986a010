import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers.js';
import { postGraphQL, readResponse } from '../raw-request.js';

const INTROSPECTION = '{ __schema { queryType { name } } }';

describe('NODE_ENV=production', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { NODE_ENV: 'production', CORS_ORIGINS: 'https://console.example' } });
  });
  afterAll(() => stack.close());

  it('refuses introspection', async () => {
    const response = await postGraphQL(stack.url, { query: INTROSPECTION });
    expect(response.status).toBe(400);
    expect(response.data).toBeUndefined();
    expect(response.errors?.[0]?.message).toMatch(/introspection/i);
  });

  it('serves no GraphiQL page', async () => {
    const response = await fetch(stack.url, { headers: { accept: 'text/html' } });
    expect(response.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
    expect(await response.text()).not.toMatch(/graphiql/i);
  });

  it('refuses requests a browser could send cross-site without a preflight (CSRF)', async () => {
    const form = await readResponse(
      await fetch(stack.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: '{ agents { totalCount } }' }) }),
    );
    expect(form.status).toBe(403);
    expect(form.errors?.[0]?.message).toMatch(/CSRF/);
    const get = await fetch(`${stack.url}?query=${encodeURIComponent('{ agents { totalCount } }')}`);
    expect(get.status).toBe(403);
    const json = await postGraphQL(stack.url, { query: '{ agents { totalCount } }' });
    expect(json.errors).toBeUndefined();
  });

  it('allows only the configured CORS origins', async () => {
    const preflight = (origin: string) =>
      fetch(stack.url, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    expect((await preflight('https://console.example')).headers.get('access-control-allow-origin')).toBe('https://console.example');
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
  });
});

describe('production with introspection and GraphiQL enabled explicitly', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { NODE_ENV: 'production', INTROSPECTION: 'true', GRAPHIQL: 'true' } });
  });
  afterAll(() => stack.close());

  it('answers introspection and serves GraphiQL', async () => {
    const response = await postGraphQL(stack.url, { query: INTROSPECTION });
    expect(response.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const page = await fetch(stack.url, { headers: { accept: 'text/html' } });
    expect(await page.text()).toMatch(/cx-gateway/);
  });
});

describe('trusted documents (PERSISTED_OPERATIONS=only)', () => {
  const file = 'test/fixtures/persisted-documents.json';
  const documents = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  const hashOf = (document: string) => createHash('sha256').update(document).digest('hex');
  const agentNames = Object.values(documents).find((document) => document.startsWith('query AgentNames'))!;
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { PERSISTED_OPERATIONS: 'only', PERSISTED_OPERATIONS_FILE: file } });
  });
  afterAll(() => stack.close());

  it('runs an allow-listed operation by documentId or by extensions.persistedQuery.sha256Hash', async () => {
    const byId = await postGraphQL<{ agents: { nodes: unknown[] } }>(stack.url, { documentId: hashOf(agentNames) });
    expect(byId.errors).toBeUndefined();
    expect(byId.data!.agents.nodes.length).toBeGreaterThan(0);
    const apollo = await postGraphQL(stack.url, { extensions: { persistedQuery: { version: 1, sha256Hash: hashOf(agentNames) } } });
    expect(apollo.data).toEqual(byId.data);
  });

  it('refuses a document of the caller\'s own, even one equal to an allow-listed one', async () => {
    await stack.resetStats();
    const response = await postGraphQL(stack.url, { query: agentNames });
    expect(response.status).toBe(400);
    expect(response.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ONLY');
    expect((await stack.stats()).total).toBe(0);
  });

  it('refuses an unknown document id', async () => {
    const response = await postGraphQL(stack.url, { documentId: hashOf('{ agents { totalCount } }') });
    expect(response.status).toBe(400);
    expect(response.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });
});
