import { DataSource } from 'typeorm';
import { ApiKeyEntity } from './entities/api-key.entity';
import { AuditEventEntity } from './entities/audit-event.entity';
import { TenantEntity } from './entities/tenant.entity';
import { Foundation1763800000000 } from './migrations/1763800000000-foundation';

export const ENTITIES = [TenantEntity, ApiKeyEntity, AuditEventEntity];
/** Every migration, in order. Explicit and committed; `synchronize` is never used. */
export const MIGRATIONS = [Foundation1763800000000];

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
