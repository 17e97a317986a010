import { createHash } from 'node:crypto';
import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * The SDK's typed documents, from the checked-in SDL and the operations in
 * packages/sdk/operations/. `persisted-documents.json` (hash -> document) is the
 * allow-list trusted documents check; `npm run codegen:check` fails on drift.
 */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: ['packages/sdk/operations/*.graphql'],
  emitLegacyCommonJSImports: false,
  generates: {
    'packages/sdk/src/generated/': {
      preset: 'client',
      presetConfig: {
        // Services read what they select; masking would hide it behind fragments.
        fragmentMasking: false,
        // Keys are the bare hex SHA-256 of the document text (no "sha256:"
        // prefix), what Apollo-style `persistedQuery.sha256Hash` carries.
        persistedDocuments: { hashAlgorithm: (document: string) => createHash('sha256').update(document).digest('hex') },
      },
      config: {
        scalars: { DateTime: 'string', JSON: 'unknown' },
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
};

export default config;
