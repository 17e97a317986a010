import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import RelayPlugin from '@pothos/plugin-relay';
import type { Context } from '../context.js';
import { checkNodeType, decodeGlobalId, encodeGlobalId } from './global-id.js';
import type { Connection } from './pagination.js';

export const builder = new SchemaBuilder<{
  Context: Context;
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
  plugins: [RelayPlugin, DataloaderPlugin],
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

builder.queryType({});
builder.mutationType({});
