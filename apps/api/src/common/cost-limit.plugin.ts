import type { ApolloServerPlugin } from '@apollo/server' with { 'resolution-mode': 'import' };
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { getComplexity, simpleEstimator, fieldExtensionsEstimator } from 'graphql-query-complexity';

/**
 * Refuses operations whose estimated cost exceeds the limit, before any resolver runs.
 * Runs after parsing and variable coercion, so variables count (e.g. a `limit` argument).
 */
export function costLimitPlugin(
  maxCost: number,
  schemaRef: () => GraphQLSchema,
): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const cost = getComplexity({
            schema: schemaRef(),
            query: document,
            variables: request.variables ?? {},
            ...(request.operationName ? { operationName: request.operationName } : {}),
            estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
          });
          if (cost > maxCost) {
            throw new GraphQLError(
              `The operation costs ${cost}, above the limit of ${maxCost}: ask for fewer fields or items.`,
              {
                extensions: {
                  code: 'BAD_USER_INPUT',
                  reason: 'COST_LIMIT',
                  cost,
                  maxCost,
                  http: { status: 400 },
                },
              },
            );
          }
        },
      };
    },
  };
}
