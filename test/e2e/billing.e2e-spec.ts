import { seedDemo, type Services } from '@aftale/server';
import {
  createTestDatabase,
  createTestServices,
  type TestDatabase,
} from '../support/test-database';
import { startApi, type RunningApi } from '../support/api-harness';

describe('plans, quotes and subscriptions over GraphQL', () => {
  let db: TestDatabase;
  let services: Services;
  let api: RunningApi;
  let sk: string;
  let pk: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    services = await createTestServices(db);
    api = await startApi(db.config, services);
    const seeded = await seedDemo(services.tenants, services.plans, services.documents);
    if (!seeded.created) throw new Error('expected a fresh demo tenant');
    sk = seeded.secretKey;
    pk = seeded.publishableKey;
  });
  afterAll(async () => {
    await api?.close();
    await services?.close();
    await db?.drop();
  });

  it('shows the widget the plans and live quotes with a publishable key', async () => {
    const res = await api.gql(
      '{ plans { code name modules baseAmount tiers { upTo unitAmount } trialDays } quote(planCode: "standard", users: 40) { totalInclVat vat lines { kind quantity amount } } }',
      {
        key: pk,
        headers: { origin: 'http://localhost:3000' },
      },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.plans.map((p: { code: string }) => p.code)).toEqual([
      'essentiel',
      'premium',
      'standard',
    ]);
    const standard = res.body.data?.plans.find((p: { code: string }) => p.code === 'standard');
    expect(standard).toMatchObject({
      baseAmount: 8500,
      tiers: [
        { upTo: 30, unitAmount: 3500 },
        { upTo: null, unitAmount: 1000 },
      ],
    });
    expect(standard.modules).toHaveLength(15);
    expect(res.body.data?.quote).toMatchObject({ totalInclVat: 123500, vat: 24700 });
  });

  it('keeps plan changes and subscriptions to the secret key', async () => {
    const res = await api.gql('mutation { archivePlan(code: "standard") { code } }', { key: pk });
    expect(res.body.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });

  it('refuses a bad plan with the field named', async () => {
    const res = await api.gql(
      'mutation { createPlan(input: { code: "x", name: "X", pricesIncludeVat: true, baseAmount: -5, tiers: [{ upTo: 10, unitAmount: 100 }, { upTo: 5, unitAmount: 50 }] }) { id } }',
      { key: sk },
    );
    expect(res.body.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    const fields = res.body.errors?.[0]?.extensions.problems?.map((p) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['input.baseAmount', 'input.tiers.1.upTo']));
    const plans = await api.gql('{ plans { code } }', { key: sk });
    expect(plans.body.data?.plans).toHaveLength(3);
  });

  it('creates a subscription on the trial, idempotently, and cancels it at period end', async () => {
    const mutation = `mutation($input: CreateSubscriptionInput!) { createSubscription(input: $input) { id status trialEndsAt quote { totalInclVat } accessEndsAt } }`;
    const input = {
      planCode: 'premium',
      users: 31,
      period: 'month',
      idempotencyKey: 'e2e-checkout-42',
      customer: { companyName: 'Min Dag Min Energi ApS', cvr: '45629627', email: 'it@mindag.dk' },
    };
    const first = await api.gql(mutation, { key: sk, variables: { input } });
    expect(first.body.data?.createSubscription).toMatchObject({
      status: 'trialing',
      quote: { totalInclVat: 144500 },
      accessEndsAt: null,
    });
    const again = await api.gql(mutation, { key: sk, variables: { input } });
    expect(again.body.data?.createSubscription.id).toBe(first.body.data?.createSubscription.id);
    const cancelled = await api.gql(
      'mutation($id: ID!) { cancelSubscription(id: $id) { status cancelAtPeriodEnd accessEndsAt trialEndsAt } }',
      {
        key: sk,
        variables: { id: first.body.data?.createSubscription.id },
      },
    );
    const c = cancelled.body.data?.cancelSubscription;
    expect(c).toMatchObject({ status: 'trialing', cancelAtPeriodEnd: true });
    expect(c.accessEndsAt).toBe(c.trialEndsAt);
    const bad = await api.gql(mutation, {
      key: sk,
      variables: { input: { ...input, idempotencyKey: 'e2e-checkout-43', users: 0 } },
    });
    expect(bad.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.users',
    });
  });

  it('answers an id of 36 dashes with a typed error, not a database error', async () => {
    const res = await api.gql(
      '{ subscription(id: "------------------------------------") { id } }',
      { key: sk },
    );
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });
});
