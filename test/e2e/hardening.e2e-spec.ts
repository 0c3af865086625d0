import { generateKeyPairSync } from 'node:crypto';
import { loadConfig, type ProvisionedTenant, type Services } from '@aftale/server';
import {
  createTestDatabase,
  createTestServices,
  type TestDatabase,
} from '../support/test-database';
import { opensslCertificate } from '../../libs/server/src/evidence/openssl-certificate.test-support';
import { startApi, type RunningApi } from '../support/api-harness';

describe('GraphQL hardening over HTTP', () => {
  let db: TestDatabase;
  let services: Services;
  let tight: RunningApi;
  let replica: RunningApi;
  let production: RunningApi;
  let t: ProvisionedTenant;

  beforeAll(async () => {
    db = await createTestDatabase();
    services = await createTestServices(db);
    const limits = {
      ...db.config,
      graphql: { maxDepth: 1, maxCost: 20, introspection: true },
      rateLimit: { perIpPerMinute: 1000, perKeyPerMinute: 8 },
    };
    tight = await startApi(limits, services);
    replica = await startApi(limits, services); // a second API replica on the same database
    // A throwaway certificate for the acceptance PDFs, which production requires.
    const pdfCertificate = opensslCertificate('/CN=Aftale hardening test');
    // The production configuration exactly as loadConfig derives it (introspection included).
    const productionConfig = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: db.ownerUrl,
      DATABASE_APP_PASSWORD: 'production-like-password',
      ACCEPTANCE_TOKEN_SECRET: 'x'.repeat(40),
      SECRETS_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      EVIDENCE_SIGNING_KEY: generateKeyPairSync('ed25519')
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString(),
      EVIDENCE_PDF_CERTIFICATE: pdfCertificate.certificatePem,
      EVIDENCE_PDF_CERTIFICATE_KEY: pdfCertificate.privateKeyPem,
      LOG_LEVEL: 'silent',
    });
    production = await startApi(productionConfig, services);
    t = await services.tenants.create({ name: 'Hardened', slug: 'hardened' }, { type: 'cli' });
  });
  afterAll(async () => {
    await Promise.all([tight?.close(), replica?.close(), production?.close()]);
    await services?.close();
    await db?.drop();
  });

  const code = (r: {
    body: { errors?: Array<{ extensions: { code: string; reason?: string } }> };
  }) => r.body.errors?.[0]?.extensions;

  it('refuses a query deeper than the depth limit', async () => {
    const shallow = await tight.gql('{ tenant { name } }', { key: t.secretKey.plaintext });
    expect(shallow.body.data?.tenant.name).toBe('Hardened');
    const deep = await tight.gql(
      'mutation { createApiKey(input: { kind: secret, mode: test }) { apiKey { id } } }',
      { key: t.secretKey.plaintext },
    );
    expect(code(deep)?.code).toBe('BAD_USER_INPUT');
    expect(deep.body.errors?.[0]?.message).toMatch(/depth/);
    const keys = await services.apiKeys.list({ tenantId: t.tenant.id });
    expect(keys).toHaveLength(2); // nothing ran
  });

  it('refuses a query costing more than the cost limit, counting list sizes', async () => {
    const cheap = await tight.gql('{ auditEvents(limit: 2) { action } }', {
      key: t.secretKey.plaintext,
    });
    expect(cheap.body.errors).toBeUndefined();
    const costly = await tight.gql('{ auditEvents(limit: 200) { action actor createdAt } }', {
      key: t.secretKey.plaintext,
    });
    expect(code(costly)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'COST_LIMIT' });
  });

  it('rate-limits a key across replicas with RATE_LIMITED', async () => {
    const key = (
      await services.apiKeys.create(
        { tenantId: t.tenant.id },
        { kind: 'secret', mode: 'test' },
        { type: 'cli' },
      )
    ).plaintext;
    // GraphQL-over-HTTP answers execution errors with 200 (NestJS resets the status);
    // the typed code is the signal.
    const results: string[] = [];
    for (let i = 0; i < 10; i++) {
      const api = i % 2 === 0 ? tight : replica;
      const res = await api.gql('{ tenant { slug } }', { key });
      results.push(code(res)?.code ?? 'ok');
      if (i === 9) {
        expect(code(res)?.code).toBe('RATE_LIMITED');
        expect(res.body.errors?.[0]?.message).toMatch(/Retry in \d+ s/);
      }
    }
    expect(results).toEqual([...Array(8).fill('ok'), 'RATE_LIMITED', 'RATE_LIMITED']);
  });

  it('turns introspection off in production', async () => {
    const res = await production.gql('{ __schema { types { name } } }', {
      key: t.secretKey.plaintext,
    });
    expect(code(res)?.code).toBe('BAD_USER_INPUT');
    expect(res.body.data ?? null).toBeNull();
    const dev = await tight.gql('{ __schema { queryType { name } } }', {
      key: t.secretKey.plaintext,
    });
    expect(dev.body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });
});
