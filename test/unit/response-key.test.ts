import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { buildIdentity, createResponseKeys, gatewayVersion } from '../../src/response-cache/key.js';
import { sandboxGatewayEnv } from '../../src/sandbox/gateway-env.js';

const { upstreams } = loadConfig(sandboxGatewayEnv('http://sandbox.test'));
const caller = { name: 'dashboards', scopes: ['read'] } as never;
const headers = new Headers();
const params = { query: '{ agents(first: 1) { nodes { name } } }', operationName: null, variables: {} } as never;
const keyUnder = (build: string) => createResponseKeys({ forwardUpstreamCredentials: false, upstreams, build })(params, caller, headers);

describe('the response-cache key across gateway builds', () => {
  it('differs when the schema or the version differs, so two versions sharing Redis never serve each other\'s results', () => {
    const sdl = 'type Query { agents: [String] }';
    const v1 = buildIdentity(sdl, '1.0.0');
    expect(keyUnder(v1)).toBe(keyUnder(buildIdentity(sdl, '1.0.0')));
    expect(keyUnder(v1)).not.toBe(keyUnder(buildIdentity(sdl, '1.0.1')));
    expect(keyUnder(v1)).not.toBe(keyUnder(buildIdentity('type Query { agents: [String!] }', '1.0.0')));
  });

  it('differs when BUILD_ID differs, with the schema and version the same (a resolver-only change)', () => {
    const sdl = 'type Query { agents: [String] }';
    expect(keyUnder(buildIdentity(sdl, '1.0.0', 'build-a'))).not.toBe(keyUnder(buildIdentity(sdl, '1.0.0', 'build-b')));
    expect(keyUnder(buildIdentity(sdl, '1.0.0', 'build-a'))).not.toBe(keyUnder(buildIdentity(sdl, '1.0.0')));
    expect(loadConfig({ ...sandboxGatewayEnv('http://sandbox.test'), BUILD_ID: 'build-a' }).buildId).toBe('build-a');
    expect(loadConfig(sandboxGatewayEnv('http://sandbox.test')).buildId).toBeNull();
  });

  it('reads the version from package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(gatewayVersion).toBe(pkg.version);
  });
});
