// The browser-safe part of the domain lib (no node:crypto): what the widget may import.
export * from './lib/errors';
export * from './lib/cvr';
export * from './lib/validation';
export * from './lib/tenant';
export * from './lib/widget-contract';
