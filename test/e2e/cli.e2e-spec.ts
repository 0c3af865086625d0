import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseApiKey } from '@aftale/domain';
import { createServices } from '@aftale/server';
import { runAftale } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const root = join(__dirname, '..', '..');

describe('aftale CLI', () => {
  let db: TestDatabase;
  const aftale = (...args: string[]) => runAftale(db, ...args);
  /** `aftale document import --tenant docs-vendor --kind dpa …` */
  const importDpa = (...args: string[]) =>
    aftale('document', 'import', '--tenant', 'docs-vendor', '--kind', 'dpa', ...args);

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

  it('imports, publishes and renders a document to HTML and PDF', () => {
    aftale('tenant', 'create', '--name', 'Docs Vendor', '--slug', 'docs-vendor', '--json');
    const dir = mkdtempSync(join(tmpdir(), 'aftale-cli-doc-'));
    const md = join(dir, 'dpa.md');
    writeFileSync(
      md,
      '# Databehandleraftale\n\n## 1. Parter\n\nDen dataansvarlige: {{client.name}}, CVR #CLIENT_CVR#.\n\nDatabehandler: {{vendor.name}}.\n',
    );
    const imported = importDpa('--file', md, '--publish', '--json');
    expect(imported.stderr).toBe('');
    const out = JSON.parse(imported.stdout);
    expect(out).toMatchObject({
      status: 'published',
      version: 1,
      unknownPlaceholders: [],
      warnings: [],
    });
    expect(out.placeholders.map((p: { raw: string }) => p.raw)).toEqual([
      '{{client.name}}',
      '#CLIENT_CVR#',
      '{{vendor.name}}',
    ]);
    const valuesFile = join(dir, 'values.json');
    writeFileSync(
      valuesFile,
      JSON.stringify({ client: { name: 'Min Dag Min Energi ApS', cvr: '45629627' } }),
    );
    const html = join(dir, 'out.html');
    const pdf = join(dir, 'out.pdf');
    const rendered = aftale(
      'document',
      'render',
      '--tenant',
      'docs-vendor',
      '--version',
      out.versionId,
      '--values',
      valuesFile,
      '--html',
      html,
      '--pdf',
      pdf,
      '--json',
    );
    expect(rendered.stderr).toBe('');
    expect(readFileSync(html, 'utf8')).toContain('Min Dag Min Energi ApS, CVR 45629627');
    const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' });
    expect(text).toContain('Min Dag Min Energi ApS, CVR 45629627');
    expect(text).toContain('Docs Vendor');
  });

  it('reports the IT-Bilen blanks and refuses to publish them', () => {
    const file = join(root, '..', 'shared', 'corpus', 'itbilen-dpa-standard-clauses.txt');
    const run = importDpa('--file', file, '--publish', '--json');
    expect(run.code).toBe(2);
    const error = JSON.parse(run.stderr).error;
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(error.problems)).toMatch(/Firma navn/);
    const draft = JSON.parse(importDpa('--file', file, '--json').stdout);
    const blanks = draft.suspectedBlanks.map((b: { text: string }) => b.text);
    expect(blanks).toEqual(
      expect.arrayContaining(['Firma navn', 'xxxx', 'CVR. nr.: xxx', 'Dato: x/x-2024']),
    );
    expect(draft.suspectedBlanks.every((b: { line?: number }) => typeof b.line === 'number')).toBe(
      true,
    );
  });

  it('refuses a 50 MB file without reading it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aftale-cli-big-'));
    const big = join(dir, 'big.docx');
    writeFileSync(big, '');
    truncateSync(big, 50 * 1024 * 1024);
    const run = importDpa('--file', big, '--json');
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stderr).error.problems[0]).toMatchObject({
      field: '--file',
      message: expect.stringMatching(/50\.0 MB; at most 10 MB/),
    });
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
