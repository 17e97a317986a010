import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for services calling the gateway, from the checked-in SDL.
 * The SDK issue adds its operations under src/sdk/operations/.
 */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: ['src/sdk/operations/*.graphql'],
  ignoreNoDocuments: true,
  emitLegacyCommonJSImports: false,
  generates: {
    'src/sdk/generated/': {
      preset: 'client',
      config: {
        scalars: { DateTime: 'string', JSON: 'unknown' },
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
};

export default config;
