import { defineConfig } from 'vitest/config';

export default defineConfig({
  // graphql ships CJS (index.js) and ESM (index.mjs) without an exports map:
  // Node loads the CJS one for Yoga and Pothos, Vite would pick the ESM one
  // for our sources, and two GraphQLError classes break instanceof. One copy.
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    include: ['test/**/*.test.ts'],
    // Every file starts its own sandbox and gateway on free ports; two
    // workers fit the 2-core machines CI runs on.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The JSON report is what .ci/run counts; the default reporter is for people.
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-report.json' },
  },
});
