import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import { Database, type TenantContext } from '../tenancy/database';

/**
 * A job queue kept in PostgreSQL (table job_queue). Enqueueing takes the caller's
 * EntityManager, so a job commits or rolls back with the business write that caused it.
 * Delivery is at-least-once: handlers must be idempotent.
 */
export interface EnqueueOptions {
  queue: string;
  /** Ids only, never personal data: payloads are visible to operators. */
  payload?: Record<string, unknown>;
  maxAttempts?: number;
  runAt?: Date;
  /** At most one queued or running job per (queue, singletonKey). */
  singletonKey?: string;
}

export async function enqueueJob(
  em: EntityManager,
  tenant: TenantContext | null,
  options: EnqueueOptions,
): Promise<string | null> {
  const rows: Array<{ id: string }> = await em.query(
    `INSERT INTO job_queue (queue, tenant_id, payload, max_attempts, run_at, singleton_key)
     VALUES ($1, $2, $3, $4, coalesce($5, now()), $6)
     ON CONFLICT (queue, singleton_key)
       WHERE singleton_key IS NOT NULL AND state IN ('queued', 'running') DO NOTHING
     RETURNING id`,
    [
      options.queue,
      tenant?.tenantId ?? null,
      JSON.stringify(options.payload ?? {}),
      options.maxAttempts ?? 5,
      options.runAt ?? null,
      options.singletonKey ?? null,
    ],
  );
  return rows[0]?.id ?? null;
}

export interface ClaimedJob {
  id: string;
  queue: string;
  tenantId: string | null;
  payload: Record<string, unknown>;
  attempts: number;
  maxAttempts: number;
}

export interface JobContext {
  db: Database;
  /** The job's tenant, or null for platform jobs. */
  tenant: TenantContext | null;
  log: Logger;
}

export type JobHandler = (job: ClaimedJob, ctx: JobContext) => Promise<void>;

export interface WorkerOptions {
  concurrency: number;
  pollMs: number;
  /** Seconds a claimed job stays locked; a worker that dies loses it after this. */
  lockSeconds?: number;
  /** Retry delay for attempt n: min(base * 2^(n-1), 1 h). */
  retryBaseSeconds?: number;
}

export function retryDelaySeconds(attempt: number, baseSeconds: number): number {
  return Math.min(baseSeconds * 2 ** Math.max(0, attempt - 1), 3600);
}

export class JobWorker {
  readonly workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private running = new Set<Promise<void>>();
  private stopped = true;
  private listener: Client | null = null;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly db: Database,
    private readonly listenUrl: string,
    private readonly handlers: Record<string, JobHandler>,
    private readonly options: WorkerOptions,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    // LISTEN wakes us as soon as a job commits; polling covers missed notifications
    // and delayed retries.
    this.listener = new Client({
      connectionString: this.listenUrl,
      application_name: 'aftale-worker-listen',
    });
    this.listener.on('error', (error) =>
      this.log.warn({ err: error.message }, 'job listener connection error'),
    );
    await this.listener.connect();
    this.listener.on('notification', (msg) => {
      if (msg.payload && this.handlers[msg.payload]) this.wake?.();
    });
    await this.listener.query('LISTEN aftale_jobs');
    this.loop = this.run();
    this.log.info(
      { workerId: this.workerId, queues: Object.keys(this.handlers) },
      'worker started',
    );
  }

  /** Stops claiming, lets running jobs finish, then closes the listener. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    await Promise.allSettled([...this.running]);
    await this.listener?.end().catch(() => undefined);
    this.listener = null;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const free = this.options.concurrency - this.running.size;
      let claimed = 0;
      if (free > 0) {
        try {
          const jobs = await this.claim(free);
          claimed = jobs.length;
          for (const job of jobs) this.track(this.execute(job));
        } catch (error) {
          this.log.error({ err: (error as Error).message }, 'claiming jobs failed');
        }
      }
      if (this.stopped) break;
      if (claimed === 0 || free - claimed <= 0) await this.sleep(this.options.pollMs);
    }
  }

  private track(p: Promise<void>): void {
    this.running.add(p);
    void p.finally(() => {
      this.running.delete(p);
      this.wake?.();
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }

  private async claim(limit: number): Promise<ClaimedJob[]> {
    const rows: Array<{
      id: string;
      queue: string;
      tenant_id: string | null;
      payload: Record<string, unknown>;
      attempts: number;
      max_attempts: number;
    }> = await this.db.inPlatform((em) =>
      em.query('SELECT * FROM aftale_claim_jobs($1, $2, $3, $4)', [
        Object.keys(this.handlers),
        this.workerId,
        limit,
        this.options.lockSeconds ?? 300,
      ]),
    );
    return rows.map((r) => ({
      id: String(r.id),
      queue: r.queue,
      tenantId: r.tenant_id,
      payload: r.payload,
      attempts: r.attempts,
      maxAttempts: r.max_attempts,
    }));
  }

  private async execute(job: ClaimedJob): Promise<void> {
    const handler = this.handlers[job.queue];
    const log = this.log.child({ jobId: job.id, queue: job.queue, attempt: job.attempts });
    let error: string | null = null;
    try {
      if (!handler) throw new Error(`no handler for queue ${job.queue}`);
      await handler(job, {
        db: this.db,
        tenant: job.tenantId ? { tenantId: job.tenantId } : null,
        log,
      });
    } catch (e) {
      error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    }
    const delay = retryDelaySeconds(job.attempts, this.options.retryBaseSeconds ?? 5);
    try {
      const rows: Array<{ state: string | null }> = await this.db.inPlatform((em) =>
        em.query('SELECT aftale_finish_job($1, $2, $3, $4) AS state', [
          job.id,
          this.workerId,
          error,
          delay,
        ]),
      );
      const state = rows[0]?.state;
      if (error)
        log.warn(
          { err: error, state },
          state === 'dead' ? 'job dead-lettered' : 'job failed, will retry',
        );
      else log.info({ state }, 'job done');
    } catch (e) {
      log.error(
        { err: (e as Error).message },
        'recording job outcome failed; the lock will expire and the job rerun',
      );
    }
  }
}
