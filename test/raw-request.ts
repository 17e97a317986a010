import type { GraphQLResponse } from './helpers.js';

export interface RawResponse<T = Record<string, unknown>> extends GraphQLResponse<T> {
  headers: Headers;
  /** The body exactly as sent, for leak checks. */
  text: string;
}

/** A GraphQL POST with any headers, read back whole: for what graphql-request would hide or refuse to send. */
export async function postGraphQL<T = Record<string, unknown>>(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<RawResponse<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return readResponse<T>(response);
}

export async function readResponse<T>(response: Response): Promise<RawResponse<T>> {
  const text = await response.text();
  let json: { data?: T; errors?: GraphQLResponse<T>['errors'] } = {};
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    // Not JSON (an HTML page, an empty body): the status and text say enough.
  }
  return { status: response.status, headers: response.headers, text, data: json.data ?? undefined, errors: json.errors };
}

/** A query POSTed by a caller who leaves when told: `answered` settles to the status, or `'left'` once `leave()` aborted it. */
export function postThenLeave(url: string, query: string): { leave(): void; answered: Promise<number | 'left'> } {
  const leaving = new AbortController();
  const answered = fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
    signal: leaving.signal,
  }).then(
    (response) => response.status,
    () => 'left' as const,
  );
  return { leave: () => leaving.abort(), answered };
}
