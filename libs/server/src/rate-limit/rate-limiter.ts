import { createHash } from 'node:crypto';
import { Database } from '../tenancy/database';

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the current window ends. */
  resetSeconds: number;
}

/**
 * Fixed-window counters kept in PostgreSQL, so every API replica shares them (the
 * embedded default has no Redis). One upsert per check; old windows are pruned by a job.
 */
export class RateLimiter {
  constructor(private readonly db: Database) {}

  async consume(subject: string, limit: number, windowSeconds = 60): Promise<RateLimitDecision> {
    // Subjects may be IP addresses: store only a hash.
    const bucket = createHash('sha256').update(subject).digest('base64url').slice(0, 32);
    const rows: Array<{ hits: number; reset: number }> = await this.db.platformQuery(
      `INSERT INTO rate_limit_counters AS c (bucket, window_start, hits)
       VALUES ($1, to_timestamp(floor(extract(epoch FROM now()) / $2) * $2), 1)
       ON CONFLICT (bucket, window_start) DO UPDATE SET hits = c.hits + 1
       RETURNING c.hits,
         ceil(extract(epoch FROM c.window_start) + $2 - extract(epoch FROM now()))::int AS reset`,
      [bucket, windowSeconds],
    );
    const row = rows[0] ?? { hits: 1, reset: windowSeconds };
    return {
      allowed: row.hits <= limit,
      limit,
      remaining: Math.max(0, limit - row.hits),
      resetSeconds: Math.max(1, row.reset),
    };
  }

  /** Deletes windows older than the longest window in use. */
  async prune(olderThanSeconds = 600): Promise<number> {
    const result: [unknown[], number] = await this.db.inPlatform((em) =>
      em.query(
        `DELETE FROM rate_limit_counters WHERE window_start < now() - make_interval(secs => $1)`,
        [olderThanSeconds],
      ),
    );
    return result[1];
  }
}
