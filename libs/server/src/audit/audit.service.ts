import type { EntityManager } from 'typeorm';
import type { TenantContext } from '../tenancy/database';
import { Database } from '../tenancy/database';
import { AuditEventEntity, type AuditDetails } from '../database/entities/audit-event.entity';

/** Who did an administrative action: a key (by id, never its secret), the CLI, or the system. */
export type Actor = { type: 'api-key'; keyId: string } | { type: 'cli' } | { type: 'system' };

export function actorLabel(actor: Actor): string {
  return actor.type === 'api-key' ? `api-key:${actor.keyId}` : actor.type;
}

export interface AuditEntry {
  action: string;
  targetType?: string;
  targetId?: string;
  /** Never personal data or secrets: ids, field names, counts. */
  details?: AuditDetails;
  requestId?: string;
}

export class AuditService {
  constructor(private readonly db: Database) {}

  /** Records inside the caller's transaction, so the action and its audit row commit together. */
  async record(
    em: EntityManager,
    ctx: TenantContext,
    actor: Actor,
    entry: AuditEntry,
  ): Promise<void> {
    const event = em.create(AuditEventEntity, {
      tenantId: ctx.tenantId,
      actor: actorLabel(actor),
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      details: entry.details ?? {},
      requestId: entry.requestId ?? null,
    });
    await em.insert(AuditEventEntity, event);
  }

  async list(ctx: TenantContext, limit = 50): Promise<AuditEventEntity[]> {
    const take = Math.min(Math.max(limit, 1), 200);
    return this.db.inTenant(ctx, (em) =>
      em.find(AuditEventEntity, { order: { id: 'DESC' }, take }),
    );
  }
}
