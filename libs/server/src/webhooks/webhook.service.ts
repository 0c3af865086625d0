import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { AftaleError, parseInput, isUuid } from '@aftale/domain';
import type { Database, TenantContext } from '../tenancy/database';
import type { Actor, AuditService } from '../audit/audit.service';
import { enqueueJob } from '../queue/job-queue';
import { SecretBox } from '../crypto/secret-box';
import { generateWebhookSecret, webhookHeaders } from './standard-webhooks';

export const WEBHOOK_EVENT_TYPES = [
  'acceptance.created',
  'subscription.updated',
  'document.published',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
import { WEBHOOK_DELIVERY_QUEUE } from '../queue/queues';
export { WEBHOOK_DELIVERY_QUEUE };
/** Seconds before attempt n+1: immediately, 5 s, 5 min, 30 min, 2 h, then 6 h, 12 h, 24 h. */
export const WEBHOOK_RETRY_SCHEDULE = [0, 5, 300, 1800, 7200, 21600, 43200, 86400];
const ROTATION_GRACE_MS = 24 * 60 * 60 * 1000;

export interface WebhookEndpointRow {
  id: string;
  url: string;
  event_types: string[];
  enabled: boolean;
  created_at: Date;
}

export interface WebhookDeliveryRow {
  id: string;
  endpoint_id: string;
  event_type: string;
  status: string;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: Date | null;
  created_at: Date;
  delivered_at: Date | null;
}

/** Binds a sealed secret to its tenant and endpoint: copied to another row, it opens nowhere. */
function secretContext(ctx: TenantContext, endpointId: string): string {
  return `webhook_endpoints:${ctx.tenantId}:${endpointId}`;
}

/**
 * Signed webhooks per tenant. Events are recorded in the business transaction that caused
 * them (one delivery row and one queued job per subscribed endpoint), then delivered by the
 * worker with a fixed retry schedule and a dead-letter state; any delivery can be replayed.
 */
export class WebhookService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditService,
    /** Seals signing secrets at rest; they are needed in clear only to sign a delivery. */
    private readonly secrets: SecretBox,
    private readonly options: {
      allowLoopbackHttp: boolean;
      schedule?: readonly number[];
      timeoutMs?: number;
    },
  ) {}

  private get schedule(): readonly number[] {
    return this.options.schedule ?? WEBHOOK_RETRY_SCHEDULE;
  }

  async createEndpoint(
    ctx: TenantContext,
    input: unknown,
    actor: Actor,
  ): Promise<{ endpoint: WebhookEndpointRow; secret: string }> {
    const data = parseInput(
      z.strictObject({
        url: z.string().refine((u) => this.urlAllowed(u), {
          message:
            'must be an https URL, e.g. https://vendor.example.dk/hooks/aftale (http only for localhost outside production)',
        }),
        eventTypes: z
          .array(z.enum(WEBHOOK_EVENT_TYPES, { error: `one of ${WEBHOOK_EVENT_TYPES.join(', ')}` }))
          .min(1, 'at least one event type'),
      }),
      input,
    );
    const secret = generateWebhookSecret();
    const id = randomUUID();
    return this.db.inTenant(ctx, async (em) => {
      const rows: WebhookEndpointRow[] = await em.query(
        `INSERT INTO webhook_endpoints (id, tenant_id, url, event_types, secret) VALUES ($1, $2, $3, $4, $5)
         RETURNING id, url, event_types, enabled, created_at`,
        [
          id,
          ctx.tenantId,
          data.url,
          [...new Set(data.eventTypes)],
          this.secrets.seal(secret, secretContext(ctx, id)),
        ],
      );
      const endpoint = rows[0]!;
      await this.audit.record(em, ctx, actor, {
        action: 'webhook_endpoint.created',
        targetType: 'webhook_endpoint',
        targetId: endpoint.id,
      });
      return { endpoint, secret };
    });
  }

  /** A new secret, shown once; the old one still signs alongside it for 24 hours. */
  async rotateSecret(ctx: TenantContext, endpointId: string, actor: Actor): Promise<string> {
    const id = this.uuid(endpointId, 'id');
    const secret = generateWebhookSecret();
    return this.db.inTenant(ctx, async (em) => {
      const [, count]: [unknown, number] = await em.query(
        `UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_expires_at = now() + make_interval(secs => $3),
                secret = $2, updated_at = now() WHERE id = $1`,
        [id, this.secrets.seal(secret, secretContext(ctx, id)), ROTATION_GRACE_MS / 1000],
      );
      if (count === 0) throw new AftaleError('NOT_FOUND', `No webhook endpoint ${endpointId}`);
      await this.audit.record(em, ctx, actor, {
        action: 'webhook_endpoint.secret_rotated',
        targetType: 'webhook_endpoint',
        targetId: endpointId,
      });
      return secret;
    });
  }

  /** Rows written before secrets were sealed hold them in clear; read those as they are. */
  private openSecret(ctx: TenantContext, endpointId: string, stored: string): string {
    return SecretBox.isSealed(stored)
      ? this.secrets.open(stored, secretContext(ctx, endpointId))
      : stored;
  }

  async endpoints(ctx: TenantContext): Promise<WebhookEndpointRow[]> {
    return this.db.inTenant(ctx, (em) =>
      em.query(
        'SELECT id, url, event_types, enabled, created_at FROM webhook_endpoints ORDER BY created_at',
      ),
    );
  }

  async deliveries(ctx: TenantContext, endpointId?: string): Promise<WebhookDeliveryRow[]> {
    return this.db.inTenant(ctx, (em) =>
      em.query(
        `SELECT id, endpoint_id, event_type, status, attempts, last_status_code, last_error, next_attempt_at, created_at, delivered_at
           FROM webhook_deliveries ${endpointId ? 'WHERE endpoint_id = $1' : ''} ORDER BY created_at DESC LIMIT 200`,
        endpointId ? [this.uuid(endpointId, 'endpointId')] : [],
      ),
    );
  }

  /** Called inside the business transaction: records and queues the event for each endpoint. */
  async emit(
    em: EntityManager,
    ctx: TenantContext,
    type: WebhookEventType,
    data: Record<string, unknown>,
  ): Promise<void> {
    const endpoints: Array<{ id: string }> = await em.query(
      'SELECT id FROM webhook_endpoints WHERE enabled AND $1 = ANY (event_types)',
      [type],
    );
    for (const endpoint of endpoints) {
      const rows: Array<{ id: string }> = await em.query(
        `INSERT INTO webhook_deliveries (tenant_id, endpoint_id, event_type, payload, status) VALUES ($1, $2, $3, $4, 'pending') RETURNING id`,
        [
          ctx.tenantId,
          endpoint.id,
          type,
          JSON.stringify({ type, timestamp: new Date().toISOString(), data }),
        ],
      );
      await enqueueJob(em, ctx, {
        queue: WEBHOOK_DELIVERY_QUEUE,
        payload: { deliveryId: rows[0]!.id },
        maxAttempts: 3,
      });
    }
  }

  async replay(ctx: TenantContext, deliveryId: string, actor: Actor): Promise<WebhookDeliveryRow> {
    return this.db.inTenant(ctx, async (em) => {
      const [, count]: [unknown, number] = await em.query(
        `UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = NULL WHERE id = $1`,
        [this.uuid(deliveryId, 'id')],
      );
      if (count === 0) throw new AftaleError('NOT_FOUND', `No webhook delivery ${deliveryId}`);
      await enqueueJob(em, ctx, {
        queue: WEBHOOK_DELIVERY_QUEUE,
        payload: { deliveryId },
        maxAttempts: 3,
      });
      await this.audit.record(em, ctx, actor, {
        action: 'webhook_delivery.replayed',
        targetType: 'webhook_delivery',
        targetId: deliveryId,
      });
      const rows: WebhookDeliveryRow[] = await em.query(
        'SELECT * FROM webhook_deliveries WHERE id = $1',
        [deliveryId],
      );
      return rows[0]!;
    });
  }

  /**
   * One attempt (the worker's job). The message id is the delivery id, stable across
   * attempts so receivers can deduplicate. Failures schedule the next attempt themselves.
   */
  async deliver(
    ctx: TenantContext,
    deliveryId: string,
    now = new Date(),
  ): Promise<'delivered' | 'retrying' | 'dead' | 'skipped'> {
    const rows: Array<{
      status: string;
      attempts: number;
      payload: unknown;
      endpoint_id: string;
      url: string;
      secret: string;
      previous_secret: string | null;
      previous_valid: boolean;
      enabled: boolean;
    }> = await this.db.inTenant(ctx, (em) =>
      em.query(
        `SELECT d.status, d.attempts, d.payload, d.endpoint_id, e.url, e.secret, e.previous_secret, e.enabled,
                  coalesce(e.previous_secret_expires_at > now(), false) AS previous_valid
             FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.id = $1`,
        [deliveryId],
      ),
    );
    const d = rows[0];
    if (!d || d.status === 'delivered' || d.status === 'dead' || !d.enabled) return 'skipped';
    const body = JSON.stringify(d.payload);
    const sealed =
      d.previous_secret && d.previous_valid ? [d.secret, d.previous_secret] : [d.secret];
    const secrets = sealed.map((s) => this.openSecret(ctx, d.endpoint_id, s));
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(d.url, {
        method: 'POST',
        headers: webhookHeaders(secrets, `msg_${deliveryId.replace(/-/g, '')}`, body, now),
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      status = res.status;
      if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`;
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    const attempts = d.attempts + 1;
    const next = error ? this.schedule[attempts] : undefined;
    const outcome = !error ? 'delivered' : next === undefined ? 'dead' : 'retrying';
    await this.db.inTenant(ctx, async (em) => {
      await em.query(
        `UPDATE webhook_deliveries SET status = $2, attempts = $3, last_status_code = $4, last_error = $5,
                next_attempt_at = $6, delivered_at = CASE WHEN $2 = 'delivered' THEN now() END WHERE id = $1`,
        [
          deliveryId,
          outcome,
          attempts,
          status,
          error?.slice(0, 500) ?? null,
          next === undefined ? null : new Date(now.getTime() + next * 1000),
        ],
      );
      if (outcome === 'retrying') {
        await enqueueJob(em, ctx, {
          queue: WEBHOOK_DELIVERY_QUEUE,
          payload: { deliveryId },
          maxAttempts: 3,
          runAt: new Date(now.getTime() + next! * 1000),
        });
      }
    });
    return outcome;
  }

  private urlAllowed(value: string): boolean {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return false;
    }
    if (url.username || url.password) return false;
    if (url.protocol === 'https:') return true;
    return (
      this.options.allowLoopbackHttp &&
      url.protocol === 'http:' &&
      ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)
    );
  }

  private uuid(value: string, field: string): string {
    if (!isUuid(value)) throw AftaleError.field(field, 'must be a UUID');
    return value;
  }
}
