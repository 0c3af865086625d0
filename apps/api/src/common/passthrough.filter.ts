import { Catch, HttpException, type ArgumentsHost } from '@nestjs/common';
import type { GqlExceptionFilter } from '@nestjs/graphql';
import type { FastifyReply } from 'fastify';
import { isAftaleError, type ErrorCode } from '@aftale/domain';

const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  BUSY: 503,
};

/**
 * GraphQL: hands errors to Apollo's formatError untouched (Nest would otherwise log
 * expected errors such as a bad key as crashes). HTTP routes (health, webhooks): typed
 * JSON errors with the matching status, never a stack trace.
 */
@Catch()
export class GraphQLPassthroughFilter implements GqlExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<string>() === 'graphql') return exception;
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (isAftaleError(exception)) {
      return reply.status(HTTP_STATUS[exception.code]).send({
        error: { code: exception.code, message: exception.message, problems: exception.problems },
      });
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return reply.status(status).send({
        error: {
          code: status === 404 ? 'NOT_FOUND' : 'BAD_USER_INPUT',
          message: exception.message,
        },
      });
    }
    reply.log.error(
      {
        err:
          exception instanceof Error
            ? { name: exception.name, message: exception.message, stack: exception.stack }
            : String(exception),
      },
      'unexpected error',
    );
    return reply.status(500).send({
      error: {
        code: 'INTERNAL_SERVER_ERROR',
        message: 'Internal error. Quote the x-request-id header when reporting it.',
      },
    });
  }
}
