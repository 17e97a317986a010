import { readFileSync } from 'node:fs';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import type { Plugin } from 'graphql-yoga';
import { z } from 'zod';

/** graphql-codegen's client preset `persistedDocuments` output: sha256 hash → document text. */
const allowList = z.record(z.string().regex(/^(sha256:)?[0-9a-f]{64}$/), z.string().min(1));

/** Reads the allow-list once, at start: a missing or malformed file stops the start. */
export function loadTrustedDocuments(file: string): ReadonlyMap<string, string> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`PERSISTED_OPERATIONS_FILE ${file} could not be read as JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = allowList.safeParse(raw);
  if (!parsed.success) throw new Error(`PERSISTED_OPERATIONS_FILE ${file} must map sha256 hashes to documents`);
  return new Map(Object.entries(parsed.data).map(([hash, document]) => [hash.replace(/^sha256:/, ''), document]));
}

/**
 * Only operations of the allow-list run (PERSISTED_OPERATIONS=only): callers
 * send the hash as `documentId` or as `extensions.persistedQuery.sha256Hash`
 * (Apollo's form), never a document of their own.
 */
export function useTrustedDocuments(documents: ReadonlyMap<string, string>): Plugin {
  return usePersistedOperations({
    allowArbitraryOperations: false,
    extractPersistedOperationId: (params) => {
      const record = params as { documentId?: unknown; extensions?: { persistedQuery?: { sha256Hash?: unknown } } };
      const id = record.documentId ?? record.extensions?.persistedQuery?.sha256Hash;
      return typeof id === 'string' ? id.replace(/^sha256:/, '') : null;
    },
    getPersistedOperation: (hash) => documents.get(hash) ?? null,
    customErrors: {
      persistedQueryOnly: {
        message: 'This gateway runs only its trusted documents: send `documentId` (the sha256 of an allow-listed operation), not a query.',
        extensions: { code: 'PERSISTED_QUERY_ONLY', http: { status: 400 } },
      },
      notFound: {
        message: 'No trusted document has this id.',
        extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', http: { status: 400 } },
      },
      keyNotFound: {
        message: 'Send the trusted document id as `documentId` or `extensions.persistedQuery.sha256Hash`.',
        extensions: { code: 'PERSISTED_QUERY_ONLY', http: { status: 400 } },
      },
    },
  }) as Plugin;
}
