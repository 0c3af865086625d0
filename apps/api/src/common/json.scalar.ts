import { GraphQLScalarType, Kind } from 'graphql';

/** Read-only JSON object scalar for audit details (output only). */
export const GraphQLJSONObject = new GraphQLScalarType({
  name: 'JSONObject',
  description: 'A JSON object (output only).',
  serialize: (value) => value,
  parseValue: () => {
    throw new TypeError('JSONObject is output only');
  },
  parseLiteral: (ast) => {
    throw new TypeError(
      `JSONObject is output only (got ${ast.kind === Kind.OBJECT ? 'object' : ast.kind})`,
    );
  },
});
