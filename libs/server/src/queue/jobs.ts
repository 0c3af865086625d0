import type { JobHandler } from './job-queue';
import { RateLimiter } from '../rate-limit/rate-limiter';

/** Queue names. Later issues add PDF sealing, webhooks and e-mail here. */
export const QUEUES = {
  pruneRateLimits: 'maintenance.prune-rate-limits',
} as const;

/** Deletes rate-limit windows nobody reads any more. Idempotent. */
export const pruneRateLimitsJob: JobHandler = async (_job, { db, log }) => {
  const deleted = await new RateLimiter(db).prune(600);
  log.info({ deleted }, 'pruned rate-limit windows');
};
