import { randomUUID } from 'node:crypto';
import { AftaleError, parseCreateTenant, parseUpdateTenant, type ApiKeyMode } from '@aftale/domain';
import { TenantEntity } from '../database/entities/tenant.entity';
import {
  Database,
  PG_UNIQUE_VIOLATION,
  pgErrorCode,
  type TenantContext,
} from '../tenancy/database';
import { ApiKeyService, type CreatedApiKey } from '../api-keys/api-key.service';
import { AuditService, type Actor } from '../audit/audit.service';

export interface ProvisionedTenant {
  tenant: TenantEntity;
  secretKey: CreatedApiKey;
  publishableKey: CreatedApiKey;
}

export class TenantService {
  constructor(
    private readonly db: Database,
    private readonly keys: ApiKeyService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Creates a tenant with one secret and one publishable key, atomically. The new row
   * is written inside its own tenant context, so no cross-tenant privilege is needed.
   */
  async create(
    input: unknown,
    actor: Actor,
    options: { mode?: ApiKeyMode } = {},
  ): Promise<ProvisionedTenant> {
    const data = parseCreateTenant(input);
    const mode = options.mode ?? 'test';
    const ctx: TenantContext = { tenantId: randomUUID() };
    try {
      return await this.db.inTenant(ctx, async (em) => {
        await em.insert(TenantEntity, {
          id: ctx.tenantId,
          slug: data.slug,
          name: data.name,
          legalName: data.legalName ?? null,
          cvr: data.cvr ?? null,
          addressLine: data.addressLine ?? null,
          postalCode: data.postalCode ?? null,
          city: data.city ?? null,
          country: data.country ?? 'DK',
          contactName: data.contactName ?? null,
          contactEmail: data.contactEmail ?? null,
          allowedOrigins: data.allowedOrigins ?? [],
          defaultLocale: data.defaultLocale ?? 'da',
          updatedAt: new Date(),
        });
        await this.audit.record(em, ctx, actor, {
          action: 'tenant.created',
          targetType: 'tenant',
          targetId: ctx.tenantId,
          details: { slug: data.slug },
        });
        const secretKey = await this.keys.createIn(
          em,
          ctx,
          { kind: 'secret', mode, name: 'default' },
          actor,
        );
        const publishableKey = await this.keys.createIn(
          em,
          ctx,
          { kind: 'publishable', mode, name: 'default' },
          actor,
        );
        const tenant = await em.findOneByOrFail(TenantEntity, { id: ctx.tenantId });
        return { tenant, secretKey, publishableKey };
      });
    } catch (error) {
      if (pgErrorCode(error) === PG_UNIQUE_VIOLATION) {
        throw new AftaleError('CONFLICT', `The slug "${data.slug}" is already taken.`, [
          { field: 'input.slug', message: 'already taken', hint: 'choose another slug' },
        ]);
      }
      throw error;
    }
  }

  async get(ctx: TenantContext): Promise<TenantEntity> {
    const tenant = await this.db.inTenant(ctx, (em) =>
      em.findOneBy(TenantEntity, { id: ctx.tenantId }),
    );
    if (!tenant) throw new AftaleError('NOT_FOUND', 'Unknown tenant');
    return tenant;
  }

  async update(
    ctx: TenantContext,
    input: unknown,
    actor: Actor,
    requestId?: string,
  ): Promise<TenantEntity> {
    const data = parseUpdateTenant(input);
    const changes = Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
    return this.db.inTenant(ctx, async (em) => {
      const tenant = await em.findOneBy(TenantEntity, { id: ctx.tenantId });
      if (!tenant) throw new AftaleError('NOT_FOUND', 'Unknown tenant');
      if (Object.keys(changes).length === 0) return tenant;
      await em.update(TenantEntity, { id: ctx.tenantId }, { ...changes, updatedAt: new Date() });
      await this.audit.record(em, ctx, actor, {
        action: 'tenant.updated',
        targetType: 'tenant',
        targetId: ctx.tenantId,
        details: { fields: Object.keys(changes).sort() },
        ...(requestId ? { requestId } : {}),
      });
      return em.findOneByOrFail(TenantEntity, { id: ctx.tenantId });
    });
  }

  /** Slug to tenant, for the CLI: the one other cross-tenant read, via a definer function. */
  async resolveSlug(slug: string): Promise<TenantContext> {
    const rows: Array<{ id: string | null }> = await this.db.inPlatform((em) =>
      em.query('SELECT aftale_resolve_tenant_slug($1) AS id', [slug]),
    );
    const id = rows[0]?.id;
    if (!id)
      throw new AftaleError('NOT_FOUND', `No tenant with slug "${slug}"`, [
        { field: 'tenant', message: 'unknown slug' },
      ]);
    return { tenantId: id };
  }
}
