/**
 * The gateway's SDK for services: a typed client, and a typed document for
 * each operation in ./operations (regenerate with `npm run codegen`).
 */
export { createCxClient, type CxClient, type CxClientOptions, type CxResult } from './client.js';
export { CxGatewayError, type CxErrorDetail } from './errors.js';
export type { ConnectionPage } from './paginate.js';
export * from './generated/graphql.js';
