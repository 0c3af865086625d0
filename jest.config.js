// Three tiers (immich-style): unit (pure code, beside it), integration (services on a
// real PostgreSQL), e2e (over HTTP against the booted app). The database is DATABASE_URL
// when set, else an embedded PostgreSQL started once per run by the global setup.
const transformer = '<rootDir>/test/support/jest-transform.js';
// ESM-only packages (NestJS 12 and friends) are compiled to CommonJS for Jest.
const ESM_PACKAGES = [
  '@nestjs',
  '@apollo/server',
  'file-type',
  'strtok3',
  'token-types',
  '@tokenizer',
  'uint8array-extras',
  '@borewit',
];
const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.(ts|js|mjs)$': transformer },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
};
module.exports = {
  rootDir: __dirname,
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  transform: shared.transform,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{libs,apps,tools}/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.int-spec.ts'],
    },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'] },
  ],
};
