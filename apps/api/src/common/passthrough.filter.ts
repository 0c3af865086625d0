import { Catch, type ArgumentsHost } from '@nestjs/common';
import type { GqlExceptionFilter } from '@nestjs/graphql';
import { GraphQLError } from 'graphql';
import { isAftaleError } from '@aftale/domain';
import { httpStatusFor } from './graphql-errors';

/**
 * Hands errors to Apollo's formatError untouched (Nest would otherwise log expected
 * errors such as a bad key as crashes). Rate limits also set the HTTP status.
 */
@Catch()
export class GraphQLPassthroughFilter implements GqlExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<string>() !== 'graphql') throw exception;
    if (isAftaleError(exception)) {
      const status = httpStatusFor(exception.code);
      if (status) {
        return new GraphQLError(exception.message, {
          originalError: exception,
          extensions: { code: exception.code, http: { status } },
        });
      }
    }
    return exception;
  }
}
