import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AftaleError } from '@aftale/domain';
import { ApiKeyService, RateLimiter, type AppConfig, type TenantContext } from '@aftale/server';
import { APP_CONFIG } from '../../common/tokens';

/** The request's page origin: Origin, or the origin of the Referer for same-origin GETs. */
export function pageOrigin(req: FastifyRequest): string | null {
  const origin = req.headers.origin;
  if (typeof origin === 'string' && origin !== 'null') return origin;
  const referer = req.headers.referer;
  if (typeof referer === 'string') {
    try {
      return new URL(referer).origin;
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * The widget's gate: a publishable key (`?key=pk_…`), a page origin among the tenant's
 * allowed origins, and the shared per-IP rate limit. Resolves the tenant once.
 */
@Injectable()
export class WidgetAccess {
  constructor(
    private readonly keys: ApiKeyService,
    private readonly limiter: RateLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async resolve(
    req: FastifyRequest,
  ): Promise<{ tenant: TenantContext; origin: string; keyId: string }> {
    const decision = await this.limiter.consume(
      `ip:${req.ip}`,
      this.config.rateLimit.perIpPerMinute,
      60,
    );
    if (!decision.allowed)
      throw new AftaleError(
        'RATE_LIMITED',
        `Too many requests; retry in ${decision.resetSeconds} s.`,
      );
    const key = (req.query as Record<string, unknown> | undefined)?.['key'];
    if (typeof key !== 'string' || key.length === 0) {
      throw new AftaleError(
        'UNAUTHENTICATED',
        'Add your publishable key: data-publishable-key="pk_live_…" (sent as ?key=).',
      );
    }
    const auth = await this.keys.authenticate(key);
    if (auth.kind !== 'publishable') {
      throw new AftaleError(
        'FORBIDDEN',
        'Never put a secret key (sk_…) in a web page: use your publishable key (pk_…). Revoke the exposed secret key now.',
      );
    }
    const tenant = { tenantId: auth.tenantId };
    const origin = pageOrigin(req);
    if (!origin || !auth.allowedOrigins.includes(origin)) {
      throw new AftaleError(
        'FORBIDDEN',
        `The page origin ${origin ?? '(none)'} is not among the vendor's allowed widget origins.`,
        [
          {
            field: 'Origin',
            message: 'not allowed',
            hint: 'add it with updateTenant(input: { allowedOrigins })',
          },
        ],
      );
    }
    return { tenant, origin, keyId: auth.keyId };
  }
}
