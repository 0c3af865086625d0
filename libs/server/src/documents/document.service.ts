import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { AftaleError, parseInput, isUuid } from '@aftale/domain';
import {
  IMPORT_FORMATS,
  assertPublishable,
  canonicalJson,
  declareCustomFields,
  importDocument,
  renderDocument,
  renderText,
  sha256Hex,
  type DocumentValues,
  type ImportFormat,
  type ImportResult,
  type SubprocessorEntry,
} from '@aftale/documents';
import {
  DocumentEntity,
  DocumentPdfEntity,
  DocumentVersionEntity,
  type DocumentKind,
  type ImportReport,
} from '../database/entities/document.entities';
import { TenantEntity } from '../database/entities/tenant.entity';
import type { Database, TenantContext } from '../tenancy/database';
import type { Actor, AuditService } from '../audit/audit.service';
import { enqueueJob } from '../queue/job-queue';
import type { WebhookService } from '../webhooks/webhook.service';

/** Refused before any parsing: a DPA is a few hundred KB at most, even as .docx. */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;
import { DOCUMENT_PDF_QUEUE } from '../queue/queues';
export { DOCUMENT_PDF_QUEUE };

const importSchema = z.strictObject({
  kind: z.enum(['dpa', 'terms'], { error: 'dpa or terms' }),
  format: z.enum(IMPORT_FORMATS as [ImportFormat, ...ImportFormat[]], {
    error: 'text, markdown, html or docx',
  }),
  title: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(200, 'at most 200 characters')
    .optional(),
  sourceName: z.string().max(255, 'at most 255 characters').optional(),
  customFields: z.unknown().optional(),
});

export interface ImportedDraft {
  document: DocumentEntity;
  version: DocumentVersionEntity;
  result: ImportResult;
}

function report(result: ImportResult): ImportReport {
  return {
    placeholders: result.placeholders.map((p) => ({
      raw: p.raw,
      path: p.path,
      known: p.known,
      ...(p.line !== undefined ? { line: p.line } : {}),
      context: p.context,
      ...(p.message ? { message: p.message } : {}),
    })),
    suspectedBlanks: result.suspectedBlanks.map((b) => ({
      text: b.text,
      ...(b.line !== undefined ? { line: b.line } : {}),
      context: b.context,
    })),
    warnings: result.warnings.map((w) => ({
      code: w.code,
      message: w.message,
      ...(w.line !== undefined ? { line: w.line } : {}),
    })),
  };
}

/** Sample values for previews: obviously fake, every standard placeholder filled. */
export function sampleValues(tenant: TenantEntity): DocumentValues {
  return {
    client: {
      name: 'Eksempel Kunde ApS',
      address: 'Prøvevej 1',
      zipCity: '2100 København Ø',
      cvr: '37308838',
      contact: 'Karen Kunde',
      contactEmail: 'karen@eksempel.dk',
    },
    vendor: vendorValues(tenant),
    plan: { name: 'Standard' },
    acceptance: { date: new Date().toISOString().slice(0, 10) },
  };
}

export function vendorValues(tenant: TenantEntity): NonNullable<DocumentValues['vendor']> {
  return {
    name: tenant.name,
    legalName: tenant.legalName ?? tenant.name,
    cvr: tenant.cvr ?? '',
    address: [tenant.addressLine, [tenant.postalCode, tenant.city].filter(Boolean).join(' ')]
      .filter(Boolean)
      .join(', '),
  };
}

/**
 * A vendor's DPA and terms. Drafts are edited by re-importing; publishing freezes a
 * version after refusing any unknown placeholder or suspected blank; rendering is strict.
 */
export class DocumentService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditService,
    private readonly webhooks?: WebhookService,
  ) {}

  async import(
    ctx: TenantContext,
    input: unknown,
    content: string | Uint8Array,
    actor: Actor,
  ): Promise<ImportedDraft> {
    const size = typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength;
    if (size > MAX_IMPORT_BYTES) {
      throw AftaleError.field(
        'file',
        `is ${(size / 1024 / 1024).toFixed(1)} MB; at most 10 MB`,
        'export the document without embedded images',
      );
    }
    const meta = parseInput(importSchema, input);
    const customFields =
      meta.customFields === undefined
        ? []
        : declareCustomFields(meta.customFields, 'input.customFields');
    const result = await importDocument({ format: meta.format, content, customFields });
    return this.db.inTenant(ctx, async (em) => {
      let document = await em.findOneBy(DocumentEntity, { kind: meta.kind });
      if (!document) {
        document = await em.save(
          em.create(DocumentEntity, {
            tenantId: ctx.tenantId,
            kind: meta.kind,
            title:
              meta.title ?? (meta.kind === 'dpa' ? 'Databehandleraftale' : 'Handelsbetingelser'),
          }),
        );
      }
      // One draft per document: a new import replaces it.
      await em.delete(DocumentVersionEntity, { documentId: document.id, status: 'draft' });
      const version = await em.save(
        em.create(DocumentVersionEntity, {
          tenantId: ctx.tenantId,
          documentId: document.id,
          status: 'draft',
          version: null,
          model: result.model,
          customFields,
          subprocessors: result.subprocessors,
          sourceFormat: meta.format,
          sourceName: meta.sourceName ?? null,
          importReport: report(result),
          contentHash: null,
          requiredValues: null,
          publishedAt: null,
          retiredAt: null,
          updatedAt: new Date(),
        }),
      );
      await this.audit.record(em, ctx, actor, {
        action: 'document.imported',
        targetType: 'document_version',
        targetId: version.id,
        details: {
          kind: meta.kind,
          format: meta.format,
          unknownPlaceholders: result.unknownPlaceholders.length,
          warnings: result.warnings.length,
        },
      });
      return { document, version, result };
    });
  }

  /** Sets the sub-processor data (Bilag B) and custom fields of a draft. */
  async updateDraft(
    ctx: TenantContext,
    versionId: string,
    input: { subprocessors?: SubprocessorEntry[]; customFields?: unknown },
    actor: Actor,
  ): Promise<DocumentVersionEntity> {
    const subprocessors =
      input.subprocessors === undefined
        ? undefined
        : parseInput(subprocessorsSchema, input.subprocessors, 'input.subprocessors');
    const customFields =
      input.customFields === undefined
        ? undefined
        : declareCustomFields(input.customFields, 'input.customFields');
    return this.db.inTenant(ctx, async (em) => {
      const version = await this.versionIn(em, versionId);
      if (version.status !== 'draft')
        throw new AftaleError(
          'CONFLICT',
          'Only a draft can be changed; import a new draft instead.',
          [{ field: 'versionId', message: `is ${version.status}` }],
        );
      await em.update(
        DocumentVersionEntity,
        { id: versionId },
        {
          ...(subprocessors ? { subprocessors } : {}),
          ...(customFields ? { customFields } : {}),
          updatedAt: new Date(),
        },
      );
      await this.audit.record(em, ctx, actor, {
        action: 'document.draft_updated',
        targetType: 'document_version',
        targetId: versionId,
      });
      return em.findOneByOrFail(DocumentVersionEntity, { id: versionId });
    });
  }

  async publish(
    ctx: TenantContext,
    versionId: string,
    actor: Actor,
    options: { allowSuspectedBlanks?: boolean } = {},
  ): Promise<DocumentVersionEntity> {
    return this.db.inTenant(ctx, async (em) => {
      const version = await this.versionIn(em, versionId);
      if (version.status !== 'draft')
        throw new AftaleError('CONFLICT', `The version is already ${version.status}.`, [
          { field: 'versionId', message: `is ${version.status}` },
        ]);
      const check = assertPublishable(version.model, version.customFields, options);
      // Serialise publishers of one document so version numbers never collide.
      await em.query('SELECT 1 FROM documents WHERE id = $1 FOR UPDATE', [version.documentId]);
      const rows: Array<{ max: number | null }> = await em.query(
        'SELECT max(version) AS max FROM document_versions WHERE document_id = $1',
        [version.documentId],
      );
      const next = (rows[0]?.max ?? 0) + 1;
      await em.update(
        DocumentVersionEntity,
        { id: versionId },
        {
          status: 'published',
          version: next,
          contentHash: check.hash,
          requiredValues: check.requiredValues,
          publishedAt: new Date(),
          updatedAt: new Date(),
        },
      );
      await this.audit.record(em, ctx, actor, {
        action: 'document.published',
        targetType: 'document_version',
        targetId: versionId,
        details: { version: next, hash: check.hash },
      });
      await this.webhooks?.emit(em, ctx, 'document.published', {
        versionId,
        documentId: version.documentId,
        version: next,
        contentHash: check.hash,
      });
      return em.findOneByOrFail(DocumentVersionEntity, { id: versionId });
    });
  }

  async retire(
    ctx: TenantContext,
    versionId: string,
    actor: Actor,
  ): Promise<DocumentVersionEntity> {
    return this.db.inTenant(ctx, async (em) => {
      const version = await this.versionIn(em, versionId);
      if (version.status !== 'published')
        throw new AftaleError(
          'CONFLICT',
          `Only a published version can be retired; this one is ${version.status}.`,
          [{ field: 'versionId', message: `is ${version.status}` }],
        );
      await em.update(
        DocumentVersionEntity,
        { id: versionId },
        { status: 'retired', retiredAt: new Date(), updatedAt: new Date() },
      );
      await this.audit.record(em, ctx, actor, {
        action: 'document.retired',
        targetType: 'document_version',
        targetId: versionId,
      });
      return em.findOneByOrFail(DocumentVersionEntity, { id: versionId });
    });
  }

  async list(
    ctx: TenantContext,
  ): Promise<Array<{ document: DocumentEntity; versions: DocumentVersionEntity[] }>> {
    return this.db.inTenant(ctx, async (em) => {
      const documents = await em.find(DocumentEntity, { order: { kind: 'ASC' } });
      const out = [];
      for (const document of documents) {
        const versions = await em.find(DocumentVersionEntity, {
          where: { documentId: document.id },
          order: { createdAt: 'DESC' },
        });
        out.push({ document, versions });
      }
      return out;
    });
  }

  async version(ctx: TenantContext, versionId: string): Promise<DocumentVersionEntity> {
    return this.db.inTenant(ctx, (em) => this.versionIn(em, versionId));
  }

  /** The current DPA or terms: the latest published version. */
  async current(ctx: TenantContext, kind: DocumentKind): Promise<DocumentVersionEntity | null> {
    return this.db.inTenant(ctx, async (em) => {
      const document = await em.findOneBy(DocumentEntity, { kind });
      if (!document) return null;
      return em.findOne(DocumentVersionEntity, {
        where: { documentId: document.id, status: 'published' },
        order: { version: 'DESC' },
      });
    });
  }

  /** The current DPA and terms with their documents and the vendor, in one transaction. */
  async currentAll(ctx: TenantContext): Promise<{
    tenant: TenantEntity;
    current: Array<{ document: DocumentEntity; version: DocumentVersionEntity }>;
  }> {
    return this.db.inTenant(ctx, (em) => this.currentAllIn(em, ctx));
  }

  /** {@link currentAll} inside the caller's tenant transaction. */
  async currentAllIn(
    em: EntityManager,
    ctx: TenantContext,
  ): Promise<{
    tenant: TenantEntity;
    current: Array<{ document: DocumentEntity; version: DocumentVersionEntity }>;
  }> {
    const current: Array<{ document: DocumentEntity; version: DocumentVersionEntity }> = [];
    for (const document of await em.find(DocumentEntity, { order: { kind: 'ASC' } })) {
      const version = await em.findOne(DocumentVersionEntity, {
        where: { documentId: document.id, status: 'published' },
        order: { version: 'DESC' },
      });
      if (version) current.push({ document, version });
    }
    return { tenant: await em.findOneByOrFail(TenantEntity, { id: ctx.tenantId }), current };
  }

  /**
   * Renders with the vendor's own details and the version's sub-processor data filled in
   * by the server; `values` supplies the customer's. Strict: a missing value is an error.
   */
  async render(
    ctx: TenantContext,
    versionId: string,
    values: DocumentValues | undefined,
    locale: 'da' | 'en' = 'da',
  ): Promise<{
    html: string;
    text: string;
    version: DocumentVersionEntity;
    values: DocumentValues;
  }> {
    const { version, tenant } = await this.db.inTenant(ctx, async (em) => ({
      version: await this.versionIn(em, versionId),
      tenant: await em.findOneByOrFail(TenantEntity, { id: ctx.tenantId }),
    }));
    return { ...this.renderLoaded(version, tenant, values, locale), version };
  }

  /** Rendering of an already loaded version (no database work): HTML and the same as text. */
  renderLoaded(
    version: DocumentVersionEntity,
    tenant: TenantEntity,
    values: DocumentValues | undefined,
    locale: 'da' | 'en' = 'da',
  ): { html: string; text: string; values: DocumentValues } {
    const filled: DocumentValues = {
      ...(values ?? sampleValues(tenant)),
      vendor: vendorValues(tenant),
      subprocessors: version.subprocessors,
    };
    const options = {
      customFields: version.customFields,
      locale,
      ...(version.contentHash ? { hash: version.contentHash } : {}),
    };
    return {
      html: renderDocument(version.model, filled, options),
      text: renderText(version.model, filled, options),
      values: filled,
    };
  }

  /**
   * Asks for a PDF of a rendering. Cached by (version, values hash); otherwise queued for
   * the worker in the same transaction. Renders first, so bad values fail here, typed.
   */
  async requestPdf(
    ctx: TenantContext,
    versionId: string,
    values: DocumentValues,
    locale: 'da' | 'en' = 'da',
  ): Promise<DocumentPdfEntity> {
    const rendered = await this.render(ctx, versionId, values, locale);
    const valuesHash = sha256Hex(canonicalJson({ values: rendered.values, locale }));
    return this.db.inTenant(ctx, async (em) => {
      const existing = await em.findOneBy(DocumentPdfEntity, { versionId, valuesHash });
      if (existing && existing.status !== 'failed') return existing;
      if (existing)
        await em.update(DocumentPdfEntity, { id: existing.id }, { status: 'pending', error: null });
      const row =
        existing ??
        (await em.save(
          em.create(DocumentPdfEntity, {
            tenantId: ctx.tenantId,
            versionId,
            valuesHash,
            renderValues: { values: rendered.values, locale },
            status: 'pending',
            pdf: null,
            byteSize: null,
            error: null,
            finishedAt: null,
          }),
        ));
      await enqueueJob(em, ctx, {
        queue: DOCUMENT_PDF_QUEUE,
        payload: { pdfId: row.id },
        maxAttempts: 4,
        singletonKey: row.id,
      });
      return em.findOneByOrFail(DocumentPdfEntity, { id: row.id });
    });
  }

  async pdf(
    ctx: TenantContext,
    pdfId: string,
  ): Promise<{ row: DocumentPdfEntity; bytes: Buffer | null }> {
    if (!isUuid(pdfId)) throw AftaleError.field('id', 'must be a PDF id (a UUID)');
    return this.db.inTenant(ctx, async (em) => {
      const row = await em.findOneBy(DocumentPdfEntity, { id: pdfId });
      if (!row) throw new AftaleError('NOT_FOUND', `No PDF with id ${pdfId}`);
      const bytes: Array<{ pdf: Buffer | null }> = await em.query(
        'SELECT pdf FROM document_pdfs WHERE id = $1',
        [pdfId],
      );
      return { row, bytes: bytes[0]?.pdf ?? null };
    });
  }

  async versionIn(em: EntityManager, versionId: string): Promise<DocumentVersionEntity> {
    if (!isUuid(versionId))
      throw AftaleError.field('versionId', 'must be a document version id (a UUID)');
    const version = await em.findOneBy(DocumentVersionEntity, { id: versionId });
    if (!version)
      throw new AftaleError('NOT_FOUND', `No document version with id ${versionId}`, [
        { field: 'versionId', message: 'unknown' },
      ]);
    return version;
  }
}

const subprocessorsSchema = z
  .array(
    z.strictObject({
      name: z.string().trim().min(1, 'must not be empty').max(200),
      location: z.string().trim().min(1, 'must not be empty').max(200),
      legalBasis: z.string().trim().max(500).optional(),
      purpose: z.string().trim().min(1, 'must not be empty').max(500),
    }),
  )
  .max(500, 'at most 500 sub-processors');
