import type { JobHandler } from '../queue/job-queue';
import { DocumentPdfEntity, DocumentVersionEntity } from '../database/entities/document.entities';
import { TenantEntity } from '../database/entities/tenant.entity';
import type { DocumentService } from './document.service';

export interface PdfRenderInput {
  /** The rendered document fragment (already escaped by the document renderer). */
  bodyHtml: string;
  title: string;
  header: { vendor: string; customer: string; documentVersion: string };
  locale: 'da' | 'en';
}
export type PdfRenderFn = (input: PdfRenderInput) => Promise<Buffer>;

/**
 * Renders a queued PDF: re-renders the HTML from the frozen version and the stored values
 * (the payload holds only the PDF id), prints it, stores the bytes. On the last failed
 * attempt the row is marked failed (the job itself is dead-lettered by the queue).
 */
export function documentPdfJob(documents: DocumentService, renderPdf: PdfRenderFn): JobHandler {
  return async (job, { db, tenant, log }) => {
    const pdfId = job.payload['pdfId'];
    if (!tenant || typeof pdfId !== 'string') return;
    const row = await db.inTenant(tenant, (em) => em.findOneBy(DocumentPdfEntity, { id: pdfId }));
    if (!row || row.status === 'ready') return; // gone, or done by an earlier attempt
    try {
      const stored = row.renderValues as { values: Record<string, unknown>; locale: 'da' | 'en' };
      const { version, vendor } = await db.inTenant(tenant, async (em) => ({
        version: await em.findOneByOrFail(DocumentVersionEntity, { id: row.versionId }),
        vendor: await em.findOneByOrFail(TenantEntity, { id: tenant.tenantId }),
      }));
      const rendered = documents.renderLoaded(
        version,
        vendor,
        stored.values as never,
        stored.locale,
      );
      const client = (stored.values['client'] ?? {}) as { name?: string };
      const bytes = await renderPdf({
        bodyHtml: rendered.html,
        title: version.sourceName ?? 'Dokument',
        header: {
          vendor: vendor.name,
          customer: client.name ?? '',
          documentVersion: `v${version.version ?? '-'}`,
        },
        locale: stored.locale,
      });
      await db.inTenant(tenant, (em) =>
        em.update(
          DocumentPdfEntity,
          { id: pdfId },
          {
            status: 'ready',
            pdf: bytes,
            byteSize: bytes.length,
            error: null,
            finishedAt: new Date(),
          },
        ),
      );
      log.info({ pdfId, bytes: bytes.length }, 'document PDF stored');
    } catch (error) {
      if (job.attempts >= job.maxAttempts) {
        const message = error instanceof Error ? error.message : String(error);
        await db.inTenant(tenant, (em) =>
          em.update(
            DocumentPdfEntity,
            { id: pdfId },
            { status: 'failed', error: message.slice(0, 500), finishedAt: new Date() },
          ),
        );
      }
      throw error;
    }
  };
}
