export * from './stripe-billing.provider';
export * from './stripe-webhook';
