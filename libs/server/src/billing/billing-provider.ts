import type { PlanDefinition, PrepaidPeriod } from '@aftale/pricing';

/**
 * One interface for every billing back end: Stripe, or "invoice" (the vendor invoices by
 * hand and Aftale tracks the periods). Providers hold no state of their own: ids they
 * return are stored by the caller, and state is always re-fetched from the provider.
 */
export const SUBSCRIPTION_STATUSES = [
  'trialing',
  'active',
  'past_due',
  'canceled',
  'paused',
] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export interface ProviderContext {
  /** Aftale tenant id; goes into provider metadata so events can be routed back. */
  tenantId: string;
  /** The vendor's connected Stripe account (Stripe-Account header), when it has one. */
  stripeAccount?: string | undefined;
}

export interface PlanVersionRef {
  /** Aftale's immutable plan version id. */
  planVersionId: string;
  plan: PlanDefinition;
}

/** Provider ids for a synced plan version: one product, one recurring price per period. */
export interface SyncedPlan {
  productRef: string;
  /** e.g. { month: 'price_…', year: 'price_…' } */
  priceRefs: Partial<Record<PrepaidPeriod, string>>;
}

export interface CustomerInput {
  companyName: string;
  /** Danish CVR, registered as a tax id (eu_vat DK########) where the provider supports it. */
  cvr: string | null;
  email: string;
  /** Idempotency key so a retried sign-up never creates two customers. */
  idempotencyKey: string;
}

export interface SubscriptionInput {
  customerRef: string;
  planVersion: PlanVersionRef;
  synced: SyncedPlan;
  period: PrepaidPeriod;
  users: number;
  trialDays: number;
  idempotencyKey: string;
}

export interface ProviderSubscription {
  subscriptionRef: string;
  customerRef: string;
  status: SubscriptionStatus;
  currentPeriodStart: Date;
  currentPeriodEnd: Date;
  trialEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  canceledAt: Date | null;
}

export interface BillingProvider {
  readonly name: 'stripe' | 'invoice';
  syncPlan(ctx: ProviderContext, planVersion: PlanVersionRef): Promise<SyncedPlan>;
  createCustomer(ctx: ProviderContext, input: CustomerInput): Promise<{ customerRef: string }>;
  createSubscription(ctx: ProviderContext, input: SubscriptionInput): Promise<ProviderSubscription>;
  /** Cancels at the end of the paid (binding) period: no refund, access until then. */
  cancelAtPeriodEnd(ctx: ProviderContext, subscriptionRef: string): Promise<ProviderSubscription>;
  fetchSubscription(ctx: ProviderContext, subscriptionRef: string): Promise<ProviderSubscription>;
  /** A hosted page where the customer adds a card (Stripe Checkout in setup mode). */
  createPaymentMethodSetupUrl(
    ctx: ProviderContext,
    customerRef: string,
    urls: { successUrl: string; cancelUrl: string },
  ): Promise<{ url: string }>;
}
