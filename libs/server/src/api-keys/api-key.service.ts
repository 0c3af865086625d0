import type { EntityManager } from 'typeorm';
import {
  AftaleError,
  generateApiKey,
  parseApiKey,
  type ApiKeyKind,
  type ApiKeyMode,
  isUuid,
} from '@aftale/domain';
import { ApiKeyEntity } from '../database/entities/api-key.entity';
import { Database, type TenantContext } from '../tenancy/database';
import { AuditService, type Actor } from '../audit/audit.service';

export interface AuthenticatedKey {
  tenantId: string;
  keyId: string;
  kind: ApiKeyKind;
  mode: ApiKeyMode;
  /** The tenant's allowed widget origins, read with the key (the widget gate needs them). */
  allowedOrigins: string[];
}

export interface CreatedApiKey {
  key: ApiKeyEntity;
  /** Shown once to whoever created it; only its hash is stored. */
  plaintext: string;
}

export class ApiKeyService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditService,
  ) {}

  async create(
    ctx: TenantContext,
    spec: { kind: ApiKeyKind; mode: ApiKeyMode; name?: string },
    actor: Actor,
    requestId?: string,
  ): Promise<CreatedApiKey> {
    return this.db.inTenant(ctx, (em) => this.createIn(em, ctx, spec, actor, requestId));
  }

  /** Creates a key inside an existing tenant transaction (used when creating a tenant). */
  async createIn(
    em: EntityManager,
    ctx: TenantContext,
    spec: { kind: ApiKeyKind; mode: ApiKeyMode; name?: string },
    actor: Actor,
    requestId?: string,
  ): Promise<CreatedApiKey> {
    const name = (spec.name ?? '').trim();
    if (name.length > 100) throw AftaleError.field('input.name', 'at most 100 characters');
    const generated = generateApiKey(spec.kind, spec.mode);
    const key = em.create(ApiKeyEntity, {
      tenantId: ctx.tenantId,
      kind: spec.kind,
      mode: spec.mode,
      keyHash: generated.hash,
      last4: generated.last4,
      name,
      revokedAt: null,
    });
    const saved = await em.save(key);
    const reloaded = await em.findOneByOrFail(ApiKeyEntity, { id: saved.id });
    await this.audit.record(em, ctx, actor, {
      action: 'api_key.created',
      targetType: 'api_key',
      targetId: saved.id,
      details: { kind: spec.kind, mode: spec.mode, last4: generated.last4 },
      ...(requestId ? { requestId } : {}),
    });
    return { key: reloaded, plaintext: generated.plaintext };
  }

  async list(ctx: TenantContext): Promise<ApiKeyEntity[]> {
    return this.db.inTenant(ctx, (em) => em.find(ApiKeyEntity, { order: { createdAt: 'ASC' } }));
  }

  async revoke(
    ctx: TenantContext,
    keyId: string,
    actor: Actor,
    requestId?: string,
  ): Promise<ApiKeyEntity> {
    if (!isUuid(keyId)) throw AftaleError.field('id', 'must be an API key id (a UUID)');
    return this.db.inTenant(ctx, async (em) => {
      const key = await em.findOneBy(ApiKeyEntity, { id: keyId });
      if (!key) throw new AftaleError('NOT_FOUND', `No API key with id ${keyId}`);
      if (key.revokedAt) return key; // revoking twice is a no-op, not an error
      key.revokedAt = new Date();
      await em.update(ApiKeyEntity, { id: keyId }, { revokedAt: key.revokedAt });
      await this.audit.record(em, ctx, actor, {
        action: 'api_key.revoked',
        targetType: 'api_key',
        targetId: keyId,
        details: { last4: key.last4 },
        ...(requestId ? { requestId } : {}),
      });
      return key;
    });
  }

  /**
   * Shape and checksum first (no database work for a mistyped key), then the hash is
   * looked up through a narrow SECURITY DEFINER function: the only cross-tenant read.
   */
  async authenticate(candidate: string): Promise<AuthenticatedKey> {
    const parsed = parseApiKey(candidate);
    const rows: Array<{
      key_id: string;
      tenant_id: string;
      kind: ApiKeyKind;
      mode: ApiKeyMode;
      revoked: boolean;
      allowed_origins: string[];
    }> = await this.db.platformQuery('SELECT * FROM aftale_resolve_api_key($1)', [parsed.hash]);
    const row = rows[0];
    if (!row) throw new AftaleError('UNAUTHENTICATED', 'The API key is not recognised.');
    if (row.revoked) throw new AftaleError('UNAUTHENTICATED', 'The API key has been revoked.');
    return {
      tenantId: row.tenant_id,
      keyId: row.key_id,
      kind: row.kind,
      mode: row.mode,
      allowedOrigins: row.allowed_origins,
    };
  }
}
