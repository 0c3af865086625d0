import type Stripe from 'stripe';
import type { AppConfig } from '../config/config';
import type { BillingProvider } from './billing-provider';
import { StripeBillingProvider, createStripeClient } from './stripe';

export interface Billing {
  provider: BillingProvider | null;
  stripe: Stripe | null;
}

/** Stripe when STRIPE_SECRET_KEY is set; otherwise the invoice provider (provider null). */
export function createBilling(config: Pick<AppConfig, 'stripe'>): Billing {
  if (!config.stripe) return { provider: null, stripe: null };
  const url = config.stripe.apiUrl ? new URL(config.stripe.apiUrl) : null;
  const stripe = createStripeClient({
    secretKey: config.stripe.secretKey,
    ...(url
      ? {
          host: url.hostname,
          port: Number(url.port || (url.protocol === 'http:' ? 80 : 443)),
          protocol: url.protocol === 'http:' ? 'http' : 'https',
        }
      : {}),
  });
  return { provider: new StripeBillingProvider(stripe), stripe };
}
