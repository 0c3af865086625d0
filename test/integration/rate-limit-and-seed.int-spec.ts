import { Client } from 'pg';
import { AftaleError } from '@aftale/domain';
import { seedDemo, type Services } from '@aftale/server';
import {
  createTestDatabase,
  createTestServices,
  type TestDatabase,
} from '../support/test-database';

describe('shared rate limits, demo seed and key service', () => {
  let db: TestDatabase;
  let replica1: Services;
  let replica2: Services;

  beforeAll(async () => {
    db = await createTestDatabase();
    replica1 = await createTestServices(db);
    replica2 = await createTestServices(db);
  });
  afterAll(async () => {
    await replica1?.close();
    await replica2?.close();
    await db?.drop();
  });

  it('counts hits from two replicas against one limit', async () => {
    const subject = `ip:198.51.100.${Math.floor(Math.random() * 200)}`;
    const decisions = [];
    for (let i = 0; i < 6; i++) {
      const replica = i % 2 === 0 ? replica1 : replica2;
      decisions.push(await replica.rateLimiter.consume(subject, 4, 60));
    }
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, false, false]);
    expect(decisions[3]!.remaining).toBe(0);
  });

  it('stores no raw IP address', async () => {
    await replica1.rateLimiter.consume('ip:203.0.113.77', 10, 60);
    const owner = new Client({ connectionString: db.ownerUrl });
    await owner.connect();
    const { rows } = await owner.query(`SELECT bucket FROM rate_limit_counters`);
    await owner.end();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((r) => String(r.bucket).includes('203.0.113.77'))).toBe(false);
  });

  it('seeds the demo tenant once; a second run changes nothing', async () => {
    const first = await seedDemo(replica1.tenants, replica1.plans, replica1.documents);
    expect(first.created).toBe(true);
    const second = await seedDemo(replica2.tenants, replica2.plans, replica2.documents);
    expect(second).toEqual({ created: false, tenantId: first.tenantId });
    const keys = await replica1.apiKeys.list({ tenantId: first.tenantId });
    expect(keys).toHaveLength(2);
    if (first.created) {
      const auth = await replica1.apiKeys.authenticate(first.secretKey);
      expect(auth).toMatchObject({ tenantId: first.tenantId, kind: 'secret', mode: 'test' });
    }
  });

  it('refuses a mistyped key before touching the database', async () => {
    const broken = await replica1.apiKeys
      .authenticate('sk_test_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')
      .catch((e: unknown) => e);
    expect(broken).toBeInstanceOf(AftaleError);
    expect((broken as AftaleError).code).toBe('UNAUTHENTICATED');
    expect((broken as AftaleError).message).toMatch(/checksum/);
  });
});
