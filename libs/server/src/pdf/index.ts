export * from './chromium';
export * from './pdf-html';
export * from './pdf-renderer';
export * from './pdf-render-fn';
