/**
 * What every GraphQL answer must be, however hostile the input or broken the
 * upstreams: an error names what went wrong with a code, and none is a
 * masked crash (INTERNAL_SERVER_ERROR: an unexpected error in the gateway).
 * Shared by the hostile-input and chaos corpora and `npm run chaos`.
 */
export interface GraphQLBody {
  data?: unknown;
  errors?: Array<{ message?: unknown; extensions?: { code?: unknown } }>;
}

/** The errors of an answer, of every operation of a batch. */
export function errorsOf(body: unknown): NonNullable<GraphQLBody['errors']> {
  const bodies = (Array.isArray(body) ? body : [body]) as Array<GraphQLBody | null>;
  return bodies.flatMap((item) => (item && Array.isArray(item.errors) ? item.errors : []));
}

/** What is wrong with an answer's errors: one line each for an error without a code and for a masked crash. */
export function errorProblems(body: unknown): string[] {
  return errorsOf(body).flatMap((error) => {
    const code = error.extensions?.code;
    if (typeof code !== 'string') return [`an error without a code: ${JSON.stringify(error).slice(0, 200)}`];
    if (code === 'INTERNAL_SERVER_ERROR') return [`a masked unexpected error (INTERNAL_SERVER_ERROR) at ${JSON.stringify((error as { path?: unknown }).path ?? null)}`];
    return [];
  });
}

/** A GraphQL response a program can act on: data (an object) and/or errors, each with a message and a code. */
export function isWellFormed(result: GraphQLBody): boolean {
  const hasData = typeof result.data === 'object' && result.data !== null;
  const errorsOk =
    result.errors === undefined ||
    (Array.isArray(result.errors) && result.errors.every((error) => typeof error.message === 'string' && typeof error.extensions?.code === 'string'));
  return (hasData || (result.errors?.length ?? 0) > 0) && errorsOk;
}
