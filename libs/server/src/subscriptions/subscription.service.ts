import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { AftaleError, checkCvr, parseInput, isUuid } from '@aftale/domain';
import {
  accessEndsAt,
  advancePeriod,
  PERIODS,
  quote as priceQuote,
  requestCancel,
  startPeriod,
  type PeriodState,
} from '@aftale/pricing';
import {
  CustomerEntity,
  PlanVersionEntity,
  SubscriptionEntity,
} from '../database/entities/billing.entities';
import {
  PG_UNIQUE_VIOLATION,
  pgErrorCode,
  type Database,
  type TenantContext,
} from '../tenancy/database';
import type { Actor, AuditService } from '../audit/audit.service';
import type { PlanService, PlanWithVersion } from '../plans/plan.service';
import type { BillingProvider, ProviderSubscription } from '../billing/billing-provider';
import { StripeBillingProvider } from '../billing/stripe/stripe-billing.provider';
import type { WebhookService } from '../webhooks/webhook.service';

const createSubscriptionSchema = z.strictObject({
  planCode: z.string().min(1, 'must not be empty'),
  users: z.int({ error: 'must be a whole number of users' }),
  period: z.enum(PERIODS, { error: 'month, quarter or year' }),
  idempotencyKey: z
    .string()
    .regex(
      /^[A-Za-z0-9._:-]{8,200}$/,
      '8-200 letters, digits or . _ : -, e.g. a UUID made by your checkout',
    ),
  customer: z.strictObject({
    companyName: z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters'),
    cvr: z
      .string()
      .transform((value, ctx) => {
        const check = checkCvr(value);
        if (!check.valid) {
          ctx.addIssue({ code: 'custom', message: `${check.reason} Example: 37308838` });
          return z.NEVER;
        }
        return check.cvr;
      })
      .optional(),
    email: z.email('an e-mail address, e.g. it@kunde.dk').max(254),
  }),
});

export type SubscriptionView = SubscriptionEntity & { accessEndsAt: Date | null };

/** Everything a new subscription row needs, decided before any of it is written. */
export interface SubscriptionDraft {
  id: string;
  planCode: string;
  customer: {
    companyName: string;
    cvr: string | null;
    email: string;
    providerCustomerRef: string | null;
  };
  version: { id: string; version: number | null; inUse: boolean };
  provider: 'stripe' | 'invoice';
  providerSubscriptionRef: string | null;
  status: SubscriptionEntity['status'];
  users: number;
  period: SubscriptionEntity['period'];
  quote: SubscriptionEntity['quote'];
  trialEndsAt: Date | null;
  currentPeriodStart: Date;
  currentPeriodEnd: Date;
  cancelAtPeriodEnd: boolean;
  canceledAt: Date | null;
  idempotencyKey: string;
}

/** The subscription an idempotency key already has, or a draft of the new one. */
export type PreparedSubscription =
  { existing: SubscriptionView } | { existing: null; draft: SubscriptionDraft };

function periodState(s: SubscriptionEntity): PeriodState {
  return {
    status: s.status,
    period: s.period,
    trialEndsAt: s.trialEndsAt,
    currentPeriodStart: s.currentPeriodStart,
    currentPeriodEnd: s.currentPeriodEnd,
    cancelAtPeriodEnd: s.cancelAtPeriodEnd,
    canceledAt: s.canceledAt,
  };
}

function view(s: SubscriptionEntity): SubscriptionView {
  return Object.assign(s, { accessEndsAt: accessEndsAt(periodState(s)) });
}

/**
 * Subscriptions on one state machine for every provider: with Stripe the state is
 * mirrored from Stripe (always re-fetched, never taken from a webhook payload); without
 * it ("invoice") Aftale runs the periods itself and the vendor invoices by hand.
 */
export class SubscriptionService {
  constructor(
    private readonly db: Database,
    private readonly plans: PlanService,
    private readonly audit: AuditService,
    /** null: the invoice provider. */
    private readonly stripe: BillingProvider | null,
    private readonly webhooks?: WebhookService,
  ) {}

  get providerName(): 'stripe' | 'invoice' {
    return this.stripe ? 'stripe' : 'invoice';
  }

  /**
   * Validates, prices and (with Stripe) creates the subscription at the provider, but writes
   * nothing here: `insert` does, in the caller's transaction. An acceptance writes its
   * subscription and itself in one commit, so a crash never leaves one without the other.
   */
  async prepare(
    ctx: TenantContext,
    input: unknown,
    now = new Date(),
    /** The plan, when the caller has just read it (an acceptance): not read again. */
    readPlan?: PlanWithVersion,
    /** What the caller found under this idempotency key in its own read, if it looked. */
    readExisting?: { subscription: SubscriptionEntity | null },
  ): Promise<PreparedSubscription> {
    const data = parseInput(createSubscriptionSchema, input);
    // An earlier subscription under this key and the plan: what the caller read already,
    // else read in one transaction (each round trip counts on the sign-up path).
    const loaded =
      readExisting && readPlan?.plan.code === data.planCode
        ? readExisting.subscription
          ? { existing: readExisting.subscription }
          : readPlan
        : await this.db.inTenant(ctx, async (em) => {
            const found = await em.findOneBy(SubscriptionEntity, {
              idempotencyKey: data.idempotencyKey,
            });
            if (found) return { existing: found };
            return readPlan?.plan.code === data.planCode
              ? readPlan
              : await this.plans.currentIn(em, data.planCode);
          });
    if ('existing' in loaded) return { existing: view(loaded.existing) };
    const { plan, version } = loaded;
    if (plan.archived)
      throw AftaleError.field(
        'input.planCode',
        `the plan "${data.planCode}" is archived`,
        'choose an active plan',
      );
    const definition = version.definition;
    if (data.users < definition.minUsers || data.users > definition.maxUsers) {
      throw AftaleError.field(
        'input.users',
        `must be ${definition.minUsers}-${definition.maxUsers} for this plan`,
      );
    }
    const quoted = priceQuote(definition, data.users, data.period, { startDate: now });
    if (!definition.periods.some((p) => p.period === data.period)) {
      throw AftaleError.field('input.period', `this plan is not sold per ${data.period}`);
    }

    let customerRef: string | null = null;
    let state: PeriodState & { subscriptionRef: string | null };
    if (this.stripe) {
      const providerCtx = { tenantId: ctx.tenantId };
      let priceRefs = version.providerPriceRefs;
      if (version.provider !== 'stripe' || !priceRefs[data.period]) {
        const synced = await this.stripe.syncPlan(providerCtx, {
          planVersionId: version.id,
          plan: definition,
        });
        priceRefs = synced.priceRefs;
        await this.db.inTenant(ctx, (em) =>
          em.update(
            PlanVersionEntity,
            { id: version.id },
            {
              provider: 'stripe',
              providerProductRef: synced.productRef,
              providerPriceRefs: synced.priceRefs,
            },
          ),
        );
        version.providerProductRef = synced.productRef;
      }
      // Both calls carry idempotency keys derived from ours: a retry after a crash gets the
      // same Stripe customer and subscription back, never a second one.
      customerRef = (
        await this.stripe.createCustomer(providerCtx, {
          companyName: data.customer.companyName,
          cvr: data.customer.cvr ?? null,
          email: data.customer.email,
          idempotencyKey: `${data.idempotencyKey}:customer`,
        })
      ).customerRef;
      const remote = await this.stripe.createSubscription(providerCtx, {
        customerRef,
        planVersion: { planVersionId: version.id, plan: definition },
        synced: { productRef: version.providerProductRef ?? '', priceRefs },
        period: data.period,
        users: data.users,
        trialDays: definition.trialDays,
        idempotencyKey: `${data.idempotencyKey}:subscription`,
      });
      state = { ...this.fromRemote(remote, data.period), subscriptionRef: remote.subscriptionRef };
    } else {
      state = { ...startPeriod(now, data.period, definition.trialDays), subscriptionRef: null };
    }
    return {
      existing: null,
      draft: {
        id: randomUUID(),
        planCode: data.planCode,
        customer: {
          companyName: data.customer.companyName,
          cvr: data.customer.cvr ?? null,
          email: data.customer.email,
          providerCustomerRef: customerRef,
        },
        version: { id: version.id, version: version.version, inUse: version.inUse },
        provider: this.providerName,
        providerSubscriptionRef: state.subscriptionRef,
        status: state.status,
        users: data.users,
        period: data.period,
        quote: quoted,
        trialEndsAt: state.trialEndsAt,
        currentPeriodStart: state.currentPeriodStart,
        currentPeriodEnd: state.currentPeriodEnd,
        cancelAtPeriodEnd: state.cancelAtPeriodEnd,
        canceledAt: state.canceledAt,
        idempotencyKey: data.idempotencyKey,
      },
    };
  }

  /** Writes a prepared subscription (its customer, the frozen plan version, the audit). */
  async insert(
    em: EntityManager,
    ctx: TenantContext,
    draft: SubscriptionDraft,
    actor: Actor,
  ): Promise<SubscriptionView> {
    const customer = await em.save(
      em.create(CustomerEntity, {
        tenantId: ctx.tenantId,
        ...draft.customer,
        provider: draft.provider,
      }),
    );
    // Once used, the version is frozen (a trigger refuses later changes to it). in_use
    // never goes back to false, so only its first use writes: later sign-ups neither
    // lock the version's row (one row every concurrent sign-up shared) nor rewrite it.
    if (!draft.version.inUse)
      await em.update(PlanVersionEntity, { id: draft.version.id, inUse: false }, { inUse: true });
    const { customer: _customer, version, planCode, ...fields } = draft;
    // insert, not save: the id is ours already, and save would first look it up. Every
    // column is known here, so the row is not read back either.
    const now = new Date();
    const saved = Object.assign(new SubscriptionEntity(), {
      ...fields,
      tenantId: ctx.tenantId,
      customerId: customer.id,
      planVersionId: version.id,
      createdAt: now,
      updatedAt: now,
    });
    await em.insert(SubscriptionEntity, saved);
    await this.audit.record(em, ctx, actor, {
      action: 'subscription.created',
      targetType: 'subscription',
      targetId: saved.id,
      details: {
        planCode,
        planVersion: version.version,
        users: draft.users,
        period: draft.period,
        provider: draft.provider,
      },
    });
    return view(saved);
  }

  async create(
    ctx: TenantContext,
    input: unknown,
    actor: Actor,
    now = new Date(),
  ): Promise<SubscriptionView> {
    const prepared = await this.prepare(ctx, input, now);
    if (prepared.existing) return prepared.existing;
    const { draft } = prepared;
    try {
      return await this.db.inTenant(ctx, (em) => this.insert(em, ctx, draft, actor));
    } catch (error) {
      if (pgErrorCode(error) === PG_UNIQUE_VIOLATION) {
        const winner = await this.byIdempotencyKey(ctx, draft.idempotencyKey);
        if (winner) return winner; // a concurrent retry with the same key won
      }
      throw error;
    }
  }

  async cancel(
    ctx: TenantContext,
    id: string,
    actor: Actor,
    now = new Date(),
  ): Promise<SubscriptionView> {
    const current = await this.get(ctx, id);
    if (current.status === 'canceled') return current;
    let next: PeriodState;
    if (current.provider === 'stripe' && this.stripe && current.providerSubscriptionRef) {
      next = this.fromRemote(
        await this.stripe.cancelAtPeriodEnd(
          { tenantId: ctx.tenantId },
          current.providerSubscriptionRef,
        ),
        current.period,
      );
    } else {
      next = requestCancel(advancePeriod(periodState(current), now), now);
    }
    return this.db.inTenant(ctx, async (em) => {
      await em.update(SubscriptionEntity, { id }, { ...this.columns(next), updatedAt: new Date() });
      await this.audit.record(em, ctx, actor, {
        action: 'subscription.cancel_requested',
        targetType: 'subscription',
        targetId: id,
      });
      await this.webhooks?.emit(em, ctx, 'subscription.updated', {
        subscriptionId: id,
        status: next.status,
        cancelAtPeriodEnd: next.cancelAtPeriodEnd,
      });
      return view(await em.findOneByOrFail(SubscriptionEntity, { id }));
    });
  }

  async get(ctx: TenantContext, id: string): Promise<SubscriptionView> {
    if (!isUuid(id)) throw AftaleError.field('id', 'must be a subscription id (a UUID)');
    const found = await this.db.inTenant(ctx, (em) => em.findOneBy(SubscriptionEntity, { id }));
    if (!found) throw new AftaleError('NOT_FOUND', `No subscription with id ${id}`);
    return view(found);
  }

  async list(ctx: TenantContext): Promise<SubscriptionView[]> {
    const rows = await this.db.inTenant(ctx, (em) =>
      em.find(SubscriptionEntity, { order: { createdAt: 'DESC' }, take: 200 }),
    );
    return rows.map(view);
  }

  /** Invoice provider: rolls trials and binding periods forward to `now`. Idempotent. */
  async advanceInvoiceSubscriptions(ctx: TenantContext, now = new Date()): Promise<number> {
    return this.db.inTenant(ctx, async (em) => {
      const due = await em
        .createQueryBuilder(SubscriptionEntity, 's')
        .where(
          `s.provider = 'invoice' AND s.status IN ('trialing', 'active') AND s.current_period_end <= :now`,
          { now },
        )
        .getMany();
      for (const s of due) {
        await em.update(
          SubscriptionEntity,
          { id: s.id },
          { ...this.columns(advancePeriod(periodState(s), now)), updatedAt: new Date() },
        );
      }
      return due.length;
    });
  }

  /**
   * Mirrors a Stripe subscription after a webhook: re-fetched, so events arriving twice or
   * out of order converge on Stripe's current state.
   */
  async refreshFromStripe(subscriptionRef: string): Promise<SubscriptionView | null> {
    if (!this.stripe) return null;
    const rows: Array<{ tenant_id: string | null }> = await this.db.inPlatform((em) =>
      em.query('SELECT aftale_resolve_subscription($1, $2) AS tenant_id', [
        'stripe',
        subscriptionRef,
      ]),
    );
    const tenantId = rows[0]?.tenant_id;
    if (!tenantId) return null; // not ours (or not yet stored): nothing to mirror
    const ctx = { tenantId };
    const remote = await this.stripe.fetchSubscription(ctx, subscriptionRef);
    return this.db.inTenant(ctx, async (em) => {
      const local = await em.findOneByOrFail(SubscriptionEntity, {
        provider: 'stripe',
        providerSubscriptionRef: subscriptionRef,
      });
      const mirrored = this.fromRemote(remote, local.period);
      await em.update(
        SubscriptionEntity,
        { id: local.id },
        { ...this.columns(mirrored), updatedAt: new Date() },
      );
      if (
        mirrored.status !== local.status ||
        mirrored.cancelAtPeriodEnd !== local.cancelAtPeriodEnd
      ) {
        await this.webhooks?.emit(em, ctx, 'subscription.updated', {
          subscriptionId: local.id,
          status: mirrored.status,
          cancelAtPeriodEnd: mirrored.cancelAtPeriodEnd,
        });
      }
      return view(await em.findOneByOrFail(SubscriptionEntity, { id: local.id }));
    });
  }

  /** A hosted page where the customer adds a card (Stripe Checkout, setup mode). */
  async paymentSetupUrl(
    ctx: TenantContext,
    id: string,
    urls: { successUrl: string; cancelUrl: string },
  ): Promise<string> {
    for (const [field, value] of Object.entries(urls)) {
      if (!/^https?:\/\/[^\s]+$/.test(value))
        throw AftaleError.field(field, 'must be an http(s) URL, e.g. https://shop.example.dk/tak');
    }
    const sub = await this.get(ctx, id);
    if (sub.provider !== 'stripe' || !this.stripe) {
      throw AftaleError.field(
        'id',
        'this subscription is invoiced by hand; there is no card to add',
      );
    }
    const customer = await this.db.inTenant(ctx, (em) =>
      em.findOneByOrFail(CustomerEntity, { id: sub.customerId }),
    );
    return (
      await this.stripe.createPaymentMethodSetupUrl(ctx, customer.providerCustomerRef ?? '', urls)
    ).url;
  }

  /**
   * After a setup Checkout completes: make the new card the customer's default (Stripe only
   * attaches it) and resume subscriptions that paused at trial end for want of one.
   */
  async completePaymentSetup(checkoutSessionId: string, customerRef: string): Promise<number> {
    if (!(this.stripe instanceof StripeBillingProvider)) return 0;
    const rows: Array<{ tenant_id: string | null }> = await this.db.inPlatform((em) =>
      em.query('SELECT aftale_resolve_customer($1, $2) AS tenant_id', ['stripe', customerRef]),
    );
    const tenantId = rows[0]?.tenant_id;
    if (!tenantId) return 0;
    const ctx = { tenantId };
    await this.stripe.useCheckoutPaymentMethod(ctx, checkoutSessionId);
    const refs = await this.db.inTenant(ctx, (em) =>
      em
        .createQueryBuilder(SubscriptionEntity, 's')
        .innerJoin(CustomerEntity, 'c', 'c.id = s.customer_id')
        .where(`c.provider_customer_ref = :ref AND s.provider = 'stripe'`, { ref: customerRef })
        .getMany(),
    );
    for (const s of refs) {
      if (!s.providerSubscriptionRef) continue;
      await this.stripe.resumeIfPaused(ctx, s.providerSubscriptionRef);
      await this.refreshFromStripe(s.providerSubscriptionRef);
    }
    return refs.length;
  }

  private async byIdempotencyKey(
    ctx: TenantContext,
    key: string,
  ): Promise<SubscriptionView | null> {
    const found = await this.db.inTenant(ctx, (em) =>
      em.findOneBy(SubscriptionEntity, { idempotencyKey: key }),
    );
    return found ? view(found) : null;
  }

  private fromRemote(remote: ProviderSubscription, period: PeriodState['period']): PeriodState {
    return {
      status: remote.status,
      period,
      trialEndsAt: remote.trialEnd,
      currentPeriodStart: remote.currentPeriodStart,
      currentPeriodEnd: remote.currentPeriodEnd,
      cancelAtPeriodEnd: remote.cancelAtPeriodEnd,
      canceledAt: remote.canceledAt,
    };
  }

  private columns(s: PeriodState) {
    return {
      status: s.status,
      trialEndsAt: s.trialEndsAt,
      currentPeriodStart: s.currentPeriodStart,
      currentPeriodEnd: s.currentPeriodEnd,
      cancelAtPeriodEnd: s.cancelAtPeriodEnd,
      canceledAt: s.canceledAt,
    };
  }
}
