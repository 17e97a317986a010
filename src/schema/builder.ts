import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { GraphQLError } from 'graphql';
import type { Context } from '../context.js';
import { checkNodeType, decodeGlobalId, encodeGlobalId } from './global-id.js';
import { fieldCost } from './cost.js';
import type { Freshness } from './freshness.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './pagination.js';

export const builder = new SchemaBuilder<{
  Context: Context;
  AuthScopes: { read: boolean; write: boolean };
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
  // Every connection says its total and how fresh it is (freshness.ts).
  Connection: { totalCount: number | Promise<number>; freshness: Freshness };
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
    nodesOnConnection: { description: 'The items of this page, in list order (the nodes of `edges`).' },
    edgesFieldOptions: { nullable: false, description: 'The items of this page with their cursors, in list order.' },
    nodeFieldOptions: { nullable: false, description: 'The item.' },
    cursorFieldOptions: {
      description:
        'Opaque, signed position of this item; pass it as `after` or `before` to page from here. An edited cursor, or one of another list, other arguments or another gateway, is refused (BAD_USER_INPUT).',
    },
    pageInfoFieldOptions: { description: 'Where this page lies in the list, and its first and last cursors.' },
    pageInfoTypeOptions: { description: 'Where a page lies in its list (Relay cursor connections).' },
    hasNextPageFieldOptions: { description: 'Whether items follow this page: page on with `after: endCursor`.' },
    hasPreviousPageFieldOptions: { description: 'Whether items precede this page: page back with `before: startCursor`.' },
    startCursorFieldOptions: { description: "The first item's cursor; null when the page is empty." },
    endCursorFieldOptions: { description: "The last item's cursor; null when the page is empty." },
    firstArgOptions: {
      description: `How many items to return from the start of the range, 0 to ${MAX_PAGE_SIZE}. Without \`first\` and \`last\`: ${DEFAULT_PAGE_SIZE}.`,
    },
    afterArgOptions: { description: 'A cursor of this list (with the same arguments): start after that item.' },
    lastArgOptions: { description: `How many items to return from the end of the range, 0 to ${MAX_PAGE_SIZE}.` },
    beforeArgOptions: { description: 'A cursor of this list (with the same arguments): end before that item.' },
    defaultConnectionTypeOptions: { description: 'One page of a list, with its total and the cursors to page on (Relay cursor connection).' },
    defaultEdgeTypeOptions: { description: 'One item of a page and its cursor.' },
    nodeTypeOptions: { description: 'An object that can be fetched again by its global id with `node(id:)` / `nodes(ids:)`.' },
    idFieldOptions: { description: 'Global id: opaque and stable; fetch the object again with `node(id:)`.' },
    encodeGlobalID: encodeGlobalId,
    decodeGlobalID: decodeGlobalId,
    nodeQueryOptions: {
      description: 'The object with this global id (any `id` field); null when it no longer exists.',
      args: { id: { description: 'A global id, as an `id` field returned it.' } },
      resolve: (_root, { id }, _context, info, resolveNode) => {
        checkNodeType(info.schema, id.typename);
        return resolveNode(id);
      },
    },
    nodesQueryOptions: {
      description: 'The objects with these global ids, in the same order; null for each that no longer exists.',
      args: { ids: { description: 'Global ids, as `id` fields returned them.' } },
      resolve: (_root, { ids }, _context, info, resolveNodes) => {
        for (const id of ids) checkNodeType(info.schema, id.typename);
        return resolveNodes(ids);
      },
    },
  },
});

builder.queryType({
  description: 'Everything the gateway reads: Avaamo agents and their lists, the Vambe queue, Rocket.Chat stats.',
  authScopes: { read: true },
});
builder.mutationType({ description: 'What the gateway writes upstream (Avaamo messages).' });
