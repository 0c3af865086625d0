import { createHash } from 'node:crypto';
import Stripe from 'stripe';
import { AftaleError, checkCvr, type FieldProblem } from '@aftale/domain';
import {
  BASIS_POINTS,
  MAX_TRIAL_DAYS,
  PERIOD_MONTHS,
  parsePlan,
  quote,
  roundHalfEvenDiv,
  toSafeNumber,
  type PlanDefinition,
  type PrepaidPeriod,
} from '@aftale/pricing';
import type {
  BillingProvider,
  CustomerInput,
  PlanVersionRef,
  ProviderContext,
  ProviderSubscription,
  SubscriptionInput,
  SubscriptionStatus,
  SyncedPlan,
} from '../billing-provider';

export interface StripeClientOptions {
  secretKey: string;
  /** Overrides for a local stand-in (tests) or a proxy; production leaves them unset. */
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
  /** Defaults to the version the installed SDK is pinned to, which its types describe. */
  apiVersion?: Stripe.LatestApiVersion;
}

/** The one place a Stripe client is configured, so retries and the API version are uniform. */
export function createStripeClient(options: StripeClientOptions): Stripe {
  if (!options.secretKey.trim()) throw new Error('a Stripe secret key is required');
  const config: Stripe.StripeConfig = { maxNetworkRetries: 2 };
  if (options.apiVersion) config.apiVersion = options.apiVersion;
  if (options.host) config.host = options.host;
  if (options.port) config.port = options.port;
  if (options.protocol) config.protocol = options.protocol;
  return new Stripe(options.secretKey, config);
}

/**
 * Stripe failed in a way the caller's input cannot fix (bad secret key, no access to the
 * connected account, Stripe down, network). `retryable` says whether trying later may help.
 */
export class StripeProviderError extends Error {
  constructor(
    message: string,
    readonly stripeType: string,
    readonly statusCode: number | undefined,
    readonly requestId: string | undefined,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'StripeProviderError';
  }
}

const STATUS_MAP: Readonly<Record<string, SubscriptionStatus>> = {
  trialing: 'trialing',
  active: 'active',
  past_due: 'past_due',
  canceled: 'canceled',
  paused: 'paused',
  // Unpaid keeps the subscription but stops service: our past_due.
  unpaid: 'past_due',
  // First payment not made yet: no paid access; it expires into canceled after 23 h.
  incomplete: 'past_due',
  incomplete_expired: 'canceled',
};

export function mapStripeStatus(status: string): SubscriptionStatus {
  // Own keys only: a status named like an Object.prototype member must not match.
  const mapped = Object.hasOwn(STATUS_MAP, status) ? STATUS_MAP[status] : undefined;
  // A status Stripe adds later must be looked at, not guessed into access or no access.
  if (!mapped) {
    throw new StripeProviderError(
      `unknown Stripe subscription status "${status}"`,
      'unknown_status',
      undefined,
      undefined,
      false,
    );
  }
  return mapped;
}

/** A graduated tier as sent to Stripe, amounts for the whole billing period. */
export interface StripePeriodTier {
  upTo: number | null;
  unitAmount: number;
  /** Only on the first tier: the plan's base price for the period. */
  flatAmount: number | null;
}

export interface StripePeriodPrice {
  interval: 'month' | 'year';
  intervalCount: number;
  tiers: StripePeriodTier[];
  /**
   * True when every period amount is a whole number of minor units before rounding; then
   * Stripe's invoice total equals `quote(...).totalInclVat` exactly (see below).
   */
  exact: boolean;
}

/**
 * Per-period tier amounts for one Stripe price.
 *
 * Rounding compared with the pricing engine: `quote` multiplies the monthly amounts by the
 * months, sums the period, and rounds the discount ONCE on that total. A Stripe tiered price
 * can only hold integer amounts per unit, so here each monthly amount (base, each tier's
 * per-user price) is multiplied by the months and discounted on its own, rounding half to
 * even per unit. Stripe then sums flat + quantity × unit per tier.
 * - No discount (all demo plans) or a discount that divides evenly (e.g. 10% of whole
 *   kroner): every amount is exact and the totals are equal to the øre.
 * - Otherwise each per-unit amount is off by at most ½ øre, so Stripe's total differs from
 *   the quote by at most (1 + users) / 2 øre, plus ½ for the engine's own rounding.
 * VAT is not computed by Stripe here (no tax rates): with inclusive prices the charged
 * total is the gross amount the engine quotes; with exclusive prices Stripe Tax or tax
 * rates would add VAT per invoice, which may round differently from the engine's once-
 * per-period VAT.
 */
export function stripePeriodPrice(plan: PlanDefinition, period: PrepaidPeriod): StripePeriodPrice {
  const option = plan.periods.find((o) => o.period === period);
  if (!option) {
    throw AftaleError.field(
      'input.period',
      `this plan cannot be prepaid per ${period}`,
      `one of ${plan.periods.map((o) => o.period).join(', ')}`,
    );
  }
  const months = PERIOD_MONTHS[period];
  const keep = BigInt(BASIS_POINTS - option.discountBasisPoints);
  let exact = true;
  const forPeriod = (monthly: number): number => {
    const numerator = BigInt(monthly) * BigInt(months) * keep;
    if (numerator % BigInt(BASIS_POINTS) !== 0n) exact = false;
    return toSafeNumber(roundHalfEvenDiv(numerator, BigInt(BASIS_POINTS)));
  };
  const tiers = plan.tiers.map((tier, i) => ({
    upTo: tier.upTo,
    unitAmount: forPeriod(tier.unitAmount),
    flatAmount: i === 0 && plan.baseAmount > 0 ? forPeriod(plan.baseAmount) : null,
  }));
  return period === 'year'
    ? { interval: 'year', intervalCount: 1, tiers, exact }
    : { interval: 'month', intervalCount: months, tiers, exact };
}

/** What Stripe charges for `users` on graduated tiers: flat + quantity × unit per tier used. */
export function graduatedTotal(tiers: readonly StripePeriodTier[], users: number): number {
  let total = 0;
  let previous = 0;
  for (const tier of tiers) {
    if (previous >= users) break;
    const to = tier.upTo === null ? users : Math.min(users, tier.upTo);
    total += (tier.flatAmount ?? 0) + (to - previous) * tier.unitAmount;
    previous = to;
  }
  return total;
}

const META = {
  tenant: 'aftale_tenant_id',
  planVersion: 'aftale_plan_version_id',
  planCode: 'aftale_plan_code',
  period: 'aftale_period',
} as const;

/** Stripe field names (as in its error `param`) mapped back to our input fields. */
const PARAM_FIELDS: Readonly<Record<string, string>> = {
  customer: 'input.customerRef',
  'items[0][price]': 'input.synced.priceRefs',
  'items[0][quantity]': 'input.users',
  'tax_id_data[0][value]': 'input.cvr',
  email: 'input.email',
  name: 'input.companyName',
  success_url: 'input.successUrl',
  cancel_url: 'input.cancelUrl',
};

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : value.id;
}

function toDate(unixSeconds: number): Date {
  return new Date(unixSeconds * 1000);
}

/**
 * API versions before 2025-03-31 (basil) keep `current_period_*` on the subscription; later
 * ones only on each item. With several items Stripe's own filters use the latest item start
 * and the earliest item end, which is the span every item is paid for.
 */
function currentPeriod(sub: Stripe.Subscription): { start: number; end: number } {
  const legacy = sub as unknown as { current_period_start?: unknown; current_period_end?: unknown };
  if (
    typeof legacy.current_period_start === 'number' &&
    typeof legacy.current_period_end === 'number'
  ) {
    return { start: legacy.current_period_start, end: legacy.current_period_end };
  }
  const items = (sub.items?.data ?? []).filter(
    (i) => typeof i.current_period_start === 'number' && typeof i.current_period_end === 'number',
  );
  if (items.length === 0) {
    throw new StripeProviderError(
      `subscription ${sub.id} has no current period`,
      'unexpected_response',
      undefined,
      undefined,
      false,
    );
  }
  return {
    start: Math.max(...items.map((i) => i.current_period_start)),
    end: Math.min(...items.map((i) => i.current_period_end)),
  };
}

export function toProviderSubscription(sub: Stripe.Subscription): ProviderSubscription {
  const period = currentPeriod(sub);
  const customerRef = idOf(sub.customer);
  if (!customerRef) {
    throw new StripeProviderError(
      `subscription ${sub.id} has no customer`,
      'unexpected_response',
      undefined,
      undefined,
      false,
    );
  }
  return {
    subscriptionRef: sub.id,
    customerRef,
    status: mapStripeStatus(sub.status),
    currentPeriodStart: toDate(period.start),
    currentPeriodEnd: toDate(period.end),
    trialEnd: sub.trial_end === null ? null : toDate(sub.trial_end),
    cancelAtPeriodEnd: sub.cancel_at_period_end,
    // Stripe's meaning: when cancellation was requested (also set while access continues).
    canceledAt: sub.canceled_at === null ? null : toDate(sub.canceled_at),
  };
}

/** Stripe keys are at most 255 characters; long caller keys are hashed, not truncated. */
function idempotencyKey(ctx: ProviderContext, kind: string, ...parts: string[]): string {
  // The tenant is part of the key: on the shared platform account one tenant must never
  // replay another tenant's response by sending the same key.
  const key = `aftale:${ctx.tenantId}:${kind}:${parts.join(':')}`;
  return key.length <= 255
    ? key
    : `aftale:${kind}:sha256:${createHash('sha256').update(key).digest('hex')}`;
}

function lookupKey(planVersionId: string, period: PrepaidPeriod): string {
  return `aftale_${planVersionId}_${period}`;
}

function absoluteUrl(field: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw AftaleError.field(
      field,
      'must be an absolute URL',
      'e.g. https://example.com/billing/done',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw AftaleError.field(
      field,
      'must be an http(s) URL',
      'e.g. https://example.com/billing/done',
    );
  }
  return value;
}

/** Turns an SDK error into our typed errors; anything else passes through unchanged. */
export function mapStripeError(error: unknown): unknown {
  if (!(error instanceof Stripe.errors.StripeError)) return error;
  const param = error.param ?? undefined;
  const field = !param
    ? 'input'
    : Object.hasOwn(PARAM_FIELDS, param)
      ? PARAM_FIELDS[param]!
      : `stripe.${param}`;
  const detail = error.message || 'no message';
  switch (error.type) {
    case 'StripeInvalidRequestError': {
      if (error.statusCode === 404) {
        return new AftaleError('NOT_FOUND', `Stripe has no such object: ${detail}`);
      }
      const problem: FieldProblem = { field, message: `Stripe refused it: ${detail}` };
      return new AftaleError('BAD_USER_INPUT', `${field}: ${problem.message}`, [problem]);
    }
    case 'StripeCardError':
      return AftaleError.field('input.paymentMethod', `the card was declined: ${detail}`);
    case 'StripeIdempotencyError':
      return new AftaleError(
        'CONFLICT',
        'The idempotency key was used before with different details.',
        [
          {
            field: 'input.idempotencyKey',
            message: 'already used for a different request',
            hint: 'retry with exactly the same details, or send a new key',
          },
        ],
      );
    case 'StripeRateLimitError':
      return new AftaleError('BUSY', 'The payment provider is busy; try again in a moment.');
    default: {
      const retryable =
        error.type === 'StripeConnectionError' ||
        error.type === 'StripeAPIError' ||
        (error.statusCode ?? 0) >= 500;
      return new StripeProviderError(
        `Stripe request failed (${error.type}): ${detail}`,
        error.type,
        error.statusCode,
        error.requestId,
        retryable,
      );
    }
  }
}

async function call<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw mapStripeError(error);
  }
}

/**
 * BillingProvider on Stripe Billing. Holds no state: every id it returns is stored by the
 * caller, and state is re-fetched from Stripe (never trusted from a webhook payload).
 */
export class StripeBillingProvider implements BillingProvider {
  readonly name = 'stripe' as const;

  constructor(private readonly stripe: Stripe) {}

  private options(ctx: ProviderContext, idempotency?: string): Stripe.RequestOptions {
    const options: Stripe.RequestOptions = {};
    if (ctx.stripeAccount) options.stripeAccount = ctx.stripeAccount;
    if (idempotency) options.idempotencyKey = idempotency;
    return options;
  }

  /**
   * One product per plan version and one tiered price per period. Prices carry a lookup key
   * so a sync repeated after Stripe's 24 h idempotency window finds them instead of making
   * duplicates; idempotency keys cover retries within it.
   */
  async syncPlan(ctx: ProviderContext, planVersion: PlanVersionRef): Promise<SyncedPlan> {
    const plan = parsePlan(planVersion.plan, 'plan');
    const { planVersionId } = planVersion;
    const periods = plan.periods.map((o) => o.period);
    const existing = await call(() =>
      this.stripe.prices.list(
        { lookup_keys: periods.map((p) => lookupKey(planVersionId, p)), limit: 100 },
        this.options(ctx),
      ),
    );
    const priceRefs: SyncedPlan['priceRefs'] = {};
    let productRef: string | null = null;
    for (const price of existing.data) {
      const period = price.metadata?.[META.period] as PrepaidPeriod | undefined;
      if (
        period &&
        periods.includes(period) &&
        price.lookup_key === lookupKey(planVersionId, period)
      ) {
        priceRefs[period] = price.id;
        productRef ??= idOf(price.product);
      }
    }
    const metadata = {
      [META.tenant]: ctx.tenantId,
      [META.planVersion]: planVersionId,
      [META.planCode]: plan.code,
    };
    if (!productRef) {
      const product = await call(() =>
        this.stripe.products.create(
          {
            name: plan.name,
            // Stripe refuses an empty description.
            ...(plan.description ? { description: plan.description } : {}),
            metadata,
          },
          this.options(ctx, idempotencyKey(ctx, 'product', planVersionId)),
        ),
      );
      productRef = product.id;
    }
    const product = productRef;
    for (const option of plan.periods) {
      if (priceRefs[option.period]) continue;
      const amounts = stripePeriodPrice(plan, option.period);
      const price = await call(() =>
        this.stripe.prices.create(
          {
            currency: plan.currency.toLowerCase(),
            product,
            billing_scheme: 'tiered',
            tiers_mode: 'graduated',
            tiers: amounts.tiers.map((t) => ({
              up_to: t.upTo ?? 'inf',
              unit_amount: t.unitAmount,
              ...(t.flatAmount !== null ? { flat_amount: t.flatAmount } : {}),
            })),
            recurring: {
              interval: amounts.interval,
              interval_count: amounts.intervalCount,
              usage_type: 'licensed',
            },
            tax_behavior: plan.pricesIncludeVat ? 'inclusive' : 'exclusive',
            lookup_key: lookupKey(planVersionId, option.period),
            nickname: `${plan.name} (${option.period})`,
            metadata: {
              ...metadata,
              [META.period]: option.period,
              aftale_discount_bp: String(option.discountBasisPoints),
            },
          },
          this.options(ctx, idempotencyKey(ctx, 'price', planVersionId, option.period)),
        ),
      );
      priceRefs[option.period] = price.id;
    }
    return { productRef: product, priceRefs };
  }

  async createCustomer(
    ctx: ProviderContext,
    input: CustomerInput,
  ): Promise<{ customerRef: string }> {
    let taxIds: Stripe.CustomerCreateParams.TaxIdDatum[] | undefined;
    if (input.cvr !== null) {
      const check = checkCvr(input.cvr);
      if (!check.valid) throw AftaleError.field('input.cvr', check.reason, 'e.g. 45629627');
      taxIds = [{ type: 'eu_vat', value: `DK${check.cvr}` }];
    }
    const customer = await call(() =>
      this.stripe.customers.create(
        {
          name: input.companyName,
          email: input.email,
          ...(taxIds ? { tax_id_data: taxIds } : {}),
          metadata: { [META.tenant]: ctx.tenantId },
        },
        this.options(ctx, idempotencyKey(ctx, 'customer', input.idempotencyKey)),
      ),
    );
    return { customerRef: customer.id };
  }

  async createSubscription(
    ctx: ProviderContext,
    input: SubscriptionInput,
  ): Promise<ProviderSubscription> {
    // Same checks as the price shown: users within the plan's range, a period it sells.
    quote(input.planVersion.plan, input.users, input.period);
    if (
      !Number.isInteger(input.trialDays) ||
      input.trialDays < 0 ||
      input.trialDays > MAX_TRIAL_DAYS
    ) {
      throw AftaleError.field(
        'input.trialDays',
        `must be a whole number from 0 to ${MAX_TRIAL_DAYS}`,
      );
    }
    const price = input.synced.priceRefs[input.period];
    if (!price) {
      throw AftaleError.field(
        'input.period',
        `this plan version has no Stripe price for ${input.period}`,
        'sync the plan version before subscribing to it',
      );
    }
    const trial: Partial<Stripe.SubscriptionCreateParams> =
      input.trialDays > 0
        ? {
            trial_period_days: input.trialDays,
            // No card at trial end: pause (no access, no unpaid invoice) until one is added.
            trial_settings: { end_behavior: { missing_payment_method: 'pause' } },
          }
        : {};
    const sub = await call(() =>
      this.stripe.subscriptions.create(
        {
          customer: input.customerRef,
          items: [{ price, quantity: input.users }],
          ...trial,
          // Never charge or fail at creation; the card comes later via Checkout (setup).
          payment_behavior: 'default_incomplete',
          payment_settings: { save_default_payment_method: 'on_subscription' },
          metadata: {
            [META.tenant]: ctx.tenantId,
            [META.planVersion]: input.planVersion.planVersionId,
            [META.planCode]: input.planVersion.plan.code,
            [META.period]: input.period,
          },
        },
        this.options(ctx, idempotencyKey(ctx, 'subscription', input.idempotencyKey)),
      ),
    );
    return toProviderSubscription(sub);
  }

  async cancelAtPeriodEnd(
    ctx: ProviderContext,
    subscriptionRef: string,
  ): Promise<ProviderSubscription> {
    const sub = await call(() =>
      this.stripe.subscriptions.update(
        subscriptionRef,
        { cancel_at_period_end: true },
        this.options(ctx),
      ),
    );
    return toProviderSubscription(sub);
  }

  async fetchSubscription(
    ctx: ProviderContext,
    subscriptionRef: string,
  ): Promise<ProviderSubscription> {
    const sub = await call(() =>
      this.stripe.subscriptions.retrieve(subscriptionRef, undefined, this.options(ctx)),
    );
    return toProviderSubscription(sub);
  }

  /**
   * Checkout in setup mode. Its currency must be the customer's billing currency, known
   * once a subscription exists; before that the session is limited to cards, which need none.
   */
  async createPaymentMethodSetupUrl(
    ctx: ProviderContext,
    customerRef: string,
    urls: { successUrl: string; cancelUrl: string },
  ): Promise<{ url: string }> {
    const successUrl = absoluteUrl('input.successUrl', urls.successUrl);
    const cancelUrl = absoluteUrl('input.cancelUrl', urls.cancelUrl);
    const customer = await call(() =>
      this.stripe.customers.retrieve(customerRef, undefined, this.options(ctx)),
    );
    if (customer.deleted)
      throw new AftaleError('NOT_FOUND', `Stripe customer ${customerRef} was deleted`);
    const session = await call(() =>
      this.stripe.checkout.sessions.create(
        {
          mode: 'setup',
          customer: customerRef,
          ...(customer.currency
            ? { currency: customer.currency }
            : { payment_method_types: ['card'] }),
          success_url: successUrl,
          cancel_url: cancelUrl,
          metadata: { [META.tenant]: ctx.tenantId },
        },
        this.options(ctx),
      ),
    );
    if (!session.url) {
      throw new StripeProviderError(
        'Checkout session has no URL',
        'unexpected_response',
        undefined,
        undefined,
        false,
      );
    }
    return { url: session.url };
  }

  /** The Stripe customer portal, the other way a customer can add or change a card. */
  async createCustomerPortalUrl(
    ctx: ProviderContext,
    customerRef: string,
    returnUrl: string,
  ): Promise<{ url: string }> {
    const session = await call(() =>
      this.stripe.billingPortal.sessions.create(
        { customer: customerRef, return_url: absoluteUrl('input.returnUrl', returnUrl) },
        this.options(ctx),
      ),
    );
    return { url: session.url };
  }

  /**
   * After `checkout.session.completed` (setup mode): Stripe attaches the card to the
   * customer but does not make it the default, so invoices would not use it. This does.
   */
  async useCheckoutPaymentMethod(
    ctx: ProviderContext,
    checkoutSessionId: string,
  ): Promise<{ customerRef: string; paymentMethodRef: string }> {
    const session = await call(() =>
      this.stripe.checkout.sessions.retrieve(
        checkoutSessionId,
        { expand: ['setup_intent'] },
        this.options(ctx),
      ),
    );
    const customerRef = idOf(session.customer);
    const intent = session.setup_intent;
    const paymentMethodRef =
      intent && typeof intent !== 'string' ? idOf(intent.payment_method) : null;
    if (
      session.mode !== 'setup' ||
      session.status !== 'complete' ||
      !customerRef ||
      !paymentMethodRef
    ) {
      throw AftaleError.field(
        'input.checkoutSessionId',
        'is not a completed setup session with a payment method',
      );
    }
    await call(() =>
      this.stripe.customers.update(
        customerRef,
        { invoice_settings: { default_payment_method: paymentMethodRef } },
        this.options(ctx),
      ),
    );
    return { customerRef, paymentMethodRef };
  }

  /** Resumes a subscription paused at trial end (no card then); a no-op otherwise. */
  async resumeIfPaused(
    ctx: ProviderContext,
    subscriptionRef: string,
  ): Promise<ProviderSubscription> {
    const current = await this.fetchSubscription(ctx, subscriptionRef);
    if (current.status !== 'paused') return current;
    const sub = await call(() =>
      this.stripe.subscriptions.resume(
        subscriptionRef,
        { billing_cycle_anchor: { type: 'now' } },
        this.options(ctx),
      ),
    );
    return toProviderSubscription(sub);
  }

  /** Stripe's own total for the first period of `users` on a synced price (no trial). */
  async previewPeriodTotal(
    ctx: ProviderContext,
    input: { customerRef: string; priceRef: string; users: number },
  ): Promise<{ total: number; currency: string }> {
    const invoice = await call(() =>
      this.stripe.invoices.createPreview(
        {
          customer: input.customerRef,
          subscription_details: { items: [{ price: input.priceRef, quantity: input.users }] },
        },
        this.options(ctx),
      ),
    );
    return { total: invoice.total, currency: invoice.currency };
  }
}
