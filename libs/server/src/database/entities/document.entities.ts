import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { CustomField, DocumentModel, SubprocessorEntry } from '@aftale/documents';

export type DocumentKind = 'dpa' | 'terms';
export type DocumentVersionStatus = 'draft' | 'published' | 'retired';

@Entity({ name: 'documents' })
export class DocumentEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('text') kind!: DocumentKind;
  @Column('text') title!: string;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
}

/** What import found: kept with the draft so the vendor can fix it before publishing. */
export interface ImportReport {
  placeholders: Array<{
    raw: string;
    path: string | null;
    known: boolean;
    line?: number;
    context?: string;
    message?: string;
  }>;
  suspectedBlanks: Array<{ text: string; line?: number; context?: string }>;
  warnings: Array<{ code: string; message: string; line?: number }>;
}

@Entity({ name: 'document_versions' })
export class DocumentVersionEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('uuid', { name: 'document_id' }) documentId!: string;
  @Column('text') status!: DocumentVersionStatus;
  @Column('integer', { nullable: true }) version!: number | null;
  @Column('jsonb') model!: DocumentModel;
  @Column('jsonb', { name: 'custom_fields' }) customFields!: CustomField[];
  @Column('jsonb') subprocessors!: SubprocessorEntry[];
  @Column('text', { name: 'source_format' }) sourceFormat!: string;
  @Column('text', { name: 'source_name', nullable: true }) sourceName!: string | null;
  @Column('jsonb', { name: 'import_report' }) importReport!: ImportReport;
  @Column('text', { name: 'content_hash', nullable: true }) contentHash!: string | null;
  @Column('jsonb', { name: 'required_values', nullable: true }) requiredValues!: string[] | null;
  @Column('timestamptz', { name: 'published_at', nullable: true }) publishedAt!: Date | null;
  @Column('timestamptz', { name: 'retired_at', nullable: true }) retiredAt!: Date | null;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}

@Entity({ name: 'document_pdfs' })
export class DocumentPdfEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('uuid', { name: 'version_id' }) versionId!: string;
  @Column('text', { name: 'values_hash' }) valuesHash!: string;
  /** The values the PDF is rendered with (personal data: tenant-scoped, never in job payloads). */
  @Column('jsonb', { name: 'render_values' }) renderValues!: Record<string, unknown>;
  @Column('text') status!: 'pending' | 'ready' | 'failed';
  @Column('bytea', { nullable: true, select: false }) pdf!: Buffer | null;
  @Column('integer', { name: 'byte_size', nullable: true }) byteSize!: number | null;
  @Column('text', { nullable: true }) error!: string | null;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'finished_at', nullable: true }) finishedAt!: Date | null;
}
