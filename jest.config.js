// Three tiers (immich-style): unit (pure code, beside it), integration (services on a
// real PostgreSQL), e2e (over HTTP against the booted app). The database is DATABASE_URL
// when set, else an embedded PostgreSQL started once per run by the global setup.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      // Rewrites @aftale/* at compile time, so the global setup resolves them too.
      baseUrl: __dirname,
      paths: {
        '@aftale/domain': ['libs/domain/src/index.ts'],
        '@aftale/server': ['libs/server/src/index.ts'],
      },
    },
    module: { type: 'commonjs' },
  },
];
const shared = {
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: { '^@aftale/(.*)$': '<rootDir>/libs/$1/src/index.ts' },
  testEnvironment: 'node',
  rootDir: __dirname,
};
module.exports = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  transform: { '^.+\\.ts$': swc },
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{libs,apps,tools}/**/*.spec.ts'] },
    { ...shared, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.int-spec.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'] },
  ],
};
