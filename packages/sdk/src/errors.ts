/** One GraphQL error as the gateway reported it. */
export interface CxErrorDetail {
  message: string;
  /** `extensions.code`, e.g. NOT_FOUND, BAD_USER_INPUT, UPSTREAM_TIMEOUT (see the README's error table). */
  code: string | undefined;
  /** Where in the response it happened; absent for errors of the whole request. */
  path: ReadonlyArray<string | number> | undefined;
  extensions: Readonly<Record<string, unknown>>;
}

/**
 * The gateway answered with errors. `data` keeps what did resolve: an
 * upstream failure costs only the fields that depended on it.
 */
export class CxGatewayError extends Error {
  override readonly name = 'CxGatewayError';

  constructor(
    readonly errors: readonly CxErrorDetail[],
    /** The partial data, when the request got as far as executing. */
    readonly data: unknown,
    /** The HTTP status of the answer. */
    readonly status: number,
  ) {
    super(
      errors.length === 0
        ? `The gateway answered HTTP ${status} without a GraphQL error`
        : errors.map((error) => `${error.message} (${error.code ?? 'no code'}${error.path ? ` at ${error.path.join('.')}` : ''})`).join('; '),
    );
  }

  /** Every distinct `extensions.code` in the answer. */
  get codes(): string[] {
    return [...new Set(this.errors.flatMap((error) => (error.code ? [error.code] : [])))];
  }
}

interface WireError {
  message?: unknown;
  path?: unknown;
  extensions?: unknown;
}

/** Reads the `errors` of a GraphQL response without trusting its shape. */
export function toErrorDetails(errors: unknown): CxErrorDetail[] {
  if (!Array.isArray(errors)) return [];
  return errors.map((raw: WireError) => {
    const extensions =
      raw && typeof raw.extensions === 'object' && raw.extensions !== null ? (raw.extensions as Record<string, unknown>) : {};
    const path = Array.isArray(raw?.path)
      ? raw.path.filter((segment): segment is string | number => typeof segment === 'string' || typeof segment === 'number')
      : undefined;
    return {
      message: typeof raw?.message === 'string' ? raw.message : 'Unknown error',
      code: typeof extensions.code === 'string' ? extensions.code : undefined,
      path,
      extensions,
    };
  });
}
