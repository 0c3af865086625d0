import { Client } from 'pg';
import { leafHash, verifyInclusion, verifyTreeHead } from '@aftale/evidence';
import { seedDemo, type Services } from '@aftale/server';
import {
  createTestDatabase,
  createTestServices,
  type TestDatabase,
} from '../support/test-database';
import { signUpInput } from '../support/sign-up';

const fromHex = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

describe('per-tenant evidence log (RFC 6962) and signed tree heads', () => {
  let db: TestDatabase;
  let services: Services;
  let replica: Services;
  let owner: Client;
  let ctx: { tenantId: string };
  let documentVersionIds: string[];

  const accept = (key: string, cvr = '45629627') =>
    services.acceptances.accept(
      ctx,
      signUpInput(documentVersionIds, { company: { cvr, contactName: 'Åse' }, users: 5 }),
      {
        idempotencyKey: key,
        ip: '203.0.113.5',
        ipSource: 'socket',
        userAgent: 'jest',
        origin: 'https://shop.example',
      },
      { type: 'cli' },
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    services = await createTestServices(db);
    replica = await createTestServices(db);
    owner = new Client({ connectionString: db.ownerUrl });
    await owner.connect();
    ctx = {
      tenantId: (await seedDemo(services.tenants, services.plans, services.documents)).tenantId,
    };
    documentVersionIds = (await services.acceptances.widgetConfig(ctx)).documents.map(
      (d) => d.versionId,
    );
  });
  afterAll(async () => {
    await services?.close();
    await replica?.close();
    await owner?.end();
    await db?.drop();
  });

  it('queues the sequencer with the acceptance, in the same transaction', async () => {
    await accept('log-test-0001');
    const jobs = await owner.query(
      `SELECT count(*)::int AS n FROM job_queue WHERE queue = 'evidence.sequence' AND tenant_id = $1`,
      [ctx.tenantId],
    );
    expect(jobs.rows[0].n).toBe(1);
  });

  it('appends every acceptance once, with a signed head whose proofs verify', async () => {
    for (let i = 2; i <= 9; i++) await accept(`log-test-000${i}`);
    // Two sequencers at once (two worker replicas): the advisory lock keeps them in line.
    const [a, b] = await Promise.all([
      services.evidenceLog.sequence(ctx),
      replica.evidenceLog.sequence(ctx),
    ]);
    expect(a + b).toBe(9);
    const leaves = await owner.query(
      'SELECT leaf_index, acceptance_id FROM evidence_log WHERE tenant_id = $1 ORDER BY leaf_index',
      [ctx.tenantId],
    );
    expect(leaves.rows.map((r) => Number(r.leaf_index))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Set(leaves.rows.map((r) => r.acceptance_id)).size).toBe(9);

    const head = (await services.evidenceLog.latestTreeHead(ctx))!;
    expect(head.treeSize).toBe(9);
    const [key] = services.evidenceLog.publicKeys();
    expect(verifyTreeHead(head, key!.publicKeyPem)).toBe(true);

    for (const row of leaves.rows) {
      const proof = await services.evidenceLog.inclusionProof(ctx, row.acceptance_id);
      const evidence = (
        await owner.query('SELECT evidence_json FROM acceptances WHERE id = $1', [
          row.acceptance_id,
        ])
      ).rows[0].evidence_json;
      const leaf = leafHash(Buffer.from(evidence, 'utf8'));
      expect(Buffer.from(leaf).toString('hex')).toBe(proof.leafHash);
      expect(
        verifyInclusion(
          leaf,
          proof.leafIndex,
          proof.treeHead.treeSize,
          proof.auditPath.map(fromHex),
          fromHex(proof.treeHead.rootHash),
        ),
      ).toBe(true);
      // Altered evidence does not verify.
      const altered = leafHash(Buffer.from(evidence.replace('Min Dag', 'Min Nat'), 'utf8'));
      expect(
        verifyInclusion(
          altered,
          proof.leafIndex,
          proof.treeHead.treeSize,
          proof.auditPath.map(fromHex),
          fromHex(proof.treeHead.rootHash),
        ),
      ).toBe(false);
    }
    expect(await services.evidenceLog.sequence(ctx)).toBe(0);
  });

  it("the sweep sequences past a job left 'running' by a worker that died", async () => {
    const made = await accept('log-test-stuck-0001');
    // The tenant's sequencer job, claimed by a worker that was then killed: locked for an hour.
    await owner.query(
      `UPDATE job_queue SET state = 'running', locked_by = 'dead-worker', locked_until = now() + interval '1 hour'
        WHERE queue = 'evidence.sequence' AND tenant_id = $1 AND state = 'queued'`,
      [ctx.tenantId],
    );
    const inLog = async () =>
      (
        await owner.query('SELECT count(*)::int AS n FROM evidence_log WHERE acceptance_id = $1', [
          made.acceptanceId,
        ])
      ).rows[0].n as number;
    expect(await inLog()).toBe(0);
    expect(await replica.evidenceLog.sweep()).toBeGreaterThanOrEqual(1);
    expect(await inLog()).toBe(1);
    // Nothing left for a second sweep.
    expect(await replica.evidenceLog.sweep()).toBe(0);
  });

  it('keeps the log and its heads append-only', async () => {
    await expect(
      owner.query('UPDATE evidence_log SET leaf_hash = repeat($1, 64)', ['0']),
    ).rejects.toThrow(/append-only/);
    await expect(owner.query('DELETE FROM tree_heads')).rejects.toThrow(/append-only/);
    await expect(
      services.db.inTenant(ctx, (em) => em.query('DELETE FROM evidence_log')),
    ).rejects.toThrow(/permission denied/);
  });

  it("shows no tenant another tenant's log", async () => {
    const other = await services.tenants.create(
      { name: 'Other', slug: 'log-other' },
      { type: 'cli' },
    );
    const seen = await services.db.inTenant({ tenantId: other.tenant.id }, (em) =>
      em.query('SELECT * FROM evidence_log'),
    );
    expect(seen).toEqual([]);
    expect(await services.evidenceLog.latestTreeHead({ tenantId: other.tenant.id })).toBeNull();
  });
});
