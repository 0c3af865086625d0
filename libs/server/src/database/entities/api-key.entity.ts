import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ApiKeyKind, ApiKeyMode } from '@aftale/domain';

@Entity({ name: 'api_keys' })
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('text') kind!: ApiKeyKind;
  @Column('text') mode!: ApiKeyMode;
  /** SHA-256 of the key; the plaintext is never stored. */
  @Column('text', { name: 'key_hash', select: false }) keyHash!: string;
  @Column('text') last4!: string;
  @Column('text') name!: string;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt!: Date | null;
}
