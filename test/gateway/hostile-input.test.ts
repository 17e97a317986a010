import { createSchema, createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxCredentials } from '../../src/sandbox/credentials.js';
import { maskError } from '../../src/schema/errors.js';
import { agentIds, startStack, type Stack } from '../helpers.js';
import { errorProblems, errorsOf } from '../response-check.js';

/**
 * The hostile input corpus: every request is answered with a clear 4xx or a
 * GraphQL error carrying a code, never a masked crash (INTERNAL_SERVER_ERROR),
 * the gateway stays up, and no credential comes back. Phone filters are the exception that must work:
 * they reach Avaamo URL-encoded, as one parameter.
 */
interface Case {
  name: string;
  request: () => Promise<Response>;
  /** For inputs that are valid (odd phone numbers): what must hold instead of an error. */
  accepted?: (body: Record<string, unknown>) => Promise<void>;
}

const agentId = agentIds[0]!;
const DAY = 86_400_000;
const iso = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString();
const SECRETS = [
  sandboxCredentials.avaamoUserToken,
  sandboxCredentials.vambeApiKey,
  sandboxCredentials.rocketchatUserId,
  sandboxCredentials.rocketchatAuthToken,
  ...sandboxCredentials.avaamoAgents.map((agent) => agent.accessToken),
];

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const raw = (body: BodyInit, contentType: string | null = 'application/json', method = 'POST') => () =>
  fetch(stack.url, { method, headers: contentType ? { 'content-type': contentType } : {}, body });
const gql = (query: string, variables?: Record<string, unknown>) => raw(JSON.stringify({ query, variables }));
const get = (query: string) => () => fetch(`${stack.url}?query=${encodeURIComponent(query)}`, { headers: { accept: 'application/json' } });
const b64 = (text: string) => Buffer.from(text).toString('base64');

const POST = 'mutation P($input: PostAgentMessageInput!) { postAgentMessage(input: $input) { success } }';
const postInput = (input: Record<string, unknown>) =>
  gql(POST, { input: { agentId, conversationUuid: 'a'.repeat(32), ...input } });
const MESSAGES = 'query M($after: String, $before: String, $first: Int, $last: Int, $since: DateTime, $until: DateTime) { agent(agentId: ' +
  agentId + ') { messages(after: $after, before: $before, first: $first, last: $last, since: $since, until: $until) { nodes { uuid } } } }';
const STATS = 'query S($start: DateTime!, $end: DateTime!) { agentConversationStats(start: $start, end: $end, first: 5) { totalConversations } }';
const SMS = 'query Sms($fromPhone: String, $toPhone: String) { agent(agentId: ' + agentId + ') { smsRecords(first: 1, fromPhone: $fromPhone, toPhone: $toPhone) { totalCount } } }';

function phoneCase(phone: string): Case {
  return {
    name: `phone filter ${JSON.stringify(phone)}`,
    request: gql(SMS, { fromPhone: phone, toPhone: phone }),
    async accepted(body) {
      expect(body.errors).toBeUndefined();
      const sent = (await stack.requests()).filter((request) => request.route === '/api/v1/agents/{id}/sms/report.json').at(-1)!;
      expect(sent.query.from_phone).toBe(phone);
      expect(sent.query.to_phone).toBe(phone);
      expect(Object.keys(sent.query).sort()).toEqual(['from_phone', 'page', 'per_page', 'to_phone']);
    },
  };
}

const cases: Case[] = [
  // Invalid JSON and JSON that is not a GraphQL request.
  ...['{', '{"query":', '{"query": "{ agents { totalCount } }"', 'null', '"query"', '42', 'true', '{"query": 1}', '{"query": null}',
    '{"query": "{ agents { totalCount } }", "variables": "x"}', '{"query": "{ agents { totalCount } }", "variables": [1]}',
    '{"query": "{ agents { totalCount } }", "operationName": 5}', '{"query": "{ agents { totalCount } }", "extensions": "x"}',
    '{"query": "{ agents { totalCount } }", "unknown": true}', '{"query": "{ agents { totalCount } }" } trailing', '', ' ', '[]', '[1, 2]',
    '{"__proto__": {"query": "{ agents { totalCount } }"}}'].map((body): Case => ({ name: `body ${JSON.stringify(body)}`, request: raw(body) })),
  // Wrong content types.
  ...['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'image/png', 'application/graphql-response+json+x', null].map(
    (type): Case => ({ name: `content type ${type}`, request: raw('query=%7B%7D&x=<a/>', type) }),
  ),
  { name: 'JSON body declared as text/html', request: raw(JSON.stringify({ query: '{ agents { totalCount } }' }), 'text/html') },
  // Mutations over GET; other methods.
  { name: 'GET mutation', request: get(`mutation { postAgentMessage(input: {agentId: ${agentId}, conversationUuid: "${'a'.repeat(32)}", text: "x"}) { success } }`) },
  { name: 'GET mutation by operationName', request: () => fetch(`${stack.url}?query=${encodeURIComponent('query Q { agents { totalCount } } mutation M { postAgentMessage(input: {agentId: 1, conversationUuid: "x", text: "x"}) { success } }')}&operationName=M`, { headers: { accept: 'application/json' } }) },
  { name: 'PUT', request: raw(JSON.stringify({ query: '{ agents { totalCount } }' }), 'application/json', 'PUT') },
  { name: 'DELETE', request: () => fetch(stack.url, { method: 'DELETE' }) },
  { name: 'GET without a query', request: () => fetch(stack.url, { headers: { accept: 'application/json' } }) },
  // Huge strings and huge bodies.
  { name: 'huge string argument', request: gql(`{ agent(agentId: ${agentId}) { name(x: "${'x'.repeat(90_000)}") } }`) },
  { name: 'huge operation name', request: raw(JSON.stringify({ query: '{ agents { totalCount } }', operationName: 'x'.repeat(90_000) })) },
  { name: 'huge text to post', request: postInput({ text: 'x'.repeat(99_000) }) },
  { name: 'huge cursor', request: gql(MESSAGES, { after: 'A'.repeat(90_000) }) },
  { name: '10 MB body', request: raw('x'.repeat(10 * 1024 * 1024)) },
  { name: '10 MB JSON body', request: raw(JSON.stringify({ query: '{ agents { totalCount } }', variables: { pad: 'x'.repeat(10 * 1024 * 1024) } })) },
  {
    name: '10 MB body without a content-length (chunked)',
    request: () =>
      fetch(stack.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: new ReadableStream({
          start(controller) {
            for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode(`{"query": "${'x'.repeat(1024 * 1024)}`));
            controller.close();
          },
        }),
        duplex: 'half',
      } as RequestInit),
  },
  // Deep nesting.
  { name: 'selections 500 deep', request: gql(`{ ${'agents { nodes { '.repeat(250)}id${' } }'.repeat(250)} }`) },
  { name: 'braces 5,000 deep', request: gql(`${'{'.repeat(5000)}${'}'.repeat(5000)}`) },
  { name: 'list value 50,000 deep', request: gql(`{ nodes(ids: ${'['.repeat(50_000)}"x"${']'.repeat(50_000)}) { id } }`) },
  // Alias bombs.
  { name: '1,000 aliases', request: gql(`{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: agents { totalCount }`).join(' ')} }`) },
  { name: 'aliases on a costly field', request: gql(`{ ${Array.from({ length: 40 }, (_, i) => `a${i}: agent(agentId: ${agentId}) { messages(first: 100) { nodes { uuid } } }`).join(' ')} }`) },
  // Fragment cycles.
  { name: 'fragment cycle', request: gql('{ agents { nodes { ...A } } } fragment A on Agent { ...B } fragment B on Agent { ...A }') },
  { name: 'fragment self-cycle', request: gql('{ agents { nodes { ...A } } } fragment A on Agent { name ...A }') },
  { name: 'fragment fan-out', request: gql(`{ agents { nodes { ...F0 } } } ${Array.from({ length: 30 }, (_, i) => `fragment F${i} on Agent { name ${i < 29 ? `...F${i + 1} ...F${i + 1}` : ''} }`).join(' ')}`) },
  // Directive floods.
  { name: '1,000 directives', request: gql(`{ agents { totalCount ${'@include(if: true) '.repeat(1000)} } }`) },
  { name: 'unknown directives', request: gql(`{ agents { totalCount ${'@x '.repeat(300)} } }`) },
  // Batches.
  { name: '1,000 batched operations', request: raw(JSON.stringify(Array.from({ length: 1000 }, () => ({ query: '{ agents { totalCount } }' })))) },
  { name: '11 batched operations', request: raw(JSON.stringify(Array.from({ length: 11 }, () => ({ query: '{ agents { totalCount } }' })))) },
  // Garbled and foreign cursors.
  ...['garbage', '!!!', '', b64('{"v":1}'), b64('{"v":99,"o":1}'), b64('[1,2,3]'), b64('null'), b64('{"v":1,"o":-5,"f":"x"}'), '%00', 'YQ==='].map(
    (cursor): Case => ({ name: `cursor ${JSON.stringify(cursor)}`, request: gql(MESSAGES, { after: cursor, first: 2 }) }),
  ),
  { name: 'cursor from contacts on messages (foreign)', request: async () => {
      const contacts = await fetch(stack.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ contacts(status: UNATTENDED, first: 1) { pageInfo { endCursor } } }' }) });
      const cursor = ((await contacts.json()) as { data: { contacts: { pageInfo: { endCursor: string } } } }).data.contacts.pageInfo.endCursor;
      return gql(MESSAGES, { after: cursor, first: 2 })();
    } },
  { name: 'cursor from another agent (foreign)', request: async () => {
      const other = await fetch(stack.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ agent(agentId: ${agentIds[1]}) { messages(first: 1) { pageInfo { endCursor } } } }` }) });
      const cursor = ((await other.json()) as { data: { agent: { messages: { pageInfo: { endCursor: string } } } } }).data.agent.messages.pageInfo.endCursor;
      return gql(MESSAGES, { after: cursor, first: 2 })();
    } },
  { name: 'after and before together with garbage', request: gql(MESSAGES, { after: 'x', before: 'y' }) },
  // Invalid DateTimes, inverted and over-long ranges.
  ...['yesterday', '2026-13-45T00:00:00Z', '', '2026-02-30T00:00:00Z', '99999-01-01T00:00:00Z', 'T', 12345, true, '2026-01-01T25:61:00Z'].map(
    (value): Case => ({ name: `DateTime ${JSON.stringify(value)}`, request: gql(MESSAGES, { since: value, first: 1 }) }),
  ),
  { name: 'DateTime literal garbage', request: gql(`{ agent(agentId: ${agentId}) { messages(since: "not a date") { nodes { uuid } } } }`) },
  { name: 'messages: until before since', request: gql(MESSAGES, { since: iso(-1), until: iso(-3), first: 1 }) },
  { name: 'stats: end before start', request: gql(STATS, { start: iso(-1), end: iso(-3) }) },
  { name: 'stats: range over a year', request: gql(STATS, { start: iso(-400), end: iso(0) }) },
  { name: 'stats: range over ten years', request: gql(STATS, { start: iso(-3700), end: iso(0) }) },
  { name: 'unhandled: to before from', request: gql(`query U($from: DateTime, $to: DateTime) { agent(agentId: ${agentId}) { unhandledMessages(from: $from, to: $to, first: 1) { totalCount } } }`, { from: iso(-1), to: iso(-2) }) },
  // Page sizes.
  ...[
    { first: -1 }, { first: 1000000 }, { last: -1 }, { last: 1000000 }, { first: 101 }, { first: 2 ** 31 }, { first: 1.5 }, { first: '10' }, { first: null, last: -5 },
  ].map((args): Case => ({ name: `page ${JSON.stringify(args)}`, request: gql(MESSAGES, args) })),
  { name: 'contacts first: -1', request: gql('{ contacts(status: UNATTENDED, first: -1) { totalCount } }') },
  { name: 'agents first: 1000000', request: gql('{ agents(first: 1000000) { totalCount } }') },
  // Unknown enum values.
  { name: 'unknown enum literal', request: gql('{ contacts(status: BOGUS) { totalCount } }') },
  { name: 'unknown enum variable', request: gql('query C($s: ContactStatus!) { contacts(status: $s) { totalCount } }', { s: 'BOGUS' }) },
  { name: 'enum as a string literal', request: gql('{ contacts(status: "UNATTENDED") { totalCount } }') },
  { name: 'lowercase enum variable', request: gql('query C($s: ContactStatus!) { contacts(status: $s) { totalCount } }', { s: 'unattended' }) },
  { name: 'unknown platform enum', request: gql('{ contacts(status: UNATTENDED, platform: TELEGRAM) { totalCount } }') },
  // Phone filters that must reach Avaamo encoded.
  ...['+1 555 010&status=failed', '555#010', '100%25 sure %', '+15550100', 'line\nbreak\r\nhere', '&per_page=1000&page=2', '=?&#%+'].map(phoneCase),
  // Non-UTF-8 bytes.
  { name: 'non-UTF-8 in the query', request: raw(Buffer.concat([Buffer.from('{"query": "{ agents\u0020'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(' { totalCount } }"}')])) },
  { name: 'non-UTF-8 in an enum variable', request: raw(Buffer.concat([Buffer.from('{"query": "query C($s: ContactStatus!) { contacts(status: $s) { totalCount } }", "variables": {"s": "'), Buffer.from([0xc0, 0xaf, 0xed, 0xa0, 0x80]), Buffer.from('"}}')])) },
  { name: 'raw binary body', request: raw(Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37 + 11) % 256))) },
  {
    name: 'non-UTF-8 in a phone filter (refused, not passed on altered)',
    request: async () => {
      await stack.resetStats();
      return raw(Buffer.concat([Buffer.from(`{"query": ${JSON.stringify(SMS)}, "variables": {"toPhone": "+1555`), Buffer.from([0xff, 0x0a]), Buffer.from('0100"}}')]))();
    },
    accepted: async (body) => {
      expect(body).toMatchObject({ errors: [{ message: 'The request is not valid UTF-8.', extensions: { code: 'BAD_USER_INPUT' } }] });
      expect(await stack.requests()).toEqual([]);
    },
  },
  {
    name: 'non-UTF-8 percent-encoded in a GET',
    request: () => fetch(`${stack.url}?query=${encodeURIComponent('query S($p: String) { agents { totalCount } }')}&variables=%7B%22p%22%3A%22%FF%FE%22%7D`, { headers: { accept: 'application/json' } }),
  },
  {
    name: 'a lone % in a GET query string (no escape, so nothing to refuse)',
    request: () => fetch(`${stack.url}?query=${encodeURIComponent('{ agents { totalCount } }')}&note=50%`, { headers: { accept: 'application/json' } }),
    accepted: async (body) => {
      expect(body).toEqual({ data: { agents: { totalCount: agentIds.length } } });
    },
  },
  {
    name: 'non-UTF-8 percent-encoded in a form body',
    request: raw(`query=${encodeURIComponent('query S($p: String) { agents { totalCount } }')}&variables=%7B%22p%22%3A%22%C0%AF%22%7D`, 'application/x-www-form-urlencoded'),
  },
  { name: 'UTF-16 body', request: raw(Buffer.from(JSON.stringify({ query: '{ agents { totalCount } }' }), 'utf16le')) },
  { name: 'lone surrogate in the query', request: raw('{"query": "{ agents\\ud800 { totalCount } }"}') },
  // Agents not configured.
  ...[1, 0, -1, 29999, 2147483647].map((id): Case => ({ name: `agent ${id} (not served)`, request: gql(`{ agent(agentId: ${id}) { name } }`) })),
  { name: 'agent id over Int', request: gql('{ agent(agentId: 99999999999) { name } }') },
  { name: 'agent id as a string', request: gql('{ agent(agentId: "20457") { name } }') },
  { name: 'post as an agent not served', request: postInput({ agentId: 1, text: 'x' }) },
  { name: 'node with a forged id', request: gql(`{ node(id: "${b64('Agent:1')}") { id } }`) },
  { name: 'node with garbage id', request: gql('{ node(id: "%%%") { id } }') },
  // richContent that is not an object, and other bad posts.
  ...['"a string"', '5', '[1, 2]', 'true', '[{"card": {}}]'].map(
    (value): Case => ({ name: `richContent ${value}`, request: postInput({ richContent: JSON.parse(value) as unknown }) }),
  ),
  { name: 'text and richContent both', request: postInput({ text: 'x', richContent: { card: {} } }) },
  { name: 'neither text nor richContent', request: postInput({}) },
  { name: 'blank text', request: postInput({ text: '   ' }) },
  { name: 'conversation uuid with a path', request: postInput({ text: 'x', conversationUuid: '../../etc/passwd' }) },
  // Syntax and validation errors.
  { name: 'syntax error', request: gql('{ agents {') },
  { name: 'unknown field', request: gql('{ passwords }') },
  { name: 'subscription', request: gql('subscription { agents { totalCount } }') },
  { name: 'two anonymous operations', request: gql('{ agents { totalCount } } { agents { totalCount } }') },
  { name: 'unknown operationName', request: raw(JSON.stringify({ query: 'query A { agents { totalCount } }', operationName: 'B' })) },
  { name: 'introspection of a missing type', request: gql('{ __type(name: 1) { name } }') },
];

/** Far beyond any of these answers, on a busy machine too: a request still unanswered then hangs. */
const ANSWER_WITHIN_MS = 10_000;

async function withinBound<T>(task: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ANSWER_WITHIN_MS} ms`)), ANSWER_WITHIN_MS);
  });
  try {
    return await Promise.race([task(), bound]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The judgement of one answer that is not an accepted input: a 4xx, or HTTP
 * 200 with errors that each carry a code; and in any answer, no error
 * without a code and no masked crash (INTERNAL_SERVER_ERROR).
 */
function judge(status: number, text: string): string[] {
  let body: unknown = {};
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    // Judged by status alone.
  }
  const problems = errorProblems(body);
  const refused = status >= 400 && status < 500;
  if (!refused && !(status === 200 && errorsOf(body).length > 0)) problems.push(`HTTP ${status} ${text.slice(0, 200)}`);
  return problems;
}

describe('hostile input corpus', () => {
  it(`answers each of ${cases.length} hostile requests with a 4xx or a coded error, never a crash, leaks nothing and stays up`, { timeout: 120_000 }, async () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
    // One ordinary request first, so the first case does not pay for warm-up.
    expect((await stack.execute('{ agents { totalCount } }')).errors).toBeUndefined();

    const failures: string[] = [];
    for (const { name, request, accepted } of cases) {
      let response: Response;
      let text: string;
      try {
        [response, text] = await withinBound(async () => {
          const answer = await request();
          return [answer, await answer.text()] as const;
        });
      } catch (error) {
        failures.push(`${name}: no answer (${String(error)})`);
        continue;
      }
      for (const secret of SECRETS) if (text.includes(secret)) failures.push(`${name}: leaked a credential`);
      if (accepted) {
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(text) as Record<string, unknown>;
        } catch {
          // `accepted` says what it needs.
        }
        failures.push(...errorProblems(body).map((problem) => `${name}: ${problem}`));
        try {
          await accepted(body);
        } catch (error) {
          failures.push(`${name}: ${String(error)}`);
        }
        continue;
      }
      failures.push(...judge(response.status, text).map((problem) => `${name}: ${problem}`));
    }
    expect(failures).toEqual([]);

    // Still up, and still right.
    const after = await stack.execute<{ agents: { totalCount: number } }>('{ agents { totalCount } }');
    expect(after.data).toEqual({ agents: { totalCount: agentIds.length } });
  });

  it('fails an answer that masks an unexpected error, as the gateway masks one', async () => {
    // A resolver that crashes, masked by the gateway's own maskError, served over HTTP like the gateway.
    const crashing = createYoga({
      schema: createSchema({ typeDefs: 'type Query { crash: Int }', resolvers: { Query: { crash: () => { throw new TypeError('boom'); } } } }),
      maskedErrors: { maskError },
      logging: false,
    });
    const response = await crashing.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ crash }' }),
    });
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text).not.toContain('boom');
    expect(judge(response.status, text)).toEqual(['a masked unexpected error (INTERNAL_SERVER_ERROR) at ["crash"]']);
  });
});
