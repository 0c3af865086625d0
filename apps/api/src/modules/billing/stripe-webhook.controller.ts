import {
  Controller,
  Headers,
  HttpCode,
  Inject,
  Post,
  Req,
  type RawBodyRequest,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AftaleError } from '@aftale/domain';
import {
  Database,
  QUEUES,
  enqueueJob,
  subscriptionIdFromEvent,
  verifyStripeWebhook,
  type AppConfig,
  type Billing,
} from '@aftale/server';
import { Public } from '../../common/request-auth';
import { APP_CONFIG, BILLING } from '../../common/tokens';

/**
 * Stripe's webhook endpoint. Verified on the raw body; each event id is recorded once
 * and, in the same transaction, a job is queued that re-fetches the subscription from
 * Stripe. Answers fast so Stripe does not retry; replays are acknowledged and ignored.
 */
@Controller('webhooks')
export class StripeWebhookController {
  constructor(
    private readonly db: Database,
    @Inject(BILLING) private readonly billing: Billing,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @Post('stripe')
  @HttpCode(200)
  async receive(
    @Req() req: RawBodyRequest<FastifyRequest>,
    @Headers('stripe-signature') signature: string | undefined,
  ): Promise<{ received: true; duplicate: boolean }> {
    if (!this.billing.stripe || !this.config.stripe) {
      throw new AftaleError('NOT_FOUND', 'Stripe billing is not configured on this server.');
    }
    const event = verifyStripeWebhook(
      this.billing.stripe,
      req.rawBody ?? '',
      signature,
      this.config.stripe.webhookSecret,
    );
    const subscriptionRef = subscriptionIdFromEvent(event);
    const duplicate = await this.db.inPlatform(async (em) => {
      const inserted: unknown[] = await em.query(
        `INSERT INTO billing_events (provider, event_id, event_type) VALUES ('stripe', $1, $2)
         ON CONFLICT DO NOTHING RETURNING event_id`,
        [event.id, event.type],
      );
      if (inserted.length === 0) return true;
      const object = event.data.object as { id?: string; mode?: string; customer?: unknown };
      if (
        event.type === 'checkout.session.completed' &&
        object.mode === 'setup' &&
        typeof object.customer === 'string'
      ) {
        await enqueueJob(em, null, {
          queue: QUEUES.stripeEvent,
          payload: {
            eventId: event.id,
            checkoutSessionId: object.id ?? '',
            customerRef: object.customer,
          },
        });
      } else if (subscriptionRef) {
        await enqueueJob(em, null, {
          queue: QUEUES.stripeEvent,
          payload: { eventId: event.id, subscriptionRef },
        });
      }
      return false;
    });
    return { received: true, duplicate };
  }
}
