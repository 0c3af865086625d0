import { Client } from 'pg';
import { AftaleError } from '@aftale/domain';
import { ApiKeyEntity, type Services } from '@aftale/server';
import {
  createTestDatabase,
  createTestServices,
  type TestDatabase,
} from '../support/test-database';

/** Tables with no tenant data, and why. Anything else must carry tenant_id under FORCE'd RLS. */
const PLATFORM_TABLES: Record<string, string> = {
  migrations: 'TypeORM migration history',
  rate_limit_counters: 'hashed request buckets shared by API replicas',
  billing_events: 'provider event ids (processed once), no tenant data',
};

describe('tenant isolation (row-level security)', () => {
  let db: TestDatabase;
  let services: Services;
  let owner: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    services = await createTestServices(db);
    owner = new Client({ connectionString: db.ownerUrl });
    await owner.connect();
  });
  afterAll(async () => {
    await services?.close();
    await owner?.end();
    await db?.drop();
  });

  it('forces RLS on every tenant-owned table and knows every other table', async () => {
    const { rows } = await owner.query<{
      table_name: string;
      has_tenant_id: boolean;
      rls: boolean;
      forced: boolean;
    }>(`
      SELECT c.relname AS table_name,
             EXISTS (SELECT 1 FROM information_schema.columns col
                      WHERE col.table_schema = 'public' AND col.table_name = c.relname
                        AND col.column_name = 'tenant_id') AS has_tenant_id,
             c.relrowsecurity AS rls, c.relforcerowsecurity AS forced
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
       ORDER BY 1`);
    expect(rows.length).toBeGreaterThanOrEqual(5);
    const offenders = rows
      .filter(
        (t) => t.has_tenant_id || t.table_name === 'tenants' || !(t.table_name in PLATFORM_TABLES),
      )
      .filter((t) => !(t.rls && t.forced))
      .map((t) => t.table_name);
    expect(offenders).toEqual([]);
  });

  it('connects the app as a role that is neither superuser, owner nor RLS-exempt', async () => {
    const app = new Client({ connectionString: db.appUrl });
    await app.connect();
    try {
      const { rows } = await app.query(`
        SELECT r.rolsuper, r.rolbypassrls,
               (SELECT count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = 'public' AND pg_has_role(current_user, c.relowner, 'MEMBER')) AS owned
          FROM pg_roles r WHERE r.rolname = current_user`);
      expect(rows[0]).toEqual({ rolsuper: false, rolbypassrls: false, owned: 0 });
    } finally {
      await app.end();
    }
  });

  it("shows tenant B none of tenant A's rows, even in a query without WHERE tenant_id", async () => {
    const a = await services.tenants.create(
      { name: 'Vendor A', slug: 'vendor-a' },
      { type: 'cli' },
    );
    const b = await services.tenants.create(
      { name: 'Vendor B', slug: 'vendor-b' },
      { type: 'cli' },
    );
    const ctxB = { tenantId: b.tenant.id };

    const seenByB = await services.db.inTenant(ctxB, async (em) => ({
      tenants: await em.query('SELECT id FROM tenants'),
      keys: await em.query('SELECT tenant_id FROM api_keys'),
      audit: await em.query('SELECT tenant_id FROM audit_events'),
    }));
    expect(seenByB.tenants).toEqual([{ id: b.tenant.id }]);
    expect(seenByB.keys).toHaveLength(2);
    expect(seenByB.keys.every((r: { tenant_id: string }) => r.tenant_id === b.tenant.id)).toBe(
      true,
    );
    expect(seenByB.audit.length).toBeGreaterThan(0);
    expect(seenByB.audit.some((r: { tenant_id: string }) => r.tenant_id === a.tenant.id)).toBe(
      false,
    );

    // The owner sees both, so the rows exist: it is RLS that hides them.
    const all = await owner.query('SELECT count(*)::int AS n FROM api_keys');
    expect(all.rows[0].n).toBe(4);
  });

  it('sees no rows at all without a tenant context', async () => {
    const rows = await services.db.inPlatform(async (em) => ({
      tenants: await em.query('SELECT * FROM tenants'),
      keys: await em.query('SELECT * FROM api_keys'),
      audit: await em.query('SELECT * FROM audit_events'),
    }));
    expect(rows).toEqual({ tenants: [], keys: [], audit: [] });
  });

  it('refuses to write a row into another tenant', async () => {
    const a = await services.tenants.create(
      { name: 'Writer A', slug: 'writer-a' },
      { type: 'cli' },
    );
    const b = await services.tenants.create(
      { name: 'Writer B', slug: 'writer-b' },
      { type: 'cli' },
    );
    await expect(
      services.db.inTenant({ tenantId: b.tenant.id }, (em) =>
        em.insert(ApiKeyEntity, {
          tenantId: a.tenant.id,
          kind: 'secret',
          mode: 'test',
          keyHash: 'a'.repeat(64),
          last4: 'abcd',
          name: 'smuggled',
        }),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      services.db.inTenant({ tenantId: b.tenant.id }, (em) =>
        em.query(`UPDATE tenants SET name = 'hijacked' WHERE id = $1 RETURNING id`, [a.tenant.id]),
      ),
    ).resolves.toEqual([[], 0]);
    const check = await owner.query('SELECT name FROM tenants WHERE id = $1', [a.tenant.id]);
    expect(check.rows[0].name).toBe('Writer A');
  });

  it('never lets a pooled connection carry one tenant into the next transaction', async () => {
    const single = await createTestServices({
      ...db,
      config: { ...db.config, database: { ...db.config.database, poolSize: 1 } },
    });
    try {
      const t = await single.tenants.create({ name: 'Pooled', slug: 'pooled' }, { type: 'cli' });
      await single.db.inTenant({ tenantId: t.tenant.id }, (em) => em.query('SELECT 1'));
      const after = await single.db.inPlatform((em) =>
        em.query(
          `SELECT current_setting('app.tenant_id', true) AS t, (SELECT count(*)::int FROM tenants) AS n, pg_backend_pid() AS pid`,
        ),
      );
      expect(after[0].t ?? '').toBe('');
      expect(after[0].n).toBe(0);
    } finally {
      await single.close();
    }
  });

  it('keeps the audit trail append-only for the app role', async () => {
    const t = await services.tenants.create({ name: 'Audited', slug: 'audited' }, { type: 'cli' });
    await expect(
      services.db.inTenant({ tenantId: t.tenant.id }, (em) =>
        em.query(`UPDATE audit_events SET action = 'x'`),
      ),
    ).rejects.toThrow(/permission denied/);
    await expect(
      services.db.inTenant({ tenantId: t.tenant.id }, (em) => em.query(`DELETE FROM audit_events`)),
    ).rejects.toThrow(/permission denied/);
    // Not even the owner can rewrite history.
    await expect(owner.query(`DELETE FROM audit_events`)).rejects.toThrow(/append-only/);
  });

  it('refuses a taken slug with CONFLICT and writes nothing', async () => {
    await services.tenants.create({ name: 'First', slug: 'taken' }, { type: 'cli' });
    const before = await owner.query(
      'SELECT (SELECT count(*) FROM tenants)::int AS t, (SELECT count(*) FROM api_keys)::int AS k',
    );
    const error = await services.tenants
      .create({ name: 'Second', slug: 'taken' }, { type: 'cli' })
      .catch((e) => e);
    expect(error).toBeInstanceOf(AftaleError);
    expect(error.code).toBe('CONFLICT');
    expect(error.problems[0].field).toBe('input.slug');
    const after = await owner.query(
      'SELECT (SELECT count(*) FROM tenants)::int AS t, (SELECT count(*) FROM api_keys)::int AS k',
    );
    expect(after.rows[0]).toEqual(before.rows[0]);
  });

  it('refuses bad tenant input with the field named, and writes nothing', async () => {
    const before = await owner.query('SELECT count(*)::int AS n FROM tenants');
    const error = await services.tenants
      .create(
        { name: 'Bad', slug: 'bad', cvr: '37308839', allowedOrigins: ['https://ok.dk', 'ftp://x'] },
        { type: 'cli' },
      )
      .catch((e) => e);
    expect(error.code).toBe('BAD_USER_INPUT');
    const fields = error.problems.map((p: { field: string }) => p.field).sort();
    expect(fields).toEqual(['input.allowedOrigins.1', 'input.cvr']);
    const after = await owner.query('SELECT count(*)::int AS n FROM tenants');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });
});
