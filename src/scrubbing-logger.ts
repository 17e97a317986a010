import { createLogger, type YogaLogger } from 'graphql-yoga';
import { scrub } from './auth/secrets.js';

/**
 * Yoga's logger with every configured credential scrubbed from what it
 * writes, stack traces included: a log line is read by more people than
 * the tokens are meant for.
 */
export function createScrubbingLogger(secrets: readonly string[], base: YogaLogger = createLogger('info')): YogaLogger {
  const clean = (arg: unknown): unknown => {
    if (typeof arg === 'string') return scrub(arg, secrets);
    if (arg instanceof Error) return scrub(arg.stack ?? `${arg.name}: ${arg.message}`, secrets);
    if (arg && typeof arg === 'object') return scrub(safeJson(arg), secrets);
    return arg;
  };
  const wrap =
    (write: (...args: unknown[]) => void) =>
    (...args: unknown[]) =>
      write(...args.map(clean));
  return { debug: wrap(base.debug), info: wrap(base.info), warn: wrap(base.warn), error: wrap(base.error) };
}

function safeJson(value: object): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
