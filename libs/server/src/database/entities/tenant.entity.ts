import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'tenants' })
export class TenantEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') slug!: string;
  @Column('text') name!: string;
  @Column('text', { name: 'legal_name', nullable: true }) legalName!: string | null;
  @Column('text', { nullable: true }) cvr!: string | null;
  @Column('text', { name: 'address_line', nullable: true }) addressLine!: string | null;
  @Column('text', { name: 'postal_code', nullable: true }) postalCode!: string | null;
  @Column('text', { nullable: true }) city!: string | null;
  @Column('text') country!: string;
  @Column('text', { name: 'contact_name', nullable: true }) contactName!: string | null;
  @Column('text', { name: 'contact_email', nullable: true }) contactEmail!: string | null;
  @Column('text', { name: 'allowed_origins', array: true }) allowedOrigins!: string[];
  @Column('text', { name: 'default_locale' }) defaultLocale!: 'da' | 'en';
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}
