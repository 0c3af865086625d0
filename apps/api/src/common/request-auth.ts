import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import type { AuthenticatedKey, TenantContext } from '@aftale/server';
import type { Actor } from '@aftale/server';

export const IS_PUBLIC = 'aftale:public';
export const ALLOW_PUBLISHABLE = 'aftale:allow-publishable';

/** No API key needed (health checks). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
/** Part of the widget's public surface: a publishable key is enough. */
export const AllowPublishableKey = () => SetMetadata(ALLOW_PUBLISHABLE, true);

export interface AuthedRequest extends FastifyRequest {
  auth?: AuthenticatedKey;
}

export function requestOf(context: ExecutionContext): AuthedRequest {
  if (context.getType<string>() === 'graphql') {
    return GqlExecutionContext.create(context).getContext<{ req: AuthedRequest }>().req;
  }
  return context.switchToHttp().getRequest<AuthedRequest>();
}

export interface RequestScope {
  tenant: TenantContext;
  actor: Actor;
  requestId: string;
  auth: AuthenticatedKey;
  origin: string | undefined;
}

/** The tenant, resolved once by the guard and passed explicitly to every service call. */
export const Scope = createParamDecorator((_: unknown, context: ExecutionContext): RequestScope => {
  const req = requestOf(context);
  if (!req.auth) throw new Error('Scope used on a route without authentication');
  const origin = req.headers.origin;
  return {
    tenant: { tenantId: req.auth.tenantId },
    actor: { type: 'api-key', keyId: req.auth.keyId },
    requestId: String(req.id),
    auth: req.auth,
    origin: typeof origin === 'string' ? origin : undefined,
  };
});
