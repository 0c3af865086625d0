import { DataSource } from 'typeorm';
import { ApiKeyEntity } from './entities/api-key.entity';
import { AuditEventEntity } from './entities/audit-event.entity';
import { TenantEntity } from './entities/tenant.entity';
import { Foundation1763800000000 } from './migrations/1763800000000-foundation';
import { PlansAndBilling1763900000000 } from './migrations/1763900000000-plans-and-billing';
import { Documents1764000000000 } from './migrations/1764000000000-documents';
import { Acceptances1764100000000 } from './migrations/1764100000000-acceptances';
import { EvidenceLog1764200000000 } from './migrations/1764200000000-evidence-log';
import { Webhooks1764300000000 } from './migrations/1764300000000-webhooks';
import { ProofBundles1764400000000 } from './migrations/1764400000000-proof-bundles';
import { KeyOrigins1764500000000 } from './migrations/1764500000000-key-origins';
import { ProofBundleEntity } from './entities/proof-bundle.entity';
import { AcceptanceDocumentEntity, AcceptanceEntity } from './entities/acceptance.entities';
import {
  DocumentEntity,
  DocumentPdfEntity,
  DocumentVersionEntity,
} from './entities/document.entities';
import {
  CustomerEntity,
  PlanEntity,
  PlanVersionEntity,
  SubscriptionEntity,
} from './entities/billing.entities';

export const ENTITIES = [
  TenantEntity,
  ApiKeyEntity,
  AuditEventEntity,
  PlanEntity,
  PlanVersionEntity,
  CustomerEntity,
  SubscriptionEntity,
  DocumentEntity,
  DocumentVersionEntity,
  DocumentPdfEntity,
  AcceptanceEntity,
  AcceptanceDocumentEntity,
  ProofBundleEntity,
];
/** Every migration, in order. Explicit and committed; `synchronize` is never used. */
export const MIGRATIONS = [
  Foundation1763800000000,
  PlansAndBilling1763900000000,
  Documents1764000000000,
  Acceptances1764100000000,
  EvidenceLog1764200000000,
  Webhooks1764300000000,
  ProofBundles1764400000000,
  KeyOrigins1764500000000,
];

export function createDataSource(url: string, options: { poolSize?: number; name?: string } = {}) {
  return new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'all',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    poolSize: options.poolSize ?? 10,
    applicationName: options.name ?? 'aftale',
  });
}
