import { z } from 'zod';

/**
 * What every settings area reads the environment with: zod preprocessors that
 * treat a blank variable as unset, JSON-valued settings, one boolean spelling,
 * and the error that collects every problem.
 */

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment with `schema`; every problem is thrown together, in one ConfigError. */
export function parseEnv<T>(schema: z.ZodType<T>, env: Env): T {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`),
    );
  }
  return result.data;
}

export const blankToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

export const optionalString = z.preprocess(blankToUndefined, z.string().optional());

export const optionalUrl = z.preprocess(
  blankToUndefined,
  z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
);

export const port = (fallback: number) =>
  z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(65535).default(fallback));

/** A host to listen on, loopback unless set: serving the network is a deliberate choice. */
export const host = z.preprocess(blankToUndefined, z.string().default('127.0.0.1'));

export const int = (min: number, max: number, fallback: number) =>
  z.preprocess(blankToUndefined, z.coerce.number().int().min(min).max(max).default(fallback));

/** JSON-valued settings: parsed when they parse, else left for the schema to report. */
export const jsonSetting = (value: unknown) => {
  const raw = blankToUndefined(value);
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(String(raw)) as unknown;
  } catch {
    return raw;
  }
};

// One spelling, true/false; on/off and 1/0 are what earlier versions documented, so they stay accepted.
const TRUE = ['true', 'on', '1'] as const;
const FALSE = ['false', 'off', '0'] as const;
const booleanText = z
  .enum([...TRUE, ...FALSE], { error: 'must be true or false (on/off and 1/0 are accepted too)' })
  .transform((text) => (TRUE as readonly string[]).includes(text));

/** A boolean setting, `fallback` when unset. */
export const boolean = (fallback: boolean) => z.preprocess(blankToUndefined, booleanText.default(fallback));

/** A boolean setting whose default depends on other settings: `undefined` when unset. */
export const optionalBoolean = z.preprocess(blankToUndefined, booleanText.optional());
