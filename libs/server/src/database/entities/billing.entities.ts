import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { PlanDefinition, PrepaidPeriod, Quote } from '@aftale/pricing';
import type { SubscriptionStatus } from '../../billing/billing-provider';

@Entity({ name: 'plans' })
export class PlanEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('text') code!: string;
  @Column('boolean') archived!: boolean;
  @Column('integer', { name: 'current_version' }) currentVersion!: number;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}

@Entity({ name: 'plan_versions' })
export class PlanVersionEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('uuid', { name: 'plan_id' }) planId!: string;
  @Column('integer') version!: number;
  @Column('jsonb') definition!: PlanDefinition;
  @Column('boolean', { name: 'in_use' }) inUse!: boolean;
  @Column('text', { nullable: true }) provider!: string | null;
  @Column('text', { name: 'provider_product_ref', nullable: true }) providerProductRef!:
    string | null;
  @Column('jsonb', { name: 'provider_price_refs' }) providerPriceRefs!: Partial<
    Record<PrepaidPeriod, string>
  >;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
}

@Entity({ name: 'customers' })
export class CustomerEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('text', { name: 'company_name' }) companyName!: string;
  @Column('text', { nullable: true }) cvr!: string | null;
  @Column('text') email!: string;
  @Column('text') provider!: string;
  @Column('text', { name: 'provider_customer_ref', nullable: true }) providerCustomerRef!:
    string | null;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
}

@Entity({ name: 'subscriptions' })
export class SubscriptionEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('uuid', { name: 'customer_id' }) customerId!: string;
  @Column('uuid', { name: 'plan_version_id' }) planVersionId!: string;
  @Column('text') provider!: 'stripe' | 'invoice';
  @Column('text', { name: 'provider_subscription_ref', nullable: true }) providerSubscriptionRef!:
    string | null;
  @Column('text') status!: SubscriptionStatus;
  @Column('integer') users!: number;
  @Column('text') period!: PrepaidPeriod;
  @Column('jsonb') quote!: Quote;
  @Column('timestamptz', { name: 'trial_ends_at', nullable: true }) trialEndsAt!: Date | null;
  @Column('timestamptz', { name: 'current_period_start' }) currentPeriodStart!: Date;
  @Column('timestamptz', { name: 'current_period_end' }) currentPeriodEnd!: Date;
  @Column('boolean', { name: 'cancel_at_period_end' }) cancelAtPeriodEnd!: boolean;
  @Column('timestamptz', { name: 'canceled_at', nullable: true }) canceledAt!: Date | null;
  @Column('text', { name: 'idempotency_key' }) idempotencyKey!: string;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}
