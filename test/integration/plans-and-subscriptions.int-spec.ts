import { Client } from 'pg';
import { AftaleError } from '@aftale/domain';
import { INTRAS_LIKE_DEMO_PLANS } from '@aftale/pricing';
import pino from 'pino';
import { advanceInvoicePeriodsJob, seedDemo, type Services } from '@aftale/server';
import {
  createTestDatabase,
  createTestServices,
  type TestDatabase,
} from '../support/test-database';

const cli = { type: 'cli' } as const;

describe('plans and subscriptions (invoice provider)', () => {
  let db: TestDatabase;
  let services: Services;
  let owner: Client;
  let ctx: { tenantId: string };

  const counts = async () =>
    (
      await owner.query(
        `SELECT (SELECT count(*) FROM plans)::int AS plans, (SELECT count(*) FROM plan_versions)::int AS versions,
                (SELECT count(*) FROM subscriptions)::int AS subscriptions, (SELECT count(*) FROM customers)::int AS customers`,
      )
    ).rows[0];
  const customer = {
    companyName: 'Min Dag Min Energi ApS',
    cvr: '45629627',
    email: 'it@mindag.dk',
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    services = await createTestServices(db);
    owner = new Client({ connectionString: db.ownerUrl });
    await owner.connect();
    ctx = {
      tenantId: (await seedDemo(services.tenants, services.plans, services.documents)).tenantId,
    };
  });
  afterAll(async () => {
    await services?.close();
    await owner?.end();
    await db?.drop();
  });

  it('seeds the three demo plans once, with the corpus prices', async () => {
    await seedDemo(services.tenants, services.plans, services.documents);
    const plans = await services.plans.list(ctx);
    expect(plans.map((p) => p.plan.code)).toEqual(['essentiel', 'premium', 'standard']);
    expect((await services.plans.quote(ctx, 'standard', 12, 'month')).totalInclVat).toBe(50500);
    expect((await services.plans.quote(ctx, 'standard', 40, 'month')).totalInclVat).toBe(123500);
    expect((await services.plans.quote(ctx, 'premium', 31, 'month')).totalInclVat).toBe(144500);
    expect((await services.plans.quote(ctx, 'essentiel', 1, 'month')).totalInclVat).toBe(11000);
  });

  it.each([
    ['a negative price', { baseAmount: -1 }, 'input.baseAmount'],
    [
      'unordered tiers',
      {
        tiers: [
          { upTo: 30, unitAmount: 3500 },
          { upTo: 10, unitAmount: 1000 },
          { upTo: null, unitAmount: 500 },
        ],
      },
      'input.tiers.1.upTo',
    ],
    ['an unknown currency', { currency: 'XBT' }, 'input.currency'],
    ['an unknown period', { periods: [{ period: 'fortnight' }] }, 'input.periods.0.period'],
    ['a trial longer than a year', { trialDays: 400 }, 'input.trialDays'],
  ])('refuses a plan with %s, naming the field, writing nothing', async (_label, change, field) => {
    const before = await counts();
    const base = { ...INTRAS_LIKE_DEMO_PLANS[1]!, code: 'broken' };
    const error = await services.plans.create(ctx, { ...base, ...change }, cli).catch((e) => e);
    expect(error).toBeInstanceOf(AftaleError);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.problems.map((p: { field: string }) => p.field)).toContain(field);
    expect(await counts()).toEqual(before);
  });

  it('starts a subscription on the trial; a retry with the same key gives the same one', async () => {
    const now = new Date('2026-11-22T10:00:00Z');
    const input = {
      planCode: 'standard',
      users: 12,
      period: 'month',
      idempotencyKey: 'checkout-0001',
      customer,
    };
    const first = await services.subscriptions.create(ctx, input, cli, now);
    expect(first).toMatchObject({
      status: 'trialing',
      users: 12,
      provider: 'invoice',
      cancelAtPeriodEnd: false,
    });
    expect(first.trialEndsAt?.toISOString()).toBe('2026-12-22T10:00:00.000Z');
    expect(first.quote.totalInclVat).toBe(50500);
    const before = await counts();
    const again = await services.subscriptions.create(ctx, input, cli, now);
    expect(again.id).toBe(first.id);
    expect(await counts()).toEqual(before);
  });

  it.each([
    ['0 users', { users: 0 }, 'input.users'],
    ['10^9 users', { users: 1_000_000_000 }, 'input.users'],
    ['an unknown period', { period: 'week' }, 'input.period'],
    ['a bad CVR', { customer: { ...customer, cvr: '12345678' } }, 'input.customer.cvr'],
  ])('refuses a subscription with %s and writes nothing', async (_label, change, field) => {
    const before = await counts();
    const input = {
      planCode: 'standard',
      users: 5,
      period: 'month',
      idempotencyKey: 'checkout-bad-1',
      customer,
      ...change,
    };
    const error = await services.subscriptions.create(ctx, input, cli).catch((e) => e);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.problems.map((p: { field: string }) => p.field)).toContain(field);
    expect(await counts()).toEqual(before);
  });

  it('freezes a plan version once used: a price change makes a new version', async () => {
    const sub = await services.subscriptions.create(
      ctx,
      {
        planCode: 'premium',
        users: 31,
        period: 'month',
        idempotencyKey: 'checkout-0002',
        customer,
      },
      cli,
    );
    const premium = INTRAS_LIKE_DEMO_PLANS.find((p) => p.code === 'premium')!;
    const changed = await services.plans.update(
      ctx,
      'premium',
      { ...premium, baseAmount: 9500 },
      cli,
    );
    expect(changed.version.version).toBe(2);
    expect(changed.version.id).not.toBe(sub.planVersionId);
    expect((await services.plans.quote(ctx, 'premium', 31, 'month')).totalInclVat).toBe(145500);
    expect((await services.subscriptions.get(ctx, sub.id)).planVersionId).toBe(sub.planVersionId);
    await expect(
      owner.query(`UPDATE plan_versions SET definition = '{}' WHERE id = $1`, [sub.planVersionId]),
    ).rejects.toThrow(/immutable/);
  });

  it('cancels at the end of the binding period and ends access then', async () => {
    const start = new Date('2026-01-10T00:00:00Z');
    const sub = await services.subscriptions.create(
      ctx,
      {
        planCode: 'essentiel',
        users: 3,
        period: 'quarter',
        idempotencyKey: 'checkout-0003',
        customer,
      },
      cli,
      start,
    );
    // The trial ended on 9 February; the first quarter runs to 9 May.
    const cancelled = await services.subscriptions.cancel(
      ctx,
      sub.id,
      cli,
      new Date('2026-03-01T00:00:00Z'),
    );
    expect(cancelled).toMatchObject({ status: 'active', cancelAtPeriodEnd: true });
    expect(cancelled.accessEndsAt?.toISOString()).toBe('2026-05-09T00:00:00.000Z');
    await services.subscriptions.advanceInvoiceSubscriptions(ctx, new Date('2026-05-10T00:00:00Z'));
    const ended = await services.subscriptions.get(ctx, sub.id);
    expect(ended.status).toBe('canceled');
    expect(ended.accessEndsAt?.toISOString()).toBe('2026-05-09T00:00:00.000Z');
  });

  it("renews due invoice subscriptions in the worker's sweep, tenant by tenant", async () => {
    const sub = await services.subscriptions.create(
      ctx,
      {
        planCode: 'standard',
        users: 2,
        period: 'month',
        idempotencyKey: 'checkout-old-0004',
        customer,
      },
      cli,
      new Date('2020-01-01T00:00:00Z'),
    );
    expect(sub.status).toBe('trialing');
    const job = {
      id: '1',
      queue: 'billing.advance-invoice-periods',
      tenantId: null,
      payload: {},
      attempts: 1,
      maxAttempts: 3,
    };
    await advanceInvoicePeriodsJob(services.subscriptions)(job, {
      db: services.db,
      tenant: null,
      log: pino({ level: 'silent' }),
    });
    const after = await services.subscriptions.get(ctx, sub.id);
    expect(after.status).toBe('active');
    expect(after.currentPeriodEnd.getTime()).toBeGreaterThan(Date.now());
    expect(after.currentPeriodStart.getTime()).toBeLessThanOrEqual(Date.now());
  });
});
