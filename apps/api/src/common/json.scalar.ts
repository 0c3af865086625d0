import { GraphQLScalarType, valueFromASTUntyped } from 'graphql';

function asObject(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(
      'JSONObject must be an object, e.g. { "client": { "name": "Min Dag ApS" } }',
    );
  }
  return value as Record<string, unknown>;
}

/** A JSON object: audit details out, document values in (validated by the domain). */
export const GraphQLJSONObject = new GraphQLScalarType({
  name: 'JSONObject',
  description: 'A JSON object.',
  serialize: (value) => value,
  parseValue: (value) => asObject(value),
  parseLiteral: (ast, variables) => asObject(valueFromASTUntyped(ast, variables)),
});
