import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'acceptances' })
export class AcceptanceEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('text', { name: 'idempotency_key' }) idempotencyKey!: string;
  @Column('uuid', { name: 'subscription_id', nullable: true }) subscriptionId!: string | null;
  @Column('uuid', { name: 'plan_version_id' }) planVersionId!: string;
  @Column('jsonb') company!: Record<string, string>;
  @Column('text', { name: 'company_cvr' }) companyCvr!: string;
  @Column('jsonb') evidence!: Record<string, unknown>;
  /** The canonical JSON the hash is over: kept verbatim, never re-serialised. */
  @Column('text', { name: 'evidence_json' }) evidenceJson!: string;
  @Column('text', { name: 'evidence_sha256' }) evidenceSha256!: string;
  @Column('text') source!: 'widget' | 'api';
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
}

@Entity({ name: 'acceptance_documents' })
export class AcceptanceDocumentEntity {
  @PrimaryColumn('uuid', { name: 'acceptance_id' }) acceptanceId!: string;
  @PrimaryColumn('text') kind!: 'dpa' | 'terms';
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('uuid', { name: 'version_id' }) versionId!: string;
  @Column('text') html!: string;
  @Column('text', { name: 'html_sha256' }) htmlSha256!: string;
}
