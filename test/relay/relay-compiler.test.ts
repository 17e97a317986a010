import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentIds, startStack, type Stack } from '../helpers.js';

/**
 * relay-compiler (the real binary from the npm package) compiles the Relay
 * operation set in RelayPaging.ts against schema/schema.graphql, in a scratch
 * copy so nothing generated lands in the repository. The paginated query it
 * generates is then run against the gateway, as a Relay app would send it.
 */
const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..', '..');
const compiler = join(root, 'node_modules', '.bin', 'relay-compiler');

function compile(operations: string): { status: number | null; output: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'relay-'));
  mkdirSync(join(dir, 'ops', '__generated__'), { recursive: true });
  writeFileSync(join(dir, 'ops', 'RelayPaging.ts'), operations);
  copyFileSync(join(root, 'schema', 'schema.graphql'), join(dir, 'schema.graphql'));
  writeFileSync(
    join(dir, 'relay.config.json'),
    JSON.stringify({ src: './ops', schema: './schema.graphql', language: 'typescript', artifactDirectory: './ops/__generated__' }),
  );
  const run = spawnSync(compiler, [], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}`, dir };
}

const operations = readFileSync(join(here, 'RelayPaging.ts'), 'utf8');
let compiled: ReturnType<typeof compile>;
let stack: Stack;

beforeAll(async () => {
  compiled = compile(operations);
  stack = await startStack();
});
afterAll(async () => {
  rmSync(compiled.dir, { recursive: true, force: true });
  await stack.close();
});

describe('relay-compiler', () => {
  it('validates the @connection and @refetchable operation set against schema/schema.graphql', () => {
    expect(compiled.output).toMatch(/Compilation completed/);
    expect(compiled.status).toBe(0);
  });

  it('refuses an operation the schema does not support (so the check is real)', () => {
    const broken = compile(operations.replace('totalCount', 'totalCountt'));
    rmSync(broken.dir, { recursive: true, force: true });
    expect(broken.status).not.toBe(0);
    expect(broken.output).toMatch(/totalCountt/);
  });

  it('its generated pagination query pages an agent\'s messages through node(id)', async () => {
    const artifact = readFileSync(join(compiled.dir, 'ops', '__generated__', 'RelayPagingAgentMessagesPaginationQuery.graphql.ts'), 'utf8');
    const text = JSON.parse(/"text": ("(?:[^"\\]|\\.)*")/.exec(artifact)![1]!) as string;
    const agentId = agentIds[0]!;
    const id = Buffer.from(`Agent:${agentId}`).toString('base64');
    type Data = { node: { messages: { edges: { node: { uuid: string } }[]; pageInfo: { endCursor: string; hasNextPage: boolean } } } };
    const uuids: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 3; page++) {
      const response: { data?: Data; errors?: unknown } = await stack.execute<Data>(text, { id, count: 30, cursor });
      expect(response.errors).toBeUndefined();
      uuids.push(...response.data!.node.messages.edges.map((edge) => edge.node.uuid));
      cursor = response.data!.node.messages.pageInfo.endCursor;
    }
    const reference = stack.sandbox.dataset.avaamo.agents[agentId]!.messages.slice(0, 90).map((message) => message.uuid);
    expect(uuids).toEqual(reference);
  });
});
