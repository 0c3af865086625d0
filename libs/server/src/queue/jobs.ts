import type { JobHandler } from './job-queue';
import { RateLimiter } from '../rate-limit/rate-limiter';
import type { SubscriptionService } from '../subscriptions/subscription.service';
import type { EvidenceLogService } from '../evidence/evidence-log.service';
import type { WebhookService } from '../webhooks/webhook.service';

import { QUEUES } from './queues';
export { QUEUES };

/** Deletes rate-limit windows nobody reads any more. Idempotent. */
export const pruneRateLimitsJob: JobHandler = async (_job, { db, log }) => {
  const deleted = await new RateLimiter(db).prune(600);
  log.info({ deleted }, 'pruned rate-limit windows');
};

/**
 * Renews or ends invoice-provider subscriptions whose period has passed, tenant by
 * tenant (each inside its own tenant context). Idempotent: a rerun finds nothing due.
 */
export function advanceInvoicePeriodsJob(subscriptions: SubscriptionService): JobHandler {
  return async (_job, { db, log }) => {
    const rows: Array<{ tenant_id: string }> = await db.inPlatform((em) =>
      em.query('SELECT aftale_tenants_with_due_invoice_periods() AS tenant_id'),
    );
    let advanced = 0;
    for (const row of rows)
      advanced += await subscriptions.advanceInvoiceSubscriptions({ tenantId: row.tenant_id });
    log.info({ tenants: rows.length, advanced }, 'advanced invoice subscription periods');
  };
}

/**
 * Mirrors the subscription a Stripe event names. The payload carries only the ids: the
 * state is re-fetched from Stripe, so duplicates and out-of-order events converge.
 */
export function stripeEventJob(subscriptions: SubscriptionService): JobHandler {
  return async (job, { log }) => {
    const session = job.payload['checkoutSessionId'];
    const customer = job.payload['customerRef'];
    if (typeof session === 'string' && typeof customer === 'string') {
      const resumed = await subscriptions.completePaymentSetup(session, customer);
      log.info(
        { eventId: job.payload['eventId'], subscriptions: resumed },
        'card added after setup Checkout',
      );
      return;
    }
    const ref = job.payload['subscriptionRef'];
    if (typeof ref !== 'string') return;
    const mirrored = await subscriptions.refreshFromStripe(ref);
    log.info(
      { eventId: job.payload['eventId'], found: Boolean(mirrored), status: mirrored?.status },
      'mirrored Stripe subscription',
    );
  };
}

/** Integrates a tenant's new acceptances into its Merkle log and signs a tree head. */
export function evidenceSequenceJob(log: EvidenceLogService): JobHandler {
  return async (_job, { tenant, log: logger }) => {
    if (!tenant) return;
    const added = await log.sequence(tenant);
    logger.info({ added }, 'sequenced acceptances');
  };
}

/** One webhook delivery attempt; the service schedules any retry itself. */
export function webhookDeliveryJob(webhooks: WebhookService): JobHandler {
  return async (job, { tenant, log }) => {
    const id = job.payload['deliveryId'];
    if (!tenant || typeof id !== 'string') return;
    log.info(
      { deliveryId: id, outcome: await webhooks.deliver(tenant, id) },
      'webhook delivery attempt',
    );
  };
}
