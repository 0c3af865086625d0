import type { DataSource, EntityManager } from 'typeorm';
import { AftaleError, isUuid } from '@aftale/domain';

/** The tenant a unit of work runs for. Resolved once per request or job, passed explicitly. */
export interface TenantContext {
  readonly tenantId: string;
}

/**
 * All data access goes through here. A tenant's work runs in one transaction whose first
 * statement sets `app.tenant_id` with `is_local = true`: the setting dies with the
 * transaction, so a pooled connection can never carry one tenant into another's request,
 * and row-level security filters every query even if it forgets `WHERE tenant_id`.
 */
export class Database {
  constructor(readonly dataSource: DataSource) {}

  async inTenant<T>(ctx: TenantContext, work: (em: EntityManager) => Promise<T>): Promise<T> {
    if (!isUuid(ctx.tenantId)) throw new AftaleError('NOT_FOUND', 'Unknown tenant');
    return this.dataSource.transaction(async (em) => {
      await em.query(`SELECT set_config('app.tenant_id', $1, true)`, [ctx.tenantId]);
      return work(em);
    });
  }

  /** Work outside any tenant: sees no tenant rows, only platform tables and functions. */
  async inPlatform<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (em) => work(em));
  }

  /**
   * One statement outside any tenant, with no transaction around it: a single statement is
   * atomic by itself, and the BEGIN and COMMIT round trips are saved (the per-request rate
   * limit and key lookup run on every widget and API request). Like `inPlatform`, it sees
   * no tenant rows: the tenant setting is transaction-local, so a pooled connection has none.
   */
  async platformQuery<T>(sql: string, params: unknown[] = []): Promise<T> {
    return this.dataSource.query(sql, params);
  }

  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }

  /** True when every migration in the code has been applied to the database. */
  async migrationsApplied(): Promise<boolean> {
    return !(await this.dataSource.showMigrations());
  }
}

/** PostgreSQL error codes we turn into typed errors instead of 500s. */
export function pgErrorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; driverError?: { code?: unknown } };
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}
export const PG_UNIQUE_VIOLATION = '23505';
