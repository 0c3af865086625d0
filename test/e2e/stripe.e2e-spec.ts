import { Client } from 'pg';
import pino from 'pino';
import {
  JobWorker,
  createServices,
  seedDemo,
  stripeEventJob,
  QUEUES,
  type AppConfig,
  type Services,
} from '@aftale/server';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { startApi, type RunningApi } from '../support/api-harness';
import { StripeStandIn } from '../support/stripe-stand-in';

const WEBHOOK_SECRET = 'whsec_e2eTestSecret123';

describe('billing through Stripe (real SDK, local stand-in), over HTTP', () => {
  let db: TestDatabase;
  let stripe: StripeStandIn;
  let services: Services;
  let api: RunningApi;
  let worker: JobWorker;
  let owner: Client;
  let sk: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    stripe = await StripeStandIn.start();
    const config: AppConfig = {
      ...db.config,
      stripe: { secretKey: 'sk_test_aftaleE2E', webhookSecret: WEBHOOK_SECRET, apiUrl: stripe.url },
    };
    services = await createServices(db.appUrl, config, 'stripe-e2e');
    api = await startApi(config, services);
    worker = new JobWorker(
      services.db,
      db.appUrl,
      { [QUEUES.stripeEvent]: stripeEventJob(services.subscriptions) },
      { concurrency: 1, pollMs: 50 },
      pino({ level: 'silent' }),
    );
    await worker.start();
    owner = new Client({ connectionString: db.ownerUrl });
    await owner.connect();
    const seeded = await seedDemo(services.tenants, services.plans, services.documents);
    if (!seeded.created) throw new Error('expected a fresh demo tenant');
    sk = seeded.secretKey;
  });
  afterAll(async () => {
    await worker?.stop();
    await api?.close();
    await services?.close();
    await stripe?.close();
    await owner?.end();
    await db?.drop();
  });

  const until = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 200; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('timed out');
  };
  const createSubscription = (key: string) =>
    api.gql(
      `mutation($input: CreateSubscriptionInput!) { createSubscription(input: $input) { id provider status trialEndsAt quote { totalInclVat } } }`,
      {
        key: sk,
        variables: {
          input: {
            planCode: 'standard',
            users: 12,
            period: 'month',
            idempotencyKey: key,
            customer: {
              companyName: 'Min Dag Min Energi ApS',
              cvr: '45629627',
              email: 'it@mindag.dk',
            },
          },
        },
      },
    );

  it('signs a customer up on Stripe: synced tiered price, customer with CVR, trialing subscription', async () => {
    const res = await createSubscription('stripe-checkout-1');
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.createSubscription).toMatchObject({
      provider: 'stripe',
      status: 'trialing',
      quote: { totalInclVat: 50500 },
    });
    const paths = stripe.requests.map((r) => `${r.method} ${r.path}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        'POST /v1/products',
        'POST /v1/prices',
        'POST /v1/customers',
        'POST /v1/subscriptions',
      ]),
    );
    const customer = stripe.requests.find((r) => r.path === '/v1/customers')!;
    expect(JSON.stringify(customer.params)).toContain('DK45629627');
    const row = (
      await owner.query(
        `SELECT provider_subscription_ref FROM subscriptions WHERE idempotency_key = 'stripe-checkout-1'`,
      )
    ).rows[0];
    expect(row.provider_subscription_ref).toMatch(/^sub_/);
  });

  it('mirrors Stripe state from a signed webhook, once per event, re-fetched not trusted', async () => {
    const created = await createSubscription('stripe-checkout-2');
    const id = created.body.data?.createSubscription.id;
    const ref = (
      await owner.query('SELECT provider_subscription_ref AS r FROM subscriptions WHERE id = $1', [
        id,
      ])
    ).rows[0].r;
    const event = stripe.endTrial(ref); // no card: trial_settings pause it
    const delivered = await stripe.deliverWebhook(
      `${api.url}/webhooks/stripe`,
      event,
      WEBHOOK_SECRET,
    );
    expect(delivered.status).toBe(200);
    expect(JSON.parse(delivered.body)).toEqual({ received: true, duplicate: false });
    const status = async () =>
      (
        await api.gql('query($id: ID!) { subscription(id: $id) { status } }', {
          key: sk,
          variables: { id },
        })
      ).body.data?.subscription.status;
    await until(async () => (await status()) === 'paused');

    const replay = await stripe.deliverWebhook(`${api.url}/webhooks/stripe`, event, WEBHOOK_SECRET);
    expect(JSON.parse(replay.body)).toEqual({ received: true, duplicate: true });
    const jobs = await owner.query(
      `SELECT count(*)::int AS n FROM job_queue WHERE queue = $1 AND payload->>'eventId' = $2`,
      [QUEUES.stripeEvent, event.id],
    );
    expect(jobs.rows[0].n).toBe(1);

    // An older event arriving late cannot roll the state back: the job re-fetches from Stripe.
    const stale = {
      ...event,
      id: `${event.id}_older`,
      data: { object: { ...(event.data as { object: object }).object, status: 'trialing' } },
    };
    await stripe.deliverWebhook(`${api.url}/webhooks/stripe`, stale, WEBHOOK_SECRET);
    await until(
      async () =>
        (
          await owner.query(
            `SELECT count(*)::int AS n FROM job_queue WHERE payload->>'eventId' = $1 AND state = 'done'`,
            [stale.id],
          )
        ).rows[0].n === 1,
    );
    expect(await status()).toBe('paused');
  });

  it('refuses tampered, stale and unsigned webhooks with typed errors, recording nothing', async () => {
    const event = stripe.events[stripe.events.length - 1]!;
    const before = (await owner.query('SELECT count(*)::int AS n FROM billing_events')).rows[0].n;
    const target = `${api.url}/webhooks/stripe`;
    const fresh = { ...event, id: 'evt_never_seen_1' };
    const tampered = await stripe.deliverWebhook(target, fresh, WEBHOOK_SECRET, { tamper: true });
    expect(tampered.status).toBe(401);
    expect(JSON.parse(tampered.body).error.code).toBe('UNAUTHENTICATED');
    const stale = await stripe.deliverWebhook(target, fresh, WEBHOOK_SECRET, {
      timestamp: Math.floor(Date.now() / 1000) - 301,
    });
    expect(stale.status).toBe(401);
    expect(JSON.parse(stale.body).error.message).toMatch(/300 s old/);
    const unsigned = await stripe.deliverWebhook(target, fresh, WEBHOOK_SECRET, {
      omitSignature: true,
    });
    expect(unsigned.status).toBe(401);
    const wrongSecret = await stripe.deliverWebhook(target, fresh, 'whsec_notTheSecret');
    expect(wrongSecret.status).toBe(401);
    expect((await owner.query('SELECT count(*)::int AS n FROM billing_events')).rows[0].n).toBe(
      before,
    );
    for (const r of [tampered, stale, unsigned, wrongSecret])
      expect(r.body).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });

  it('adds a card through a setup Checkout and resumes the paused subscription', async () => {
    const created = await createSubscription('stripe-checkout-3');
    const id = created.body.data?.createSubscription.id;
    const ref = (
      await owner.query('SELECT provider_subscription_ref AS r FROM subscriptions WHERE id = $1', [
        id,
      ])
    ).rows[0].r;
    await stripe.deliverWebhook(`${api.url}/webhooks/stripe`, stripe.endTrial(ref), WEBHOOK_SECRET);
    const status = async () =>
      (
        await api.gql('query($id: ID!) { subscription(id: $id) { status } }', {
          key: sk,
          variables: { id },
        })
      ).body.data?.subscription.status;
    await until(async () => (await status()) === 'paused');

    const setup = await api.gql(
      'mutation($id: ID!) { createPaymentSetupUrl(id: $id, successUrl: "https://shop.example.dk/tak", cancelUrl: "https://shop.example.dk/kurv") }',
      {
        key: sk,
        variables: { id },
      },
    );
    expect(setup.body.errors).toBeUndefined();
    const url: string = setup.body.data?.createPaymentSetupUrl;
    expect(url).toMatch(/^https:\/\//);
    const session = stripe.requests.filter((r) => r.path === '/v1/checkout/sessions').pop()!;
    expect(session.params).toMatchObject({ mode: 'setup' });
    const checkoutId = url.match(/cs_[A-Za-z0-9_]+/)?.[0];
    expect(checkoutId).toBeDefined();
    const completed = stripe.completeCheckoutSession(checkoutId!);
    const delivered = await stripe.deliverWebhook(
      `${api.url}/webhooks/stripe`,
      completed,
      WEBHOOK_SECRET,
    );
    expect(delivered.status).toBe(200);
    await until(async () => (await status()) === 'active');
  });

  it('has no card to add for an invoiced subscription', async () => {
    const res = await api.gql(
      'mutation { createPaymentSetupUrl(id: "00000000-0000-4000-8000-000000000000", successUrl: "https://a.dk", cancelUrl: "ftp://x") }',
      { key: sk },
    );
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'cancelUrl',
    });
  });
});
