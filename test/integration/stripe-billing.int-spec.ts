import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import type Stripe from 'stripe';
import { AftaleError } from '@aftale/domain';
import {
  INTRAS_LIKE_DEMO_PLANS,
  PERIOD_MONTHS,
  PERIODS,
  parsePlan,
  quote,
  type PlanDefinition,
  type PrepaidPeriod,
} from '@aftale/pricing';
import type { ProviderContext, ProviderSubscription, SyncedPlan } from '@aftale/server';
import {
  StripeBillingProvider,
  StripeProviderError,
  createStripeClient,
  graduatedTotal,
  mapStripeStatus,
  stripePeriodPrice,
  subscriptionIdFromEvent,
  verifyStripeWebhook,
} from '@aftale/server';
import { StripeStandIn } from '../support/stripe-stand-in';

// The real SDK against a local stand-in speaking Stripe's wire protocol (no database).
const SECRET_KEY = 'sk_test_aftaleStandIn0000000000';
const WEBHOOK_SECRET = 'whsec_aftaleStandInSigningSecret';
const ctx: ProviderContext = { tenantId: 'tenant-a' };
const DAY_MS = 86_400_000;

const demo = (code: string): PlanDefinition => INTRAS_LIKE_DEMO_PLANS.find((p) => p.code === code)!;

async function refusal(promise: Promise<unknown> | (() => unknown)): Promise<AftaleError> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    if (error instanceof AftaleError) return error;
    throw error;
  }
  throw new Error('expected an AftaleError');
}

describe('Stripe billing provider (real SDK, local Stripe stand-in)', () => {
  let standIn: StripeStandIn;
  let stripe: Stripe;
  let provider: StripeBillingProvider;
  let seq = 0;
  const key = (what: string) => `${what}-${++seq}-${Date.now()}`;

  const posts = (path: string) =>
    standIn.requests.filter((r) => r.method === 'POST' && r.path === path);
  const lastPost = (path: string) => posts(path).at(-1)!;

  async function syncDemo(code: string, context = ctx): Promise<SyncedPlan> {
    return provider.syncPlan(context, { planVersionId: `pv-${code}-1`, plan: demo(code) });
  }

  async function trialSubscription(
    options: { users?: number; period?: PrepaidPeriod; context?: ProviderContext } = {},
  ): Promise<ProviderSubscription> {
    const context = options.context ?? ctx;
    const synced = await syncDemo('standard', context);
    const { customerRef } = await provider.createCustomer(context, {
      companyName: 'Min Dag Min Energi ApS',
      cvr: '45629627',
      email: 'it@mindag.example',
      idempotencyKey: key('customer'),
    });
    return provider.createSubscription(context, {
      customerRef,
      planVersion: { planVersionId: 'pv-standard-1', plan: demo('standard') },
      synced,
      period: options.period ?? 'month',
      users: options.users ?? 12,
      trialDays: 30,
      idempotencyKey: key('subscription'),
    });
  }

  beforeAll(async () => {
    standIn = await StripeStandIn.start({ secretKey: SECRET_KEY });
    stripe = createStripeClient({
      secretKey: SECRET_KEY,
      host: standIn.host,
      port: standIn.port,
      protocol: 'http',
    });
    provider = new StripeBillingProvider(stripe);
  });

  afterAll(async () => {
    await standIn?.close();
  });

  describe('plan sync', () => {
    it('creates one product per plan version and a graduated tiered price per period', async () => {
      for (const plan of INTRAS_LIKE_DEMO_PLANS) {
        const planVersionId = `pv-${plan.code}-1`;
        const synced = await provider.syncPlan(ctx, { planVersionId, plan });
        expect(Object.keys(synced.priceRefs).sort()).toEqual(['month', 'quarter', 'year']);

        const product = await stripe.products.retrieve(synced.productRef);
        expect(product).toMatchObject({ object: 'product', name: plan.name, livemode: false });
        expect(product.metadata).toEqual({
          aftale_tenant_id: 'tenant-a',
          aftale_plan_version_id: planVersionId,
          aftale_plan_code: plan.code,
        });

        for (const period of PERIODS) {
          const months = PERIOD_MONTHS[period];
          const price = await stripe.prices.retrieve(synced.priceRefs[period]!, {
            expand: ['tiers'],
          });
          expect(price).toMatchObject({
            object: 'price',
            product: synced.productRef,
            currency: 'dkk',
            billing_scheme: 'tiered',
            tiers_mode: 'graduated',
            tax_behavior: 'inclusive',
            type: 'recurring',
            unit_amount: null,
            lookup_key: `aftale_${planVersionId}_${period}`,
            recurring: {
              interval: period === 'year' ? 'year' : 'month',
              interval_count: period === 'quarter' ? 3 : 1,
              usage_type: 'licensed',
            },
          });
          expect(
            price.tiers!.map((t) => ({ up_to: t.up_to, unit: t.unit_amount, flat: t.flat_amount })),
          ).toEqual([
            { up_to: 30, unit: plan.tiers[0]!.unitAmount * months, flat: 8500 * months },
            { up_to: null, unit: 1000 * months, flat: null },
          ]);
          // As on Stripe, tiers are only returned when expanded.
          expect((await stripe.prices.retrieve(synced.priceRefs[period]!)).tiers).toBeUndefined();
        }
      }
      // What went over the wire: lower-case currency, bracket-encoded tiers.
      const sent = lastPost('/v1/prices').params;
      expect(sent).toMatchObject({
        currency: 'dkk',
        billing_scheme: 'tiered',
        tiers_mode: 'graduated',
        tiers: [
          { up_to: '30', unit_amount: '54000', flat_amount: '102000' },
          { up_to: 'inf', unit_amount: '12000' },
        ],
        recurring: { interval: 'year', interval_count: '1' },
        tax_behavior: 'inclusive',
      });
    });

    it('is idempotent: a repeated sync finds the prices by lookup key and creates nothing', async () => {
      const first = await syncDemo('premium');
      const creates = posts('/v1/prices').length + posts('/v1/products').length;
      const again = await syncDemo('premium');
      expect(again).toEqual(first);
      expect(posts('/v1/prices').length + posts('/v1/products').length).toBe(creates);
    });

    it('prices excluding VAT are exclusive, and a period discount is baked into the amounts', async () => {
      const plan = parsePlan({
        code: 'eu-net',
        name: 'EU net',
        currency: 'EUR',
        pricesIncludeVat: false,
        baseAmount: 1000,
        tiers: [
          { upTo: 10, unitAmount: 500 },
          { upTo: null, unitAmount: 300 },
        ],
        periods: [{ period: 'month' }, { period: 'year', discountBasisPoints: 1000 }],
      });
      const synced = await provider.syncPlan(ctx, { planVersionId: 'pv-eu-net-1', plan });
      expect(Object.keys(synced.priceRefs).sort()).toEqual(['month', 'year']);
      const year = await stripe.prices.retrieve(synced.priceRefs.year!, { expand: ['tiers'] });
      expect(year).toMatchObject({ currency: 'eur', tax_behavior: 'exclusive' });
      expect(year.metadata).toMatchObject({ aftale_period: 'year', aftale_discount_bp: '1000' });
      // 12 months less 10 %: base 1000 → 10800, 500 → 5400, 300 → 3240.
      expect(year.tiers!.map((t) => [t.flat_amount, t.unit_amount, t.up_to])).toEqual([
        [10800, 5400, 10],
        [null, 3240, null],
      ]);
    });
  });

  describe('amounts', () => {
    let customerRef: string;
    beforeAll(async () => {
      ({ customerRef } = await provider.createCustomer(ctx, {
        companyName: 'Beløbstest ApS',
        cvr: null,
        email: 'amounts@example.dk',
        idempotencyKey: key('customer'),
      }));
    });

    it('Stripe invoices exactly the pricing engine total for the demo plans', async () => {
      const checked: string[] = [];
      for (const plan of INTRAS_LIKE_DEMO_PLANS) {
        const synced = await syncDemo(plan.code);
        for (const period of PERIODS) {
          for (const users of [1, 12, 30, 31, 40]) {
            const expected = quote(plan, users, period).totalInclVat;
            const preview = await provider.previewPeriodTotal(ctx, {
              customerRef,
              priceRef: synced.priceRefs[period]!,
              users,
            });
            expect({ plan: plan.code, period, users, ...preview }).toEqual({
              plan: plan.code,
              period,
              users,
              total: expected,
              currency: 'dkk',
            });
            checked.push(`${plan.code}/${period}/${users}`);
          }
        }
      }
      expect(checked).toHaveLength(45);
      // Standard, 40 users, a month: 85 + 30 × 35 + 10 × 10 kr (the README example).
      expect(quote(demo('standard'), 40, 'month').totalInclVat).toBe(123500);
    });

    it('matches the engine with a discount that divides evenly (10 % off a year)', async () => {
      const plan = parsePlan({
        ...demo('standard'),
        code: 'standard-10',
        periods: [{ period: 'year', discountBasisPoints: 1000 }],
      });
      const synced = await provider.syncPlan(ctx, { planVersionId: 'pv-standard-10', plan });
      expect(stripePeriodPrice(plan, 'year').exact).toBe(true);
      for (const users of [1, 30, 31, 40]) {
        const preview = await provider.previewPeriodTotal(ctx, {
          customerRef,
          priceRef: synced.priceRefs.year!,
          users,
        });
        expect(preview.total).toBe(quote(plan, users, 'year').totalInclVat);
      }
    });

    it('with an uneven discount stays within the documented rounding bound, equal when exact', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 200_000 }),
          fc.integer({ min: 0, max: 200_000 }),
          fc.integer({ min: 0, max: 200_000 }),
          fc.integer({ min: 1, max: 60 }),
          fc.integer({ min: 0, max: 10_000 }),
          fc.constantFrom<PrepaidPeriod>('month', 'quarter', 'year'),
          fc.integer({ min: 1, max: 500 }),
          (base, unit1, unit2, upTo, discount, period, users) => {
            const plan = parsePlan({
              code: 'p',
              name: 'P',
              pricesIncludeVat: true,
              baseAmount: base,
              tiers: [
                { upTo, unitAmount: unit1 },
                { upTo: null, unitAmount: unit2 },
              ],
              periods: [{ period, discountBasisPoints: discount }],
            });
            const price = stripePeriodPrice(plan, period);
            const stripeTotal = graduatedTotal(price.tiers, users);
            const engine = quote(plan, users, period).totalInclVat;
            if (price.exact) expect(stripeTotal).toBe(engine);
            expect(2 * Math.abs(stripeTotal - engine)).toBeLessThanOrEqual(users + 2);
          },
        ),
        { numRuns: 300 },
      );
    });
  });

  describe('customers', () => {
    it('registers the CVR as an eu_vat tax id, with name, e-mail and tenant metadata', async () => {
      const { customerRef } = await provider.createCustomer(ctx, {
        companyName: 'Min Dag Min Energi ApS',
        cvr: 'DK-45 62 96 27',
        email: 'it@mindag.example',
        idempotencyKey: key('customer'),
      });
      expect(customerRef).toMatch(/^cus_/);
      const customer = (await stripe.customers.retrieve(customerRef, {
        expand: ['tax_ids'],
      })) as Stripe.Customer;
      expect(customer).toMatchObject({
        name: 'Min Dag Min Energi ApS',
        email: 'it@mindag.example',
        metadata: { aftale_tenant_id: 'tenant-a' },
      });
      expect(customer.tax_ids!.data.map((t) => [t.type, t.value, t.country])).toEqual([
        ['eu_vat', 'DK45629627', 'DK'],
      ]);
    });

    it('sends no tax id without a CVR, and refuses a bad CVR before calling Stripe', async () => {
      const { customerRef } = await provider.createCustomer(ctx, {
        companyName: 'Enkeltmand',
        cvr: null,
        email: 'solo@example.dk',
        idempotencyKey: key('customer'),
      });
      expect(lastPost('/v1/customers').params.tax_id_data).toBeUndefined();
      const customer = (await stripe.customers.retrieve(customerRef, {
        expand: ['tax_ids'],
      })) as Stripe.Customer;
      expect(customer.tax_ids!.data).toEqual([]);

      const before = standIn.requests.length;
      const error = await refusal(
        provider.createCustomer(ctx, {
          companyName: 'X',
          cvr: '12345678',
          email: 'x@example.dk',
          idempotencyKey: key('customer'),
        }),
      );
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.problems[0]?.field).toBe('input.cvr');
      expect(standIn.requests.length).toBe(before);
    });

    it('a retried sign-up with the same key gets the same customer; other details → CONFLICT', async () => {
      const input = {
        companyName: 'Gentag ApS',
        cvr: null,
        email: 'retry@example.dk',
        idempotencyKey: key('signup'),
      };
      const first = await provider.createCustomer(ctx, input);
      const second = await provider.createCustomer(ctx, input);
      expect(second).toEqual(first);
      expect(lastPost('/v1/customers').replayed).toBe(true);

      const conflict = await refusal(
        provider.createCustomer(ctx, { ...input, email: 'other@example.dk' }),
      );
      expect(conflict.code).toBe('CONFLICT');
      expect(conflict.problems[0]?.field).toBe('input.idempotencyKey');

      // Another tenant sending the same key never sees this tenant's customer.
      const other = await provider.createCustomer({ tenantId: 'tenant-z' }, input);
      expect(other.customerRef).not.toBe(first.customerRef);
    });
  });

  describe('subscriptions', () => {
    it('starts trialing with the trial, pauses at trial end without a card, and is idempotent', async () => {
      const started = Date.now();
      const synced = await syncDemo('standard');
      const { customerRef } = await provider.createCustomer(ctx, {
        companyName: 'Prøve ApS',
        cvr: '45629627',
        email: 'trial@example.dk',
        idempotencyKey: key('customer'),
      });
      const input = {
        customerRef,
        planVersion: { planVersionId: 'pv-standard-1', plan: demo('standard') },
        synced,
        period: 'quarter' as const,
        users: 12,
        trialDays: 30,
        idempotencyKey: key('subscription'),
      };
      const sub = await provider.createSubscription(ctx, input);
      expect(sub).toMatchObject({
        customerRef,
        status: 'trialing',
        cancelAtPeriodEnd: false,
        canceledAt: null,
      });
      expect(sub.subscriptionRef).toMatch(/^sub_/);
      expect(Math.abs(sub.trialEnd!.getTime() - (started + 30 * DAY_MS))).toBeLessThan(5_000);
      expect(sub.currentPeriodEnd).toEqual(sub.trialEnd);
      expect(Math.abs(sub.currentPeriodStart.getTime() - started)).toBeLessThan(5_000);

      expect(lastPost('/v1/subscriptions').params).toEqual({
        customer: customerRef,
        items: [{ price: synced.priceRefs.quarter, quantity: '12' }],
        trial_period_days: '30',
        trial_settings: { end_behavior: { missing_payment_method: 'pause' } },
        payment_behavior: 'default_incomplete',
        payment_settings: { save_default_payment_method: 'on_subscription' },
        metadata: {
          aftale_tenant_id: 'tenant-a',
          aftale_plan_version_id: 'pv-standard-1',
          aftale_plan_code: 'standard',
          aftale_period: 'quarter',
        },
      });

      const retried = await provider.createSubscription(ctx, input);
      expect(retried.subscriptionRef).toBe(sub.subscriptionRef);

      standIn.endTrial(sub.subscriptionRef);
      expect((await provider.fetchSubscription(ctx, sub.subscriptionRef)).status).toBe('paused');
    });

    it('refuses users outside the plan, and a period that was not synced, before Stripe', async () => {
      const synced = await syncDemo('standard');
      const base = {
        customerRef: 'cus_unused',
        planVersion: { planVersionId: 'pv-standard-1', plan: demo('standard') },
        synced,
        period: 'month' as const,
        users: 12,
        trialDays: 30,
        idempotencyKey: key('subscription'),
      };
      const before = standIn.requests.length;
      expect(
        (await refusal(provider.createSubscription(ctx, { ...base, users: 0 }))).problems[0],
      ).toMatchObject({ field: 'input.users' });
      const noYear = { ...synced, priceRefs: { month: synced.priceRefs.month } };
      const unsynced = await refusal(
        provider.createSubscription(ctx, { ...base, synced: noYear, period: 'year' }),
      );
      expect(unsynced.problems[0]).toMatchObject({ field: 'input.period' });
      expect(standIn.requests.length).toBe(before);
    });

    it('cancel at period end keeps access until the current period ends', async () => {
      const sub = await trialSubscription();
      const canceled = await provider.cancelAtPeriodEnd(ctx, sub.subscriptionRef);
      expect(canceled).toMatchObject({
        status: 'trialing',
        cancelAtPeriodEnd: true,
        currentPeriodEnd: sub.currentPeriodEnd,
      });
      expect(canceled.canceledAt).toBeInstanceOf(Date);
      expect(lastPost(`/v1/subscriptions/${sub.subscriptionRef}`).params).toEqual({
        cancel_at_period_end: 'true',
      });
      expect(await provider.fetchSubscription(ctx, sub.subscriptionRef)).toEqual(canceled);

      standIn.reachPeriodEnd(sub.subscriptionRef);
      const ended = await provider.fetchSubscription(ctx, sub.subscriptionRef);
      expect(ended.status).toBe('canceled');
    });

    it('mirrors every Stripe status onto ours', async () => {
      const sub = await trialSubscription();
      const cases: [string, string][] = [
        ['active', 'active'],
        ['past_due', 'past_due'],
        ['unpaid', 'past_due'],
        ['incomplete', 'past_due'],
        ['paused', 'paused'],
        ['trialing', 'trialing'],
        ['incomplete_expired', 'canceled'],
        ['canceled', 'canceled'],
      ];
      for (const [stripeStatus, ours] of cases) {
        standIn.setStatus(sub.subscriptionRef, stripeStatus);
        expect([
          stripeStatus,
          (await provider.fetchSubscription(ctx, sub.subscriptionRef)).status,
        ]).toEqual([stripeStatus, ours]);
      }
      for (const unknown of ['something_new', 'toString', 'constructor']) {
        expect(() => mapStripeStatus(unknown)).toThrow(StripeProviderError);
      }
    });

    it('reads the period from the subscription on API versions before basil', async () => {
      const sub = await trialSubscription();
      const legacyClient = createStripeClient({
        secretKey: SECRET_KEY,
        host: standIn.host,
        port: standIn.port,
        protocol: 'http',
        apiVersion: '2024-06-20' as Stripe.LatestApiVersion,
      });
      const raw = (await legacyClient.subscriptions.retrieve(
        sub.subscriptionRef,
      )) as unknown as Record<string, any>;
      expect(typeof raw.current_period_end).toBe('number');
      expect(raw.items.data[0].current_period_end).toBeUndefined();
      const legacy = await new StripeBillingProvider(legacyClient).fetchSubscription(
        ctx,
        sub.subscriptionRef,
      );
      expect(legacy).toEqual(await provider.fetchSubscription(ctx, sub.subscriptionRef));
    });
  });

  describe('adding a card', () => {
    it('Checkout in setup mode: the customer currency once subscribed, cards only before', async () => {
      const sub = await trialSubscription();
      const { url } = await provider.createPaymentMethodSetupUrl(ctx, sub.customerRef, {
        successUrl: 'https://vendor.example/billing/done?session={CHECKOUT_SESSION_ID}',
        cancelUrl: 'https://vendor.example/billing',
      });
      expect(url).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);
      expect(lastPost('/v1/checkout/sessions').params).toEqual({
        mode: 'setup',
        customer: sub.customerRef,
        currency: 'dkk',
        success_url: 'https://vendor.example/billing/done?session={CHECKOUT_SESSION_ID}',
        cancel_url: 'https://vendor.example/billing',
        metadata: { aftale_tenant_id: 'tenant-a' },
      });

      const { customerRef } = await provider.createCustomer(ctx, {
        companyName: 'Uden Abonnement ApS',
        cvr: null,
        email: 'none@example.dk',
        idempotencyKey: key('customer'),
      });
      await provider.createPaymentMethodSetupUrl(ctx, customerRef, {
        successUrl: 'https://vendor.example/ok',
        cancelUrl: 'https://vendor.example/cancel',
      });
      expect(lastPost('/v1/checkout/sessions').params).toMatchObject({
        payment_method_types: ['card'],
      });
      expect(lastPost('/v1/checkout/sessions').params.currency).toBeUndefined();

      const bad = await refusal(
        provider.createPaymentMethodSetupUrl(ctx, customerRef, {
          successUrl: '/relative',
          cancelUrl: 'https://vendor.example/cancel',
        }),
      );
      expect(bad.problems[0]).toMatchObject({ field: 'input.successUrl' });
    });

    it('a completed setup session becomes the default card: the trial ends into active', async () => {
      const sub = await trialSubscription();
      const { url } = await provider.createPaymentMethodSetupUrl(ctx, sub.customerRef, {
        successUrl: 'https://vendor.example/ok',
        cancelUrl: 'https://vendor.example/cancel',
      });
      const completed = standIn.completeCheckoutSession(url.split('/').pop()!);
      expect(completed.type).toBe('checkout.session.completed');
      const used = await provider.useCheckoutPaymentMethod(ctx, completed.data.object.id);
      expect(used).toEqual({
        customerRef: sub.customerRef,
        paymentMethodRef: expect.stringMatching(/^pm_/),
      });

      standIn.endTrial(sub.subscriptionRef);
      const after = await provider.fetchSubscription(ctx, sub.subscriptionRef);
      expect(after.status).toBe('active');
      expect(after.currentPeriodStart).toEqual(sub.trialEnd);
      expect(after.currentPeriodEnd.getTime()).toBeGreaterThan(sub.trialEnd!.getTime());
    });

    it('a subscription paused for want of a card resumes once one is added', async () => {
      const sub = await trialSubscription();
      standIn.endTrial(sub.subscriptionRef);
      expect((await provider.fetchSubscription(ctx, sub.subscriptionRef)).status).toBe('paused');
      const { url } = await provider.createPaymentMethodSetupUrl(ctx, sub.customerRef, {
        successUrl: 'https://vendor.example/ok',
        cancelUrl: 'https://vendor.example/cancel',
      });
      const completed = standIn.completeCheckoutSession(url.split('/').pop()!);
      await provider.useCheckoutPaymentMethod(ctx, completed.data.object.id);
      expect((await provider.resumeIfPaused(ctx, sub.subscriptionRef)).status).toBe('active');
      // A second call is a no-op.
      expect((await provider.resumeIfPaused(ctx, sub.subscriptionRef)).status).toBe('active');
    });

    it('the customer portal is the other way in', async () => {
      const sub = await trialSubscription();
      const { url } = await provider.createCustomerPortalUrl(
        ctx,
        sub.customerRef,
        'https://vendor.example/account',
      );
      expect(url).toMatch(/^https:\/\/billing\.stripe\.com\/p\/session\//);
    });
  });

  describe('errors and accounts', () => {
    it('answers in Stripe error format', async () => {
      const response = await fetch(`${standIn.url}/v1/subscriptions`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${SECRET_KEY}`,
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: 'customer=cus_nobody&items[0][price]=price_nothing',
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('request-id')).toMatch(/^req_/);
      expect(await response.json()).toEqual({
        error: {
          type: 'invalid_request_error',
          message: "No such customer: 'cus_nobody'",
          param: 'customer',
          code: 'resource_missing',
          doc_url: 'https://stripe.com/docs/error-codes/resource-missing',
        },
      });
      const unauthenticated = await fetch(`${standIn.url}/v1/customers/cus_x`);
      expect(unauthenticated.status).toBe(401);
    });

    it('turns Stripe errors into typed errors', async () => {
      const sub = await trialSubscription();
      const synced = await syncDemo('standard');
      const unknownPrice = await refusal(
        provider.createSubscription(ctx, {
          customerRef: sub.customerRef,
          planVersion: { planVersionId: 'pv-standard-1', plan: demo('standard') },
          synced: { ...synced, priceRefs: { month: 'price_doesNotExist' } },
          period: 'month',
          users: 3,
          trialDays: 0,
          idempotencyKey: key('subscription'),
        }),
      );
      expect(unknownPrice.code).toBe('BAD_USER_INPUT');
      expect(unknownPrice.problems[0]).toMatchObject({
        field: 'input.synced.priceRefs',
        message: expect.stringContaining("No such price: 'price_doesNotExist'"),
      });

      const missing = await refusal(provider.fetchSubscription(ctx, 'sub_doesNotExist'));
      expect(missing.code).toBe('NOT_FOUND');

      const wrongKey = new StripeBillingProvider(
        createStripeClient({
          secretKey: 'sk_test_wrong',
          host: standIn.host,
          port: standIn.port,
          protocol: 'http',
        }),
      );
      const auth = await wrongKey
        .fetchSubscription(ctx, sub.subscriptionRef)
        .catch((e: unknown) => e);
      expect(auth).toBeInstanceOf(StripeProviderError);
      expect(auth).toMatchObject({
        stripeType: 'StripeAuthenticationError',
        statusCode: 401,
        retryable: false,
      });
      expect((auth as Error).message).not.toContain('sk_test_wrong');
    });

    it('scopes a connected account’s objects by the Stripe-Account header', async () => {
      const vendor: ProviderContext = { tenantId: 'tenant-b', stripeAccount: 'acct_1VendorB' };
      const sub = await trialSubscription({ context: vendor });
      const vendorRequests = standIn.requests.filter((r) => r.stripeAccount === 'acct_1VendorB');
      expect(vendorRequests.map((r) => r.path)).toEqual(
        expect.arrayContaining([
          '/v1/prices',
          '/v1/products',
          '/v1/customers',
          '/v1/subscriptions',
        ]),
      );
      expect((await provider.fetchSubscription(vendor, sub.subscriptionRef)).status).toBe(
        'trialing',
      );
      expect((await refusal(provider.fetchSubscription(ctx, sub.subscriptionRef))).code).toBe(
        'NOT_FOUND',
      );
    });
  });

  describe('webhooks', () => {
    let receiver: Server;
    let endpoint: string;
    const processed = new Set<string>();
    const outcomes: {
      eventId: string;
      payloadStatus: unknown;
      fetched: ProviderSubscription | null;
    }[] = [];

    const readBody = async (req: IncomingMessage) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    };

    beforeAll(async () => {
      // A minimal receiver: raw body in, verify, once per event id, re-fetch from Stripe.
      receiver = createServer((req, res) => {
        void (async () => {
          const reply = (status: number, body: unknown) => {
            res.writeHead(status, { 'Content-Type': 'application/json' });
            res.end(JSON.stringify(body));
          };
          try {
            const header = req.headers['stripe-signature'];
            const event = verifyStripeWebhook(
              stripe,
              await readBody(req),
              Array.isArray(header) ? header[0] : header,
              WEBHOOK_SECRET,
            );
            if (processed.has(event.id)) return reply(200, { duplicate: true });
            processed.add(event.id);
            const subscriptionRef = subscriptionIdFromEvent(event);
            const fetched = subscriptionRef
              ? await provider.fetchSubscription(
                  { tenantId: 'tenant-a', stripeAccount: event.account },
                  subscriptionRef,
                )
              : null;
            const payload = event.data.object as unknown as { status?: unknown };
            outcomes.push({ eventId: event.id, payloadStatus: payload.status, fetched });
            reply(200, { received: true, status: fetched?.status ?? null });
          } catch (error) {
            if (error instanceof AftaleError)
              reply(400, { code: error.code, message: error.message });
            else reply(500, { message: 'internal error' });
          }
        })();
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/stripe`;
    });

    afterAll(async () => {
      receiver.closeAllConnections();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    });

    it('accepts a validly signed event once per event id', async () => {
      const sub = await trialSubscription();
      const event = standIn.setStatus(sub.subscriptionRef, 'active');
      const first = await standIn.deliverWebhook(endpoint, event, WEBHOOK_SECRET);
      expect(first.status).toBe(200);
      expect(JSON.parse(first.body)).toEqual({ received: true, status: 'active' });
      const again = await standIn.deliverWebhook(endpoint, event, WEBHOOK_SECRET);
      expect(JSON.parse(again.body)).toEqual({ duplicate: true });
      expect(outcomes.filter((o) => o.eventId === event.id)).toHaveLength(1);

      // 299 s old is still inside the 300 s window.
      const late = standIn.setStatus(sub.subscriptionRef, 'past_due');
      const timestamp = Math.floor(Date.now() / 1000) - 299;
      expect(
        (await standIn.deliverWebhook(endpoint, late, WEBHOOK_SECRET, { timestamp })).status,
      ).toBe(200);
    });

    it.each([
      ['a tampered body', { tamper: true }, /does not match the body/],
      ['a stale signature (301 s old)', { timestamp: -301 }, /more than 300 s old/],
      [
        'a missing Stripe-Signature header',
        { omitSignature: true },
        /Missing Stripe-Signature header/,
      ],
    ])('rejects %s as UNAUTHENTICATED', async (_what, options, message) => {
      const sub = await trialSubscription();
      const event = standIn.setStatus(sub.subscriptionRef, 'active');
      const deliver = {
        ...options,
        ...('timestamp' in options
          ? { timestamp: Math.floor(Date.now() / 1000) + options.timestamp }
          : {}),
      };
      const response = await standIn.deliverWebhook(endpoint, event, WEBHOOK_SECRET, deliver);
      expect(response.status).toBe(400);
      const body = JSON.parse(response.body);
      expect(body.code).toBe('UNAUTHENTICATED');
      expect(body.message).toMatch(message);
      expect(processed.has(event.id)).toBe(false);
    });

    it('rejects a signature made with another secret, and bodies that are not events', async () => {
      const sub = await trialSubscription();
      const event = standIn.setStatus(sub.subscriptionRef, 'active');
      const wrong = await standIn.deliverWebhook(endpoint, event, 'whsec_someoneElse');
      expect(JSON.parse(wrong.body).code).toBe('UNAUTHENTICATED');

      const now = Math.floor(Date.now() / 1000);
      const notJson = 'not json';
      const e1 = await refusal(() =>
        verifyStripeWebhook(
          stripe,
          notJson,
          StripeStandIn.sign(notJson, WEBHOOK_SECRET, now),
          WEBHOOK_SECRET,
        ),
      );
      expect(e1.code).toBe('BAD_USER_INPUT');
      const e2 = await refusal(() =>
        verifyStripeWebhook(stripe, Buffer.alloc(0), 't=1,v1=00', WEBHOOK_SECRET),
      );
      expect(e2.code).toBe('BAD_USER_INPUT');
      const e3 = await refusal(() => verifyStripeWebhook(stripe, '{}', 'garbage', WEBHOOK_SECRET));
      expect([e3.code, e3.message]).toEqual([
        'UNAUTHENTICATED',
        expect.stringContaining('Malformed'),
      ]);
      expect(() => verifyStripeWebhook(stripe, '{}', 't=1,v1=00', WEBHOOK_SECRET, 0)).toThrow(
        RangeError,
      );
    });

    it('out-of-order events: the older one arriving last still yields the current state', async () => {
      const sub = await trialSubscription();
      const older = standIn.setStatus(sub.subscriptionRef, 'active');
      const newer = standIn.setStatus(sub.subscriptionRef, 'past_due');
      expect(older.data.object.status).toBe('active');

      expect((await standIn.deliverWebhook(endpoint, newer, WEBHOOK_SECRET)).status).toBe(200);
      expect((await standIn.deliverWebhook(endpoint, older, WEBHOOK_SECRET)).status).toBe(200);
      const seen = outcomes.filter((o) => o.eventId === older.id || o.eventId === newer.id);
      expect(seen.map((o) => [o.eventId, o.payloadStatus, o.fetched?.status])).toEqual([
        [newer.id, 'past_due', 'past_due'],
        [older.id, 'active', 'past_due'],
      ]);
    });

    it('routes connected-account events with the account the event names', async () => {
      const vendor: ProviderContext = { tenantId: 'tenant-a', stripeAccount: 'acct_1VendorHooks' };
      const sub = await trialSubscription({ context: vendor });
      const event = standIn.setStatus(sub.subscriptionRef, 'active');
      expect(event.account).toBe('acct_1VendorHooks');
      const response = await standIn.deliverWebhook(endpoint, event, WEBHOOK_SECRET);
      expect(JSON.parse(response.body)).toEqual({ received: true, status: 'active' });
    });

    it('finds the subscription of subscription, invoice (both API shapes) and checkout events', () => {
      const ev = (type: string, object: Record<string, unknown>) =>
        ({ type, data: { object } }) as unknown as Stripe.Event;
      expect(
        subscriptionIdFromEvent(
          ev('customer.subscription.deleted', { object: 'subscription', id: 'sub_1' }),
        ),
      ).toBe('sub_1');
      expect(
        subscriptionIdFromEvent(
          ev('invoice.payment_failed', {
            object: 'invoice',
            parent: {
              type: 'subscription_details',
              subscription_details: { subscription: 'sub_2' },
            },
          }),
        ),
      ).toBe('sub_2');
      expect(
        subscriptionIdFromEvent(
          ev('invoice.paid', { object: 'invoice', subscription: { id: 'sub_3' } }),
        ),
      ).toBe('sub_3');
      expect(
        subscriptionIdFromEvent(
          ev('invoice.created', { object: 'invoice', parent: null, subscription: null }),
        ),
      ).toBeNull();
      expect(
        subscriptionIdFromEvent(
          ev('checkout.session.completed', { object: 'checkout.session', subscription: 'sub_4' }),
        ),
      ).toBe('sub_4');
      expect(
        subscriptionIdFromEvent(ev('customer.updated', { object: 'customer', id: 'cus_1' })),
      ).toBeNull();
    });
  });

  // Last, so that it sees every create made above.
  it('puts an idempotency key on every create, scoped to the tenant', () => {
    const creates = ['/v1/products', '/v1/prices', '/v1/customers', '/v1/subscriptions']
      .flatMap((path) => posts(path))
      .filter((r) => r.status === 200);
    expect(new Set(creates.map((r) => r.path)).size).toBe(4);
    for (const request of creates) {
      expect(request.idempotencyKey).toMatch(
        /^aftale:tenant-[a-z]:(product|price|customer|subscription):/,
      );
    }
  });
});
