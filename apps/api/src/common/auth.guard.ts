import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AftaleError } from '@aftale/domain';
import { ApiKeyService, RateLimiter, type AppConfig } from '@aftale/server';
import { ALLOW_PUBLISHABLE, IS_PUBLIC, requestOf } from './request-auth';
import { APP_CONFIG } from './tokens';

/**
 * Authenticates every request by API key (Authorization: Bearer sk_…/pk_…) and applies
 * the shared rate limits: per IP before the key is checked (so key guessing is throttled),
 * per key after.
 */
@Injectable()
export class ApiAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyService,
    private readonly limiter: RateLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = requestOf(context);
    if (req.auth) return this.authorise(req.auth.kind, targets); // a second field of one operation

    await this.limit(`ip:${req.ip}`, this.config.rateLimit.perIpPerMinute, 'this address');
    const header = req.headers.authorization;
    if (typeof header !== 'string' || !header.startsWith('Bearer ')) {
      throw new AftaleError(
        'UNAUTHENTICATED',
        'Send your API key as "Authorization: Bearer sk_live_…" (or pk_… for the widget).',
      );
    }
    const auth = await this.keys.authenticate(header.slice('Bearer '.length));
    await this.limit(`key:${auth.keyId}`, this.config.rateLimit.perKeyPerMinute, 'this API key');
    req.auth = auth;
    return this.authorise(auth.kind, targets);
  }

  private authorise(kind: string, targets: Parameters<Reflector['getAllAndOverride']>[1]): boolean {
    if (kind === 'secret') return true;
    if (this.reflector.getAllAndOverride<boolean>(ALLOW_PUBLISHABLE, targets)) return true;
    throw new AftaleError(
      'FORBIDDEN',
      'A publishable key (pk_…) only opens the widget surface; use a secret key (sk_…) from your server.',
    );
  }

  private async limit(subject: string, limit: number, what: string): Promise<void> {
    const decision = await this.limiter.consume(subject, limit, 60);
    if (!decision.allowed) {
      throw new AftaleError(
        'RATE_LIMITED',
        `Too many requests from ${what}: at most ${limit} a minute. Retry in ${decision.resetSeconds} s.`,
      );
    }
  }
}
