import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { sandboxGatewayEnv } from '../../src/sandbox/gateway-env.js';
import { commandOf, envOf, healthcheckCommand, parseDockerfile, type Stage } from '../../scripts/ci/dockerfile.js';

const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
const stages = parseDockerfile(read('Dockerfile'));
const runtime = stages.at(-1)!;
const args = (stage: Stage, keyword: string) => stage.instructions.filter((instruction) => instruction.keyword === keyword).map((instruction) => instruction.args);

describe('the Dockerfile', () => {
  it('builds in one stage and runs from a Debian-based Node 20 image in another, with production dependencies only', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.image).toMatch(/^node:20(\.\d+)*-(bookworm|bullseye|trixie)(-slim)?$/);
    expect(args(stages[0]!, 'RUN')).toContain('npm run build');
    // A cache clean would run on the replaying machine's own npm cache (scripts/ci/dockerfile-run.ts).
    expect(args(runtime, 'RUN').join(' ')).not.toContain('cache clean');
    expect(args(runtime, 'RUN').some((run) => /^(--\S+ )*npm ci --omit=dev/.test(run))).toBe(true);
    expect(args(runtime, 'COPY')).toContain(`--from=${stages[0]!.name} /app/dist dist`);
    expect(envOf(args(runtime, 'ENV').join(' '))).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0' });
  });

  it('takes BUILD_ID as a build argument into the runtime environment (the response-cache key)', () => {
    expect(args(runtime, 'ARG').map((arg) => arg.split('=')[0])).toContain('BUILD_ID');
    expect(envOf(args(runtime, 'ENV').join(' '))).toMatchObject({ BUILD_ID: '${BUILD_ID}' });
  });

  it('runs as a user other than root, exposes its port, stops on SIGTERM and checks /readyz', () => {
    const [user] = args(runtime, 'USER');
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(args(runtime, 'EXPOSE')).toEqual(['4000']);
    expect(args(runtime, 'STOPSIGNAL')).toEqual(['SIGTERM']);
    const [healthcheck] = args(runtime, 'HEALTHCHECK');
    expect(healthcheckCommand(healthcheck!)).toContain('/readyz');
    expect(commandOf(args(runtime, 'CMD')[0]!)).toEqual({ exec: ['node', 'dist/main.js'] });
  });
});

describe('.dockerignore', () => {
  it('keeps dependencies, builds, git history and local secrets out of the build context', () => {
    const ignored = read('.dockerignore').split('\n').map((line) => line.trim());
    for (const entry of ['.git', '**/node_modules', '**/dist', '.env']) expect(ignored).toContain(entry);
  });
});

describe('compose.yaml', () => {
  const compose = parse(read('compose.yaml'), { merge: true }) as {
    services: Record<string, { command?: string[]; environment?: Record<string, string>; image?: string; build?: string; depends_on?: Record<string, unknown> }>;
  };
  const gateways = Object.entries(compose.services).filter(([name]) => name.startsWith('gateway'));

  it('runs the sandbox as its own service, listening beyond its container', () => {
    const { sandbox } = compose.services;
    expect(sandbox?.command).toEqual(['node', 'dist/sandbox/main.js']);
    expect(sandbox?.environment).toMatchObject({ SANDBOX_HOST: '0.0.0.0', SANDBOX_PORT: '4010' });
  });

  it('runs two gateway replicas on the sandbox, sharing Redis and one cursor secret', () => {
    expect(gateways).toHaveLength(2);
    expect(compose.services.redis).toBeDefined();
    for (const [, gateway] of gateways) {
      // Pointed at the sandbox service exactly as a gateway on a sandbox is configured.
      const { GATEWAY_AUTH: _auth, ...upstreams } = sandboxGatewayEnv('http://sandbox:4010');
      expect(gateway.environment).toMatchObject(upstreams);
      expect(gateway.environment?.REDIS_URL).toBe('redis://redis:6379');
      expect(gateway.environment?.CURSOR_SECRET).toBeTruthy();
      expect(Object.keys(gateway.depends_on ?? {})).toEqual(expect.arrayContaining(['sandbox', 'redis']));
    }
  });
});

describe('the build and CI files', () => {
  it('name only test files that exist', () => {
    for (const file of ['Dockerfile', 'scripts/ci/dockerfile-run.ts', 'scripts/ci/dockerfile.ts', '.ci/run']) {
      for (const named of read(file).match(/test\/[\w./-]+\.test\.ts/g) ?? []) expect(existsSync(new URL(`../../${named}`, import.meta.url)), `${file} names ${named}`).toBe(true);
    }
  });
});
