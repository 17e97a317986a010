import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { ClientError, GraphQLClient, type RequestMiddleware } from 'graphql-request';
import { CxGatewayError, toErrorDetails, type CxErrorDetail } from './errors.js';
import persistedDocuments from './generated/persisted-documents.json' with { type: 'json' };
import { walkConnection, type ConnectionPage } from './paginate.js';

export interface CxClientOptions {
  /** The gateway's GraphQL endpoint, e.g. http://localhost:4000/graphql. */
  url: string;
  /** Sent as `Authorization: Bearer <apiKey>` on every request. */
  apiKey?: string;
  /** Extra headers on every request (a request id, a user agent). */
  headers?: Record<string, string>;
  /** Replaces global fetch (a proxy agent, instrumentation). */
  fetch?: typeof globalThis.fetch;
  /**
   * `'documentId'`: send an allow-listed operation by its id only (the
   * sha256 in persisted-documents.json), as a gateway running
   * PERSISTED_OPERATIONS=only requires (a gateway without it reads only
   * text). Documents not on the list still go as text, and such a gateway
   * refuses them with PERSISTED_QUERY_ONLY. @default 'text'
   */
  send?: 'text' | 'documentId';
}

/** Variables are optional exactly when the operation has no required one. */
type VariablesArg<TVariables> = Record<string, never> extends TVariables ? [variables?: TVariables] : [variables: TVariables];

export interface CxResult<TResult> {
  /** Null when the request failed before executing (e.g. an invalid variable). */
  data: TResult | null;
  errors: CxErrorDetail[];
}

export interface CxClient {
  /** Runs an operation; throws CxGatewayError (with codes and any partial data) if the answer has errors. */
  request<TResult, TVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
    ...variables: VariablesArg<TVariables>
  ): Promise<TResult>;
  /** Runs an operation and returns data and errors side by side: for screens that show what resolved. */
  execute<TResult, TVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
    ...variables: VariablesArg<TVariables>
  ): Promise<CxResult<TResult>>;
  /**
   * Every node of a connection, fetching page after page as the loop asks:
   * `for await (const contact of client.paginate(ContactsDocument, { status: 'UNATTENDED', first: 100 }, (data) => data.contacts))`.
   * The operation takes an `$after: String` variable and selects `pageInfo { hasNextPage endCursor }`.
   */
  paginate<TResult, TVariables extends { after?: string | null }, TNode>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables: Omit<TVariables, 'after'>,
    select: (data: TResult) => ConnectionPage<TNode> | null | undefined,
  ): AsyncGenerator<TNode, void, undefined>;
}

const allowListed: Readonly<Record<string, string>> = persistedDocuments;
const idOfText = new Map(Object.entries(allowListed).map(([id, text]) => [text, id]));

/**
 * The text sent for a document: the allow-listed spelling when codegen
 * persisted it (trusted documents compare against exactly that), else printed.
 */
function documentText(document: TypedDocumentNode<unknown, never>): string {
  const hash = (document as { __meta__?: { hash?: unknown } }).__meta__?.hash;
  const persisted = typeof hash === 'string' ? allowListed[hash] : undefined;
  return persisted ?? print(document);
}

/** A typed client of the gateway for services. */
export function createCxClient(options: CxClientOptions): CxClient {
  const headers: Record<string, string> = { ...options.headers };
  if (options.apiKey !== undefined) headers.authorization = `Bearer ${options.apiKey}`;
  const client = new GraphQLClient(options.url, {
    headers,
    errorPolicy: 'all',
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.send === 'documentId' ? { requestMiddleware: sendById } : {}),
  });

  async function run<TResult, TVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables: TVariables | undefined,
  ): Promise<CxResult<TResult> & { status: number }> {
    const query = documentText(document as TypedDocumentNode<unknown, never>);
    try {
      const response = await client.rawRequest<TResult>(query, variables as Record<string, unknown> | undefined);
      return { data: response.data ?? null, errors: toErrorDetails(response.errors), status: response.status };
    } catch (error) {
      // A 4xx answer (a document or variables the gateway refused) is still a GraphQL answer.
      if (!(error instanceof ClientError)) throw error;
      const errors = toErrorDetails(error.response.errors);
      const data = (error.response.data ?? null) as TResult | null;
      if (errors.length === 0) throw new CxGatewayError([], data, error.response.status);
      return { data, errors, status: error.response.status };
    }
  }

  async function request<TResult, TVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
    ...[variables]: VariablesArg<TVariables>
  ): Promise<TResult> {
    return dataOrThrow(await run(document, variables));
  }

  function paginate<TResult, TVariables extends { after?: string | null }, TNode>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables: Omit<TVariables, 'after'>,
    select: (data: TResult) => ConnectionPage<TNode> | null | undefined,
  ): AsyncGenerator<TNode, void, undefined> {
    return walkConnection(async (after) => select(dataOrThrow(await run(document, { ...variables, after } as TVariables))));
  }

  return {
    request,
    async execute(document, ...[variables]) {
      const { data, errors } = await run(document, variables);
      return { data, errors };
    },
    paginate,
  };
}

/** Swaps an allow-listed `query` in the POST body for its `documentId`; anything else passes unchanged. */
const sendById: RequestMiddleware = (request) => {
  if (typeof request.body !== 'string') return request;
  const { query, ...rest } = JSON.parse(request.body) as { query?: unknown } & Record<string, unknown>;
  const documentId = typeof query === 'string' ? idOfText.get(query) : undefined;
  return documentId === undefined ? request : { ...request, body: JSON.stringify({ ...rest, documentId }) };
};

function dataOrThrow<TResult>(result: CxResult<TResult> & { status: number }): TResult {
  if (result.errors.length > 0 || result.data === null) throw new CxGatewayError(result.errors, result.data, result.status);
  return result.data;
}
