import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { SecuritySettings } from '../auth/settings.js';

type Limits = Pick<SecuritySettings, 'maxDepth' | 'maxAliases' | 'maxTokens' | 'maxDirectives' | 'introspection'>;

/**
 * Rejects documents too deep, too aliased, too long or with too many
 * directives while parsing and validating, before any resolver runs
 * (graphql-armor). Each rejection carries the code QUERY_TOO_COMPLEX and the
 * limit it hit, as HTTP 400. Cost is checked separately (use-cost-limit.ts), because it
 * depends on `first`/`last`.
 */
export function useQueryLimits(limits: Limits): Plugin {
  const coded = [
    (_context: unknown, error: GraphQLError) => {
      Object.assign(error.extensions, { code: 'QUERY_TOO_COMPLEX', http: { status: 400 } });
    },
  ];
  return EnvelopArmorPlugin({
    maxDepth: { n: limits.maxDepth, onReject: coded },
    maxAliases: { n: limits.maxAliases, onReject: coded },
    maxTokens: { n: limits.maxTokens, onReject: coded },
    maxDirectives: { n: limits.maxDirectives, onReject: coded },
    costLimit: { enabled: false },
    // Suggestions describe a schema introspection would hide.
    blockFieldSuggestion: { enabled: !limits.introspection },
  }) as Plugin;
}
