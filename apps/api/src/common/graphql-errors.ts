import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { isAftaleError } from '@aftale/domain';
import type { Logger } from '@aftale/server';

/** Apollo's own codes for documents that never reached a resolver. */
const CLIENT_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'PERSISTED_QUERY_NOT_FOUND',
]);

/**
 * Every error leaves with a typed code and a human message, never a stack trace:
 * AftaleError keeps its code and field problems; malformed documents become
 * BAD_USER_INPUT (the Apollo reason kept); anything else is INTERNAL_SERVER_ERROR with a
 * generic message, logged with the request id so operators can find it.
 */
export function createFormatError(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const path = formatted.path ? { path: formatted.path } : {};
    if (isAftaleError(original)) {
      const first = original.problems[0];
      return {
        message: original.message,
        ...path,
        extensions: {
          code: original.code,
          ...(first ? { field: first.field } : {}),
          ...(original.problems.length ? { problems: original.problems } : {}),
        },
      };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && CLIENT_ERROR_CODES.has(code)) {
      return {
        message: formatted.message,
        ...(formatted.locations ? { locations: formatted.locations } : {}),
        extensions: { code: 'BAD_USER_INPUT', reason: formatted.extensions?.reason ?? code },
      };
    }
    // graphql-js reports bad variables as plain GraphQLErrors outside any resolver
    // (no path); Apollo 5 labels them INTERNAL_SERVER_ERROR, but they are the
    // caller's mistake.
    if (
      original instanceof GraphQLError &&
      !formatted.path &&
      original.message.startsWith('Variable "$')
    ) {
      return {
        message: formatted.message,
        ...(formatted.locations ? { locations: formatted.locations } : {}),
        extensions: { code: 'BAD_USER_INPUT', reason: 'INVALID_VARIABLES' },
      };
    }
    if (
      original instanceof GraphQLError &&
      typeof original.extensions?.code === 'string' &&
      original.extensions.code !== 'INTERNAL_SERVER_ERROR'
    ) {
      return {
        message: formatted.message,
        ...path,
        extensions: { code: original.extensions.code },
      };
    }
    log.error(
      {
        err:
          original instanceof Error
            ? { name: original.name, message: original.message, stack: original.stack }
            : String(original),
      },
      'unexpected error in GraphQL operation',
    );
    return {
      message:
        'Internal error. It has been logged; quote the x-request-id header when reporting it.',
      ...path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
