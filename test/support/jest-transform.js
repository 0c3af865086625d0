// Jest (on Node 20) cannot require() ES modules, and NestJS 12 ships only ESM. This
// transformer lets SWC compile those packages to CommonJS for the test runtime; the two
// ESM-only idioms SWC leaves behind (import.meta.url, a module-level `require` made with
// createRequire) are rewritten to their CommonJS equivalents first. Test runtime only:
// the product itself runs on Node's native require(esm).
'use strict';
const path = require('node:path');
const { createTransformer } = require('@swc/jest');

const root = path.resolve(__dirname, '..', '..');
const swc = createTransformer({
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    baseUrl: root,
    paths: {
      '@aftale/domain': ['libs/domain/src/index.ts'],
      '@aftale/server': ['libs/server/src/index.ts'],
      '@aftale/pricing': ['libs/pricing/src/index.ts'],
      '@aftale/documents': ['libs/documents/src/index.ts'],
      '@aftale/evidence': ['libs/evidence/src/index.ts'],
    },
  },
  module: { type: 'commonjs' },
});

function prepare(src, filename) {
  if (!filename.includes(`${path.sep}node_modules${path.sep}`)) return src;
  return src
    .replace(/const require\s*=\s*createRequire\(import\.meta\.url\);?/g, '')
    .replace(/import\.meta\.url/g, "require('node:url').pathToFileURL(__filename).href")
    .replace(/import\.meta\.dirname/g, '__dirname');
}

module.exports = {
  process(src, filename, options) {
    return swc.process(prepare(src, filename), filename, options);
  },
  getCacheKey(src, filename, options) {
    return swc.getCacheKey(prepare(src, filename), filename, options) + ':esm-shim-1';
  },
};
