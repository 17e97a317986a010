import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Data flows one way (ARCHITECTURE.md): HTTP -> Yoga and its plugins -> schema
 * -> loaders -> clients -> the shared HTTP layer. A module below never imports
 * one above it, at run time or for a type, so no cycle can form through them.
 */
const src = fileURLToPath(new URL('../../src', import.meta.url));
const files = (directory: string): string[] =>
  readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(directory, entry.name)) : entry.name.endsWith('.ts') ? [join(directory, entry.name)] : [],
  );
/** The top-level parts of src/ a file imports from, other than its own. */
const importedParts = (file: string): string[] => {
  const own = relative(src, file).split('/')[0]!;
  const parts = [...readFileSync(file, 'utf8').matchAll(/from '(\.\.?\/[^']+)'/g)].map(([, path]) => relative(src, join(file, '..', path!)).split('/')[0]!);
  return [...new Set(parts)].filter((part) => part !== own && !part.startsWith('..'));
};

describe('imports run one way', () => {
  it('the shared HTTP layer imports nothing of the gateway above it', () => {
    const upward = files(join(src, 'http')).flatMap((file) => importedParts(file).map((part) => `${relative(src, file)} -> ${part}`));
    expect(upward).toEqual([]);
  });

  it('nothing below the plugins imports a plugin, the server or the app', () => {
    const above = ['plugins', 'server.ts', 'app.ts', 'main.ts', 'request-handler.ts', 'websocket.ts'];
    const upward = ['http', 'telemetry', 'response-cache', 'redis', 'auth', 'lifecycle', 'upstreams'].flatMap((part) =>
      files(join(src, part)).flatMap((file) => importedParts(file).filter((imported) => above.includes(imported)).map((imported) => `${relative(src, file)} -> ${imported}`)),
    );
    expect(upward).toEqual([]);
  });
});
