import type { JobHandler } from './job-queue';
import { RateLimiter } from '../rate-limit/rate-limiter';
import type { SubscriptionService } from '../subscriptions/subscription.service';

/** Queue names. Later issues add PDF sealing, webhooks and e-mail here. */
export const QUEUES = {
  pruneRateLimits: 'maintenance.prune-rate-limits',
  advanceInvoicePeriods: 'billing.advance-invoice-periods',
} as const;

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
