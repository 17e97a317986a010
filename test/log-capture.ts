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
  const watched = secrets.filter((secret): secret is string => secret !== null && secret.length >= 6);
  return {
    write(line: string) {
      written.push(line);
      if (process.env.TEST_LOGS === '1') process.stdout.write(line);
    },
    lines: () => written.map((line) => JSON.parse(line) as Record<string, unknown>),
    assertNoSecrets() {
      for (const line of written) {
        const secret = watched.find((each) => line.includes(each));
        if (secret) throw new Error(`a log line holds a configured secret (${secret.slice(0, 4)}…): ${line.slice(0, 300)}`);
      }
    },
  };
}
