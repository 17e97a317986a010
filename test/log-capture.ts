import { configuredSecrets, serviceSecrets } from '../src/auth/secrets.js';
import { loadConfig } from '../src/config/index.js';
import { sandboxUpstreams } from '../src/sandbox/settings.js';
import type { LogDestination } from '../src/telemetry/logger.js';

export interface LogCapture extends LogDestination {
  /** Every line written so far, parsed. */
  lines(): Array<Record<string, unknown>>;
  /** Throws, naming the line, if any line holds one of the secrets. */
  assertNoSecrets(): void;
}

/**
 * A log destination for tests: keeps the gateway's lines (printed too when
 * TEST_LOGS=1) and checks them for the secrets the gateway was configured with.
 */
export function createLogCapture(secrets: ReadonlyArray<string | null>): LogCapture {
  const written: string[] = [];
  const watched = [...secrets];
  return {
    write(line: string) {
      written.push(line);
      if (process.env.TEST_LOGS === '1') process.stdout.write(line);
    },
    lines: () => written.map((line) => JSON.parse(line) as Record<string, unknown>),
    assertNoSecrets: () => assertNoSecretIn(written, watched),
  };
}

/** Throws, naming the line, if any line holds one of the secrets (those under 6 characters are not watched). */
export function assertNoSecretIn(lines: readonly string[], secrets: ReadonlyArray<string | null>): void {
  const watched = secrets.filter((secret): secret is string => secret !== null && secret.length >= 6);
  for (const line of lines) {
    const secret = watched.find((each) => line.includes(each));
    if (secret) throw new Error(`a log line holds a configured secret (${secret.slice(0, 4)}…): ${line.slice(0, 300)}`);
  }
}

/**
 * The secrets of a gateway started as a process with `env`: what its config
 * holds, and the sandbox's credentials (an embedded sandbox's are not in env).
 */
export function secretsOfEnv(env: Record<string, string | undefined>): string[] {
  const sandbox = configuredSecrets(sandboxUpstreams('http://127.0.0.1'));
  try {
    return [...serviceSecrets(loadConfig(env)), ...sandbox];
  } catch {
    // An env this build does not read (the bench's older builds): the sandbox's credentials still are secrets.
    return sandbox;
  }
}
