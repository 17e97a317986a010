import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startStack, type Stack } from '../helpers.js';

/** The README's SDK example, run as written against the gateway (only its import points here). */
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const example = /## For service authors[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

describe('the README example for service authors', () => {
  it('runs against the gateway and prints the dashboard, the queue and a coded error', async () => {
    expect(example).toContain("from '@cx-gateway/sdk'");
    const directory = new URL('../artifacts/', import.meta.url);
    mkdirSync(directory, { recursive: true });
    const file = new URL('readme-sdk-example.ts', directory);
    // Relative, as from test/artifacts/: `npm run typecheck` then checks the example's types too.
    writeFileSync(file, example!.replace("'@cx-gateway/sdk'", "'../../packages/sdk/src/index.js'"));

    const printed: unknown[][] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      printed.push(args);
    });
    vi.stubEnv('CX_GATEWAY_URL', stack.url);
    try {
      await import(pathToFileURL(fileURLToPath(file)).href);
    } finally {
      log.mockRestore();
      vi.unstubAllEnvs();
    }
    const lines = printed.map((args) => args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '));
    expect(lines[0]).toMatch(/^Acme Retail Assistant: \d+ unhandled, \d+ failed SMS$/);
    expect(lines.some((line) => /^\d+ contacts have waited over 15 minutes$/.test(line))).toBe(true);
    expect(lines.at(-1)).toBe('["NOT_FOUND"]');
    const { byRoute } = await stack.stats();
    expect(byRoute['GET /api/public/analytics/contacts/by-status']).toBeGreaterThan(1);
  });
});
