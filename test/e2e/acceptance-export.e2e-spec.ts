import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';
import { seedDemo, type Services } from '@aftale/server';
import {
  createTestDatabase,
  createTestServices,
  type TestDatabase,
} from '../support/test-database';
import { signUpInput } from '../support/sign-up';

jest.setTimeout(240_000);

const ROWS = 100_000;
/** V8 heap cap for the exporting process: far below what the export writes. */
const HEAP_CAP_MB = 96;
const root = join(__dirname, '..', '..');

describe('bulk export of 100,000 acceptances: streamed, constant memory, nothing skipped', () => {
  let db: TestDatabase;
  let services: Services;
  let owner: Client;
  const dir = mkdtempSync(join(tmpdir(), 'aftale-export-'));

  beforeAll(async () => {
    db = await createTestDatabase();
    services = await createTestServices(db);
    owner = new Client({ connectionString: db.ownerUrl });
    await owner.connect();
    const seeded = await seedDemo(services.tenants, services.plans, services.documents);
    if (!seeded.created) throw new Error('expected a fresh demo tenant');
    const ctx = { tenantId: seeded.tenantId };
    const config = await services.acceptances.widgetConfig(ctx);
    const made = await services.acceptances.accept(
      ctx,
      signUpInput(config.documents.map((d) => d.versionId)),
      {
        idempotencyKey: 'export-seed-0001',
        ip: '198.51.100.7',
        ipSource: 'vendor-reported',
        userAgent: 'test',
        origin: null,
      },
      { type: 'cli' },
      'api',
    );
    // 100,000 more records like it, 7 µs apart: about 140 share each millisecond, which is
    // what a busy checkout produces and what a millisecond cursor would skip.
    await owner.query(
      `INSERT INTO acceptances (tenant_id, idempotency_key, subscription_id, plan_version_id, company,
         company_cvr, evidence, evidence_json, evidence_sha256, source, created_at)
       SELECT tenant_id, 'bulk-' || n, subscription_id, plan_version_id, company, company_cvr,
         evidence, evidence_json, evidence_sha256, source, created_at - n * interval '7 microseconds'
       FROM acceptances, generate_series(1, $2::int) AS n WHERE id = $1`,
      [made.acceptanceId, ROWS],
    );
  });
  afterAll(async () => {
    await services?.close();
    await owner?.end();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the real CLI with its V8 heap capped: buffering the export would crash it. */
  const exportWithCappedHeap = (format: 'csv' | 'ndjson', out: string) =>
    spawnSync(
      process.execPath,
      [
        `--max-old-space-size=${HEAP_CAP_MB}`,
        join(root, 'apps/cli/bin/aftale.js'),
        'acceptance',
        'export',
        '--tenant',
        'demo',
        '--format',
        format,
        '--out',
        out,
        '--json',
      ],
      {
        cwd: root,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        env: {
          ...process.env,
          DATABASE_URL: db.ownerUrl,
          AFTALE_DATA_DIR: join(root, 'tmp', db.name),
          LOG_LEVEL: 'silent',
        },
      },
    );

  const distinctIds = async (file: string, idOf: (line: string) => string | undefined) => {
    const ids = new Set<string>();
    let lines = 0;
    for await (const line of createInterface({ input: createReadStream(file) })) {
      lines++;
      const id = idOf(line);
      if (id) ids.add(id);
    }
    return { lines, ids: ids.size };
  };

  it('writes every acceptance once as NDJSON, several times more bytes than the heap allows', async () => {
    const out = join(dir, 'all.ndjson');
    const run = exportWithCappedHeap('ndjson', out);
    expect(run.stderr).not.toMatch(/heap out of memory|FATAL/);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ rows: ROWS + 1, format: 'ndjson' });
    // The proof that it streamed: the file is far larger than the heap it was written with.
    expect(statSync(out).size).toBeGreaterThan(2 * HEAP_CAP_MB * 1024 * 1024);
    let line = 0;
    const seen = await distinctIds(out, (l) => {
      // Every 1,000th line is parsed in full; the rest only for the id (the file is large).
      if (line++ % 1000 !== 0) return /^\{"id":"([0-9a-f-]{36})"/.exec(l)?.[1];
      const record = JSON.parse(l) as { id: string; evidenceSha256: string };
      // The sealed evidence goes out byte for byte: its hash is checkable from the file.
      const evidenceText = l.slice(l.indexOf('"evidence":') + '"evidence":'.length, -1);
      expect(createHash('sha256').update(evidenceText).digest('hex')).toBe(record.evidenceSha256);
      return record.id;
    });
    expect(seen).toEqual({ lines: ROWS + 1, ids: ROWS + 1 });
    // Progress went to stderr while it ran.
    expect(run.stderr).toContain(`${ROWS + 1} acceptances exported`);
  });

  it('writes the same rows as CSV, one header and one line each', async () => {
    const out = join(dir, 'all.csv');
    const run = exportWithCappedHeap('csv', out);
    expect(run.status).toBe(0);
    const seen = await distinctIds(out, (l) => (l.startsWith('id,') ? undefined : l.split(',')[0]));
    expect(seen).toEqual({ lines: ROWS + 2, ids: ROWS + 1 });
  });

  it('pages by cursor without skipping rows made in the same millisecond', async () => {
    const ctx = await services.tenants.resolveSlug('demo');
    const paged: string[] = [];
    let after: string | undefined;
    for (let i = 0; i < 25; i++) {
      const page = await services.acceptances.page(ctx, {
        first: 200,
        ...(after ? { after } : {}),
      });
      paged.push(...page.rows.map((r) => r.id));
      after = page.endCursor ?? undefined;
    }
    // 25 pages of 200, newest first, ~140 rows per millisecond: exactly the first 5,000.
    const truth = await owner.query(
      'SELECT id FROM acceptances ORDER BY created_at DESC, id DESC LIMIT 5000',
    );
    expect(paged).toEqual(truth.rows.map((r) => r.id));
  });
});
