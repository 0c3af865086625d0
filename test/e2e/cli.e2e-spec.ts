import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseApiKey } from '@aftale/domain';
import { createServices } from '@aftale/server';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const root = join(__dirname, '..', '..');

describe('aftale CLI', () => {
  let db: TestDatabase;
  const aftale = (...args: string[]) => {
    const run = spawnSync(process.execPath, [join(root, 'apps/cli/bin/aftale.js'), ...args], {
      cwd: root,
      encoding: 'utf8',
      env: {
        ...process.env,
        DATABASE_URL: db.ownerUrl,
        AFTALE_DATA_DIR: join(root, 'tmp', db.name),
        LOG_LEVEL: 'silent',
      },
    });
    return { code: run.status, stdout: run.stdout, stderr: run.stderr };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('prints help', () => {
    const help = aftale('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/tenant/);
    expect(help.stdout).toMatch(/demo/);
  });

  it('creates a tenant and prints its keys as JSON; the keys work', async () => {
    const made = aftale(
      'tenant',
      'create',
      '--name',
      'CLI Vendor',
      '--slug',
      'cli-vendor',
      '--origin',
      'https://cli.example.dk',
      '--json',
    );
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    const out = JSON.parse(made.stdout);
    expect(Object.keys(out).sort()).toEqual(['publishableKey', 'secretKey', 'slug', 'tenantId']);
    expect(out.slug).toBe('cli-vendor');
    expect(parseApiKey(out.secretKey)).toMatchObject({ kind: 'secret', mode: 'test' });
    expect(parseApiKey(out.publishableKey)).toMatchObject({ kind: 'publishable', mode: 'test' });
    const services = await createServices(db.appUrl, db.config, 'cli-test');
    try {
      expect(await services.apiKeys.authenticate(out.secretKey)).toMatchObject({
        tenantId: out.tenantId,
      });
      const tenant = await services.tenants.get({ tenantId: out.tenantId });
      expect(tenant.allowedOrigins).toEqual(['https://cli.example.dk']);
    } finally {
      await services.close();
    }
  });

  it('creates, lists and revokes keys', async () => {
    aftale('tenant', 'create', '--name', 'Keys', '--slug', 'keys', '--json');
    const created = JSON.parse(
      aftale('key', 'create', '--tenant', 'keys', '--kind', 'publishable', '--live', '--json')
        .stdout,
    );
    expect(created.key).toMatch(/^pk_live_/);
    const listed = JSON.parse(aftale('key', 'list', '--tenant', 'keys', '--json').stdout);
    expect(listed).toHaveLength(3);
    expect(JSON.stringify(listed)).not.toContain(created.key);
    const revoked = aftale('key', 'revoke', '--tenant', 'keys', '--id', created.keyId, '--json');
    expect(revoked.code).toBe(0);
    expect(JSON.parse(revoked.stdout).revokedAt).toEqual(expect.any(String));
  });

  it('refuses bad input with the field named, a non-zero exit and nothing written', async () => {
    const bad = aftale(
      'tenant',
      'create',
      '--name',
      'Bad',
      '--slug',
      'Not A Slug!',
      '--origin',
      'ftp://x',
      '--json',
    );
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    const error = JSON.parse(bad.stderr).error;
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.problems.map((p: { field: string }) => p.field).sort()).toEqual([
      'input.allowedOrigins.0',
      'input.slug',
    ]);
    expect(aftale('key', 'list', '--tenant', 'not-a-slug').code).toBe(1);
    const unknown = aftale('key', 'create', '--tenant', 'nobody-here', '--json');
    expect(JSON.parse(unknown.stderr).error.code).toBe('NOT_FOUND');
    const taken = aftale('tenant', 'create', '--name', 'Again', '--slug', 'cli-vendor', '--json');
    expect(taken.code).toBe(2);
    expect(JSON.parse(taken.stderr).error.code).toBe('CONFLICT');
  });

  it('seeds the demo tenant once', () => {
    const first = JSON.parse(aftale('demo', 'seed', '--json').stdout);
    expect(first.created).toBe(true);
    const second = JSON.parse(aftale('demo', 'seed', '--json').stdout);
    expect(second).toEqual({ created: false, tenantId: first.tenantId });
  });

  it('quotes a demo plan as JSON with total in minor units', () => {
    aftale('demo', 'seed', '--json');
    const q = aftale(
      'plan',
      'quote',
      '--tenant',
      'demo',
      '--plan',
      'standard',
      '--users',
      '40',
      '--json',
    );
    expect(q.code).toBe(0);
    const out = JSON.parse(q.stdout);
    expect(out).toMatchObject({
      planCode: 'standard',
      users: 40,
      period: 'month',
      total: 123500,
      currency: 'DKK',
    });
    const year = JSON.parse(
      aftale(
        'plan',
        'quote',
        '--tenant',
        'demo',
        '--plan',
        'premium',
        '--users',
        '31',
        '--period',
        'year',
        '--json',
      ).stdout,
    );
    expect(year.total).toBe(144500 * 12);
    const bad = aftale(
      'plan',
      'quote',
      '--tenant',
      'demo',
      '--plan',
      'standard',
      '--users',
      '0',
      '--json',
    );
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stderr).error.problems[0].field).toBe('input.users');
    const unknownPeriod = aftale(
      'plan',
      'quote',
      '--tenant',
      'demo',
      '--plan',
      'standard',
      '--users',
      '3',
      '--period',
      'week',
      '--json',
    );
    expect(JSON.parse(unknownPeriod.stderr).error.code).toBe('BAD_USER_INPUT');
  });

  it('stops on invalid configuration, naming the variable', () => {
    const run = spawnSync(
      process.execPath,
      [join(root, 'apps/cli/bin/aftale.js'), 'db', 'migrate'],
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, DATABASE_URL: 'mysql://nope', PORT: 'eighty' },
      },
    );
    expect(run.status).toBe(78);
    expect(run.stderr).toMatch(/DATABASE_URL: must be a PostgreSQL URL, e\.g\./);
    expect(run.stderr).toMatch(/PORT: .*e\.g\. 3000/);
    expect(run.stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });
});
