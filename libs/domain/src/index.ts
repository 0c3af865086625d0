export * from './lib/errors';
export * from './lib/api-key';
export * from './lib/cvr';
export * from './lib/ids';
export * from './lib/validation';
export * from './lib/tenant';
export * from './lib/widget-contract';
