import { pino, type DestinationStream, type Logger } from 'pino';
import type { YogaLogger } from 'graphql-yoga';
import { scrub } from '../auth/secrets.js';
import type { TelemetrySettings } from './settings.js';

export type { Logger } from 'pino';

/** Where log lines go; `flushSync` (sonic-boom's) is called before the process exits. */
export type LogDestination = DestinationStream & { flushSync?: () => void };

/**
 * The gateway's pino logger: one JSON object a line, `time` as ISO text and
 * `level` as its name. Every line is scrubbed of the configured secrets as it
 * is written, whatever wrote it (a message, a field, an error's stack): a
 * log line is read by more people than the tokens are meant for.
 */
export function createLogger(level: TelemetrySettings['logLevel'], secrets: readonly string[], destination: LogDestination): Logger {
  // As written in a JSON string too: a secret with a quote or a backslash is escaped there.
  const spellings = [...new Set(secrets.flatMap((secret) => [secret, JSON.stringify(secret).slice(1, -1)]))].sort((a, b) => b.length - a.length);
  return pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      hooks: { streamWrite: (line) => scrub(line, spellings) },
    },
    destination,
  );
}

/**
 * Standard output: JSON lines, or pino-pretty's colours on a terminal in
 * development. pino-pretty is a devDependency: where it is not installed
 * (`npm ci --omit=dev`, the image), the lines stay JSON.
 */
export async function logDestination(settings: Pick<TelemetrySettings, 'development'>, stdout: NodeJS.WriteStream = process.stdout): Promise<LogDestination> {
  if (settings.development && stdout.isTTY) {
    try {
      const { default: pretty } = await import('pino-pretty');
      return pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', sync: true });
    } catch {
      // Not installed: JSON it is.
    }
  }
  return pino.destination({ dest: 1, sync: false });
}

/**
 * Yoga's logger interface on pino, for Yoga's own lines and the plugins that
 * write through it: a leading plain object becomes the line's fields, an
 * Error its `err`, the rest its message.
 */
export function yogaLogger(logger: Logger): YogaLogger {
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]) => {
      const [first, ...rest] = args;
      const fields = first && typeof first === 'object' && Object.getPrototypeOf(first) === Object.prototype ? (first as Record<string, unknown>) : null;
      const parts = fields ? rest : args;
      const err = parts.find((part): part is Error => part instanceof Error);
      const message = parts
        .filter((part) => part !== err)
        .map((part) => (typeof part === 'string' ? part : safeJson(part)))
        .join(' ');
      logger[level]({ ...fields, ...(err ? { err } : {}) }, message || err?.message || '');
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
