import { Catch, type ArgumentsHost } from '@nestjs/common';
import type { GqlExceptionFilter } from '@nestjs/graphql';

/**
 * Hands errors to Apollo's formatError untouched: Nest would otherwise log expected
 * errors (a bad key, a refused input) as crashes. formatError types and redacts them.
 */
@Catch()
export class GraphQLPassthroughFilter implements GqlExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<string>() !== 'graphql') throw exception;
    return exception;
  }
}
