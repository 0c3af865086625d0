import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'proof_bundles' })
export class ProofBundleEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('uuid', { name: 'acceptance_id' }) acceptanceId!: string;
  @Column('text') status!: 'pending' | 'ready' | 'failed';
  /** The ZIP; not selected by default (it can be megabytes). */
  @Column('bytea', { nullable: true, select: false }) bundle!: Buffer | null;
  @Column('integer', { name: 'byte_size', nullable: true }) byteSize!: number | null;
  @Column('text', { nullable: true }) sha256!: string | null;
  /** The signed tree head the bundle's inclusion proof is against. */
  @Column('bigint', {
    name: 'tree_size',
    nullable: true,
    transformer: {
      to: (v: number | null) => v,
      from: (v: string | null) => (v === null ? null : Number(v)),
    },
  })
  treeSize!: number | null;
  @Column('text', { nullable: true }) error!: string | null;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'finished_at', nullable: true }) finishedAt!: Date | null;
}
