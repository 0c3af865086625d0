import { Client } from 'pg';
import pino from 'pino';
import {
  JobWorker,
  enqueueJob,
  retryDelaySeconds,
  type ClaimedJob,
  type JobHandler,
  type Services,
} from '@aftale/server';
import {
  createTestDatabase,
  createTestServices,
  type TestDatabase,
} from '../support/test-database';

const silent = pino({ level: 'silent' });

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not reached in time');
}

describe('PostgreSQL job queue', () => {
  let db: TestDatabase;
  let services: Services;
  let owner: Client;
  const workers: JobWorker[] = [];

  const startWorker = async (handlers: Record<string, JobHandler>, concurrency = 2) => {
    const w = new JobWorker(
      services.db,
      db.appUrl,
      handlers,
      { concurrency, pollMs: 100, retryBaseSeconds: 0 },
      silent,
    );
    workers.push(w);
    await w.start();
    return w;
  };
  const jobState = async (id: string) =>
    (await owner.query('SELECT state, attempts, last_error FROM job_queue WHERE id = $1', [id]))
      .rows[0];

  beforeAll(async () => {
    db = await createTestDatabase();
    services = await createTestServices(db);
    owner = new Client({ connectionString: db.ownerUrl });
    await owner.connect();
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
  });
  afterAll(async () => {
    await services?.close();
    await owner?.end();
    await db?.drop();
  });

  it('enqueues with the business write: a rolled-back transaction leaves no job', async () => {
    const t = await services.tenants.create(
      { name: 'Rollback', slug: 'rollback' },
      { type: 'cli' },
    );
    await expect(
      services.db.inTenant({ tenantId: t.tenant.id }, async (em) => {
        await enqueueJob(em, { tenantId: t.tenant.id }, { queue: 'test.rollback' });
        throw new Error('business write failed');
      }),
    ).rejects.toThrow('business write failed');
    const { rows } = await owner.query(
      `SELECT count(*)::int AS n FROM job_queue WHERE queue = 'test.rollback'`,
    );
    expect(rows[0].n).toBe(0);
  });

  it("runs a tenant's job inside that tenant, seeing only its rows", async () => {
    const a = await services.tenants.create({ name: 'Job A', slug: 'job-a' }, { type: 'cli' });
    await services.tenants.create({ name: 'Job B', slug: 'job-b' }, { type: 'cli' });
    const seen: string[][] = [];
    const id = await services.db.inTenant({ tenantId: a.tenant.id }, (em) =>
      enqueueJob(em, { tenantId: a.tenant.id }, { queue: 'test.tenant', payload: { n: 1 } }),
    );
    await startWorker({
      'test.tenant': async (job, ctx) => {
        const rows: Array<{ slug: string }> = await ctx.db.inTenant(ctx.tenant!, (em) =>
          em.query('SELECT slug FROM tenants'),
        );
        seen.push(rows.map((r) => r.slug));
        expect(job.payload).toEqual({ n: 1 });
      },
    });
    await until(async () => (await jobState(id!)).state === 'done');
    expect(seen).toEqual([['job-a']]);
  });

  it("hides one tenant's jobs from another", async () => {
    const a = await services.tenants.create(
      { name: 'Hidden A', slug: 'hidden-a' },
      { type: 'cli' },
    );
    const b = await services.tenants.create(
      { name: 'Hidden B', slug: 'hidden-b' },
      { type: 'cli' },
    );
    await services.db.inTenant({ tenantId: a.tenant.id }, (em) =>
      enqueueJob(em, { tenantId: a.tenant.id }, { queue: 'test.hidden' }),
    );
    const seenByB = await services.db.inTenant({ tenantId: b.tenant.id }, (em) =>
      em.query(`SELECT id FROM job_queue WHERE queue = 'test.hidden'`),
    );
    expect(seenByB).toEqual([]);
  });

  it('retries a failing job and dead-letters it after its last attempt', async () => {
    let calls = 0;
    const id = await services.db.inPlatform((em) =>
      enqueueJob(em, null, { queue: 'test.fail', maxAttempts: 3 }),
    );
    await startWorker({
      'test.fail': async () => {
        calls++;
        throw new Error(`boom ${calls}`);
      },
    });
    await until(async () => (await jobState(id!)).state === 'dead');
    expect(calls).toBe(3);
    expect(await jobState(id!)).toMatchObject({
      state: 'dead',
      attempts: 3,
      last_error: 'Error: boom 3',
    });
  });

  it('succeeds on a retry after a transient failure', async () => {
    let calls = 0;
    const id = await services.db.inPlatform((em) =>
      enqueueJob(em, null, { queue: 'test.flaky', maxAttempts: 5 }),
    );
    await startWorker({
      'test.flaky': async () => {
        if (++calls < 2) throw new Error('transient');
      },
    });
    await until(async () => (await jobState(id!)).state === 'done');
    expect(await jobState(id!)).toMatchObject({ state: 'done', attempts: 2 });
  });

  it('runs each job exactly once across two competing workers', async () => {
    const runs = new Map<string, number>();
    const handler: JobHandler = async (job: ClaimedJob) => {
      runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 5));
    };
    await startWorker({ 'test.many': handler }, 3);
    await startWorker({ 'test.many': handler }, 3);
    const ids = await services.db.inPlatform(async (em) => {
      const out: string[] = [];
      for (let i = 0; i < 60; i++) out.push((await enqueueJob(em, null, { queue: 'test.many' }))!);
      return out;
    });
    await until(
      async () =>
        (
          await owner.query(
            `SELECT count(*)::int AS n FROM job_queue WHERE queue = 'test.many' AND state = 'done'`,
          )
        ).rows[0].n === 60,
    );
    expect([...runs.keys()].sort()).toEqual([...ids].sort());
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
  });

  it('keeps at most one pending job per singleton key', async () => {
    const first = await services.db.inPlatform((em) =>
      enqueueJob(em, null, { queue: 'test.single', singletonKey: 'k' }),
    );
    const second = await services.db.inPlatform((em) =>
      enqueueJob(em, null, { queue: 'test.single', singletonKey: 'k' }),
    );
    expect(first).not.toBeNull();
    expect(second).toBeNull();
  });

  it('backs off exponentially, capped at an hour', () => {
    expect([1, 2, 3, 4].map((n) => retryDelaySeconds(n, 5))).toEqual([5, 10, 20, 40]);
    expect(retryDelaySeconds(30, 5)).toBe(3600);
  });
});
