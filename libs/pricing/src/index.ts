export * from './lib/money';
export * from './lib/plan';
export * from './lib/quote';
export * from './lib/format';
export * from './lib/demo-plans';
export * from './lib/subscription-period';
export * from './lib/compute';
