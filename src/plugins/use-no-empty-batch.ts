import { createGraphQLError, type Plugin } from 'graphql-yoga';

/** An empty batch (`[]`) asks nothing; Yoga would answer 200 `[]`, which reads like success. */
export function useNoEmptyBatch(): Plugin {
  return {
    onRequestParse() {
      return {
        onRequestParseDone({ requestParserResult }) {
          if (Array.isArray(requestParserResult) && requestParserResult.length === 0) {
            throw createGraphQLError('A batch must hold at least one operation.', {
              extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
