import { AftaleError, isAftaleError, isUuid } from '@aftale/domain';
import { sha256Hex } from '@aftale/evidence';
import { AcceptanceEntity } from '../database/entities/acceptance.entities';
import { ProofBundleEntity } from '../database/entities/proof-bundle.entity';
import { enqueueJob, type JobHandler } from '../queue/job-queue';
import { PROOF_BUNDLE_QUEUE } from '../queue/queues';
import type { Database, TenantContext } from '../tenancy/database';
import type { AcceptanceService } from '../acceptances/acceptance.service';
import type { PdfRenderFn } from '../documents/document-pdf.job';
import type { TenantService } from '../tenants/tenant.service';
import type { EvidenceLogService } from './evidence-log.service';
import type { PdfSealer } from './pdf-seal';
import { exportProofBundle } from './proof-export';

export { PROOF_BUNDLE_QUEUE };

/** Builds the ZIP of one acceptance (exportProofBundle with the worker's PDF renderer). */
export type ProofBundleBuilder = (
  ctx: TenantContext,
  acceptanceId: string,
) => ReturnType<typeof exportProofBundle>;

/** The builder the worker uses: the same bundle as `aftale proof export`, PDF included. */
export function proofBundleBuilder(deps: {
  acceptances: AcceptanceService;
  evidenceLog: EvidenceLogService;
  tenants: TenantService;
  renderPdf: PdfRenderFn;
  pdfSealer: PdfSealer;
}): ProofBundleBuilder {
  return async (ctx, acceptanceId) =>
    exportProofBundle(ctx, acceptanceId, {
      acceptances: deps.acceptances,
      evidenceLog: deps.evidenceLog,
      vendorName: (await deps.tenants.get(ctx)).name,
      renderPdf: deps.renderPdf,
      pdfSealer: deps.pdfSealer,
    });
}

/**
 * Proof bundles for download over the API. Building one prints a PDF in Chromium, so it
 * runs as a queued job (documenso seals the same way); the API only asks and serves.
 * A bundle never goes stale: its inclusion proof holds against the head it names, and any
 * later head is consistent with it (consistencyProof).
 */
export class ProofBundleService {
  constructor(private readonly db: Database) {}

  /** Asks for the bundle of an acceptance; the same row comes back while it exists. */
  async request(ctx: TenantContext, acceptanceId: string): Promise<ProofBundleEntity> {
    if (!isUuid(acceptanceId))
      throw AftaleError.field('acceptanceId', 'must be an acceptance id (a UUID)');
    return this.db.inTenant(ctx, async (em) => {
      if (!(await em.existsBy(AcceptanceEntity, { id: acceptanceId })))
        throw new AftaleError('NOT_FOUND', `No acceptance with id ${acceptanceId}`, [
          { field: 'acceptanceId', message: 'unknown' },
        ]);
      // One row per acceptance, also when two replicas are asked at once.
      await em.query(
        `INSERT INTO proof_bundles (tenant_id, acceptance_id, status) VALUES ($1, $2, 'pending')
         ON CONFLICT (tenant_id, acceptance_id) DO NOTHING`,
        [ctx.tenantId, acceptanceId],
      );
      const row = await em.findOneByOrFail(ProofBundleEntity, { acceptanceId });
      if (row.status === 'ready') return row;
      if (row.status === 'failed')
        await em.update(ProofBundleEntity, { id: row.id }, { status: 'pending', error: null });
      await enqueueJob(em, ctx, {
        queue: PROOF_BUNDLE_QUEUE,
        payload: { bundleId: row.id },
        maxAttempts: 4,
        singletonKey: row.id,
      });
      return em.findOneByOrFail(ProofBundleEntity, { id: row.id });
    });
  }

  async get(ctx: TenantContext, id: string): Promise<ProofBundleEntity> {
    if (!isUuid(id)) throw AftaleError.field('id', 'must be a proof bundle id (a UUID)');
    const row = await this.db.inTenant(ctx, (em) => em.findOneBy(ProofBundleEntity, { id }));
    if (!row) throw new AftaleError('NOT_FOUND', `No proof bundle with id ${id}`);
    return row;
  }

  /** The ZIP, once ready; a typed error says what state it is in otherwise. */
  async download(
    ctx: TenantContext,
    id: string,
  ): Promise<{ row: ProofBundleEntity; bytes: Buffer }> {
    const row = await this.get(ctx, id);
    if (row.status !== 'ready')
      throw new AftaleError(
        'NOT_FOUND',
        `The proof bundle is ${row.status}${row.error ? `: ${row.error}` : ''}; ask again shortly.`,
      );
    const rows: Array<{ bundle: Buffer }> = await this.db.inTenant(ctx, (em) =>
      em.query('SELECT bundle FROM proof_bundles WHERE id = $1', [id]),
    );
    return { row, bytes: rows[0]!.bundle };
  }

  /** Stores a built bundle with the size of the tree head its inclusion proof is against. */
  async complete(
    ctx: TenantContext,
    id: string,
    bundle: Uint8Array,
    treeSize: number,
  ): Promise<void> {
    await this.db.inTenant(ctx, (em) =>
      em.update(
        ProofBundleEntity,
        { id },
        {
          status: 'ready',
          bundle: Buffer.from(bundle),
          byteSize: bundle.length,
          sha256: sha256Hex(bundle),
          treeSize,
          error: null,
          finishedAt: new Date(),
        },
      ),
    );
  }

  async fail(ctx: TenantContext, id: string, message: string): Promise<void> {
    await this.db.inTenant(ctx, (em) =>
      em.update(
        ProofBundleEntity,
        { id },
        { status: 'failed', error: message.slice(0, 500), finishedAt: new Date() },
      ),
    );
  }
}

/**
 * The worker's job: integrates the acceptance into the log first (an acceptance asked for
 * within seconds of being made may not be sequenced yet), then builds and stores the ZIP.
 */
export function proofBundleJob(
  bundles: ProofBundleService,
  evidenceLog: EvidenceLogService,
  build: ProofBundleBuilder,
): JobHandler {
  return async (job, { tenant, log }) => {
    const id = job.payload['bundleId'];
    if (!tenant || typeof id !== 'string') return;
    const row = await bundles.get(tenant, id).catch((error: unknown) => {
      // Gone (or never this tenant's): nothing to build. Anything else is retried.
      if (isAftaleError(error) && error.code === 'NOT_FOUND') return null;
      throw error;
    });
    if (!row || row.status === 'ready') return;
    try {
      await evidenceLog.sequence(tenant);
      const { zip, treeHead } = await build(tenant, row.acceptanceId);
      await bundles.complete(tenant, id, zip, treeHead.treeSize);
      log.info({ bundleId: id, bytes: zip.length }, 'proof bundle stored');
    } catch (error) {
      if (job.attempts >= job.maxAttempts)
        await bundles.fail(tenant, id, error instanceof Error ? error.message : String(error));
      throw error;
    }
  };
}
