import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { GraphQLError } from 'graphql';
import type { Context } from '../context.js';
import { checkNodeType, decodeGlobalId, encodeGlobalId } from './global-id.js';
import { fieldCost } from './cost.js';
import type { Connection } from './pagination.js';

export const builder = new SchemaBuilder<{
  Context: Context;
  AuthScopes: { read: boolean; write: boolean };
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
  Connection: Pick<Connection<unknown>, 'totalCount'>;
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
}>({
  // Fields are non-null unless they say otherwise; every field that depends
  // on an upstream call says otherwise, so a failure stays on that field.
  defaultFieldNullability: false,
  // Scope auth first: a field the caller may not use is refused before any
  // other plugin runs its resolver (https://pothos-graphql.dev/docs/plugins/scope-auth).
  plugins: [ScopeAuthPlugin, ComplexityPlugin, RelayPlugin, DataloaderPlugin],
  scopeAuth: {
    authScopes: (context) => ({
      read: context.caller.scopes.includes('read'),
      write: context.caller.scopes.includes('write'),
    }),
    unauthorizedError: (_parent, _context, info) =>
      new GraphQLError(`This API key may not use \`${info.fieldName}\` (missing scope).`, { extensions: { code: 'FORBIDDEN' } }),
  },
  // Costs only: the limit is checked once per operation, before execution
  // (plugins/use-cost-limit.ts), not per root field.
  complexity: { fieldComplexity: fieldCost },
  relay: {
    clientMutationId: 'optional',
    cursorType: 'String',
    nodesOnConnection: true,
    edgesFieldOptions: { nullable: false },
    nodeFieldOptions: { nullable: false },
    encodeGlobalID: encodeGlobalId,
    decodeGlobalID: decodeGlobalId,
    nodeQueryOptions: {
      resolve: (_root, { id }, _context, info, resolveNode) => {
        checkNodeType(info.schema, id.typename);
        return resolveNode(id);
      },
    },
    nodesQueryOptions: {
      resolve: (_root, { ids }, _context, info, resolveNodes) => {
        for (const id of ids) checkNodeType(info.schema, id.typename);
        return resolveNodes(ids);
      },
    },
  },
});

builder.queryType({ authScopes: { read: true } });
builder.mutationType({});
