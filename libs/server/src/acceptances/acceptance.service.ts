import { z } from 'zod';
import {
  AftaleError,
  DEFAULT_CONSENT_TEXT,
  WIDGET_API_VERSION,
  checkCvr,
  parseInput,
  type Locale,
  type WidgetAcceptanceResponse,
  type WidgetConfig,
  type WidgetPreviewResponse,
  isUuid,
} from '@aftale/domain';
import type { DocumentValues } from '@aftale/documents';
import { canonicalize, sha256Hex } from '@aftale/evidence';
import { CUSTOMER_COPY_QUEUE, EVIDENCE_SEQUENCE_QUEUE } from '../queue/queues';
import { enqueueJob } from '../queue/job-queue';

export { EVIDENCE_SEQUENCE_QUEUE } from '../queue/queues';
import {
  AcceptanceDocumentEntity,
  AcceptanceEntity,
} from '../database/entities/acceptance.entities';
import { DocumentEntity, type DocumentVersionEntity } from '../database/entities/document.entities';
import { TenantEntity } from '../database/entities/tenant.entity';
import { SubscriptionEntity } from '../database/entities/billing.entities';
import {
  PG_UNIQUE_VIOLATION,
  pgErrorCode,
  type Database,
  type TenantContext,
} from '../tenancy/database';
import type { Actor, AuditService } from '../audit/audit.service';
import type { PlanService } from '../plans/plan.service';
import type { SubscriptionService } from '../subscriptions/subscription.service';
import type { DocumentService } from '../documents/document.service';
import { readAcceptanceToken, signAcceptanceToken } from './acceptance-token';
import type { WebhookService } from '../webhooks/webhook.service';

const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);

const companySchema = z.strictObject({
  name: text(200),
  address: text(200),
  postalCode: z
    .string()
    .trim()
    .regex(/^\d{4}$/, 'a Danish postal code has 4 digits, e.g. 2100'),
  city: text(100),
  cvr: z.string().transform((value, ctx) => {
    const check = checkCvr(value);
    if (!check.valid) {
      ctx.addIssue({ code: 'custom', message: `${check.reason} Example: 37308838` });
      return z.NEVER;
    }
    return check.cvr;
  }),
  contactName: text(200),
  contactEmail: z.email('an e-mail address, e.g. it@kunde.dk').max(254),
});

const previewSchema = z.strictObject({
  company: companySchema,
  planCode: z.string().min(1, 'choose a plan'),
  custom: z.record(z.string(), z.string().max(500, 'at most 500 characters')).optional(),
  locale: z.enum(['da', 'en']).optional(),
});

const acceptanceSchema = previewSchema.extend({
  users: z.int({ error: 'must be a whole number of users' }),
  period: z.enum(['month', 'quarter', 'year'], { error: 'month, quarter or year' }),
  documentVersionIds: z.array(z.string()).min(1, 'the documents the customer read').max(5),
  consent: z.literal(true, { error: 'the consent box must be ticked' }),
  consentText: z.string().max(1000),
  clientTime: z.string().max(64).optional(),
  pageUrl: z.string().max(2000).optional(),
  widgetVersion: z.string().max(64).optional(),
  customerToken: z.string().max(300).optional(),
});

/** Where an export has got to: PostgreSQL's created_at to the microsecond, and the id. */
export interface ExportPosition {
  at: string;
  id: string;
}

export interface ExportRow {
  id: string;
  createdAt: Date;
  source: 'widget' | 'api';
  companyCvr: string;
  company: Record<string, string>;
  /** The canonical JSON the evidence hash is over, as stored. */
  evidenceJson: string;
  evidenceSha256: string;
  position: ExportPosition;
}

/** The subscription an acceptance starts carries the acceptance's key, prefixed. */
const subscriptionKeyOf = (acceptanceKey: string) => `acc:${acceptanceKey}`.slice(0, 200);

export interface RequestFacts {
  idempotencyKey: string;
  ip: string;
  /** How the IP was learnt: the socket, a trusted proxy header, or the vendor's own report. */
  ipSource: 'socket' | 'trusted-proxy' | 'vendor-reported';
  userAgent: string;
  origin: string | null;
}

/**
 * The widget's public surface and the acceptance itself: durable before it is
 * acknowledged, idempotent per key, append-only, with the exact documents shown.
 */
export class AcceptanceService {
  constructor(
    private readonly db: Database,
    private readonly plans: PlanService,
    private readonly subscriptions: SubscriptionService,
    private readonly documents: DocumentService,
    private readonly audit: AuditService,
    private readonly tokenSecret: string,
    private readonly webhooks?: WebhookService,
  ) {}

  async widgetConfig(ctx: TenantContext): Promise<WidgetConfig> {
    const tenant = await this.db.inTenant(ctx, (em) =>
      em.findOneByOrFail(TenantEntity, { id: ctx.tenantId }),
    );
    // Cheapest first, the way vendors lay out their plan cards.
    const plans = (await this.plans.list(ctx)).sort(
      (a, b) =>
        a.version.definition.baseAmount +
        (a.version.definition.tiers[0]?.unitAmount ?? 0) -
        (b.version.definition.baseAmount + (b.version.definition.tiers[0]?.unitAmount ?? 0)),
    );
    const current = await this.currentDocuments(ctx);
    const customFields = current.flatMap(({ version }) =>
      version.customFields.map((f) => ({
        path: f.path,
        label: f.label,
        required: f.required,
        kind: f.rule.kind,
        ...(f.rule.kind === 'regex' ? { pattern: f.rule.pattern } : {}),
        maxLength: f.rule.maxLength,
      })),
    );
    return {
      apiVersion: WIDGET_API_VERSION,
      vendor: { name: tenant.name, legalName: tenant.legalName },
      defaultLocale: tenant.defaultLocale,
      plans: plans.map(({ plan, version }) => ({
        code: plan.code,
        name: version.definition.name,
        description: version.definition.description,
        modules: version.definition.modules,
        definition: version.definition as unknown as Record<string, unknown>,
      })),
      documents: current.map(({ document, version }) => ({
        kind: document.kind,
        versionId: version.id,
        version: version.version ?? 0,
        title: document.title,
        contentHash: version.contentHash ?? '',
      })),
      consentText: DEFAULT_CONSENT_TEXT,
      customFields: [...new Map(customFields.map((f) => [f.path, f])).values()],
    };
  }

  async preview(ctx: TenantContext, input: unknown): Promise<WidgetPreviewResponse> {
    const data = parseInput(previewSchema, input, '');
    const { version: planVersion } = await this.plans.current(ctx, data.planCode);
    const rendered = await this.renderAll(ctx, data, planVersion.definition.name, new Date());
    return {
      documents: rendered.map((r) => ({
        kind: r.document.kind,
        versionId: r.version.id,
        version: r.version.version ?? 0,
        title: r.document.title,
        contentHash: r.version.contentHash ?? '',
        html: r.html,
      })),
    };
  }

  async accept(
    ctx: TenantContext,
    input: unknown,
    facts: RequestFacts,
    actor: Actor,
    source: 'widget' | 'api' = 'widget',
  ): Promise<WidgetAcceptanceResponse> {
    if (!/^[A-Za-z0-9._:-]{8,200}$/.test(facts.idempotencyKey)) {
      throw AftaleError.field(
        'Idempotency-Key',
        'send 8-200 letters, digits or . _ : -, e.g. a UUID made once per attempt',
      );
    }
    // Parsed first but reported after the key's lookup: a retry of a recorded acceptance
    // gets that acceptance back whatever it sends.
    let data: z.output<typeof acceptanceSchema> | null = null;
    let invalid: unknown = null;
    try {
      data = parseInput(acceptanceSchema, input, '');
    } catch (error) {
      invalid = error;
    }
    const locale: Locale = data?.locale ?? 'da';
    const consentShown = data?.consentText === DEFAULT_CONSENT_TEXT[locale];
    // One read transaction, not three: an acceptance already made under this key, then the
    // plan, the current documents and the vendor (each round trip costs on the hot path).
    const loaded = await this.db.inTenant(ctx, async (em) => {
      const existing = await em.findOneBy(AcceptanceEntity, {
        idempotencyKey: facts.idempotencyKey,
      });
      if (existing) return { existing };
      if (!data || !consentShown) return { existing: null, refused: true as const };
      return {
        existing: null,
        refused: false as const,
        plan: await this.plans.currentIn(em, data.planCode),
        documents: await this.documents.currentAllIn(em, ctx),
        // A first acceptance's subscription key, looked up here rather than in a
        // transaction of its own.
        subscription: data.customerToken
          ? undefined
          : {
              subscription: await em.findOneBy(SubscriptionEntity, {
                idempotencyKey: subscriptionKeyOf(facts.idempotencyKey),
              }),
            },
      };
    });
    if (loaded.existing) return this.existingResponse(ctx, loaded.existing);
    if (!data) throw invalid;
    if (loaded.refused !== false) {
      throw AftaleError.field(
        'consentText',
        'is not the consent text the vendor shows; reload the page',
      );
    }
    const now = new Date();
    const { plan, version: planVersion } = loaded.plan;
    if (plan.archived)
      throw AftaleError.field('planCode', `the plan "${data.planCode}" is no longer sold`);
    // Each document's HTML is hashed once, for the evidence and for its stored copy.
    const rendered = this.renderWith(loaded.documents, data, planVersion.definition.name, now).map(
      (r) => ({
        ...r,
        htmlSha256: sha256Hex(r.html),
      }),
    );
    const current = rendered.map((r) => r.version.id).sort();
    if (canonicalize([...data.documentVersionIds].sort()) !== canonicalize(current)) {
      throw new AftaleError(
        'CONFLICT',
        'The vendor has published a new version of its documents; reload and read them again.',
        [{ field: 'documentVersionIds', message: 'not the current versions' }],
      );
    }

    // Re-acceptance continues the customer's subscription; a first acceptance starts one.
    const previous = data.customerToken
      ? await this.verifyToken(ctx, data.customerToken).catch(() => null)
      : null;
    if (data.customerToken && !previous)
      throw AftaleError.field('customerToken', 'is not the token of an acceptance of this vendor');
    // The subscription is prepared first (priced; with Stripe, created there under keys
    // derived from ours) and written in the acceptance's own transaction below: a crash
    // leaves neither or both, and a retry with the same key finishes the job.
    const prepared = previous?.subscriptionId
      ? { existing: await this.subscriptions.get(ctx, previous.subscriptionId) }
      : await this.subscriptions.prepare(
          ctx,
          {
            planCode: data.planCode,
            users: data.users,
            period: data.period,
            idempotencyKey: subscriptionKeyOf(facts.idempotencyKey),
            customer: {
              companyName: data.company.name,
              cvr: data.company.cvr,
              email: data.company.contactEmail,
            },
          },
          now,
          loaded.plan,
          loaded.subscription,
        );
    const subscription = prepared.existing ?? prepared.draft;

    const evidence = {
      schema: 'aftale.evidence/v1',
      tenantId: ctx.tenantId,
      source,
      idempotencyKey: facts.idempotencyKey,
      reacceptanceOf: previous?.id ?? null,
      serverTime: now.toISOString(),
      clientTime: data.clientTime ?? null,
      locale,
      company: data.company,
      signer: { name: data.company.contactName, email: data.company.contactEmail },
      custom: data.custom ?? {},
      plan: {
        code: data.planCode,
        versionId: planVersion.id,
        version: planVersion.version,
        users: data.users,
        period: data.period,
      },
      quote: subscription.quote,
      consent: { text: data.consentText, sha256: sha256Hex(data.consentText) },
      // `file` + `sha256` is how a proof bundle ties each shipped document to this record.
      documents: rendered.map((r) => ({
        kind: r.document.kind,
        file: `${r.document.kind}.html`,
        sha256: r.htmlSha256,
        versionId: r.version.id,
        version: r.version.version,
        templateSha256: r.version.contentHash,
      })),
      request: {
        ip: facts.ip,
        ipSource: facts.ipSource,
        userAgent: facts.userAgent.slice(0, 1000),
        origin: facts.origin,
        pageUrl: data.pageUrl ?? null,
        widgetVersion: data.widgetVersion ?? null,
      },
      billing: {
        subscriptionId: subscription.id,
        provider: subscription.provider,
        providerRef: subscription.providerSubscriptionRef,
      },
    };
    const evidenceJson = canonicalize(evidence);

    try {
      const { saved, written } = await this.db.inTenant(ctx, async (em) => {
        const written = prepared.existing
          ? null
          : await this.subscriptions.insert(em, ctx, prepared.draft, actor);
        const row = await em.save(
          em.create(AcceptanceEntity, {
            tenantId: ctx.tenantId,
            idempotencyKey: facts.idempotencyKey,
            subscriptionId: subscription.id,
            planVersionId: planVersion.id,
            company: data.company,
            companyCvr: data.company.cvr,
            evidence: evidence as unknown as Record<string, unknown>,
            evidenceJson,
            evidenceSha256: sha256Hex(evidenceJson),
            source,
          }),
        );
        // Every shown document in one statement.
        await em.insert(
          AcceptanceDocumentEntity,
          rendered.map((r) => ({
            acceptanceId: row.id,
            tenantId: ctx.tenantId,
            kind: r.document.kind,
            versionId: r.version.id,
            html: r.html,
            htmlSha256: r.htmlSha256,
          })),
        );
        // Same transaction: the acceptance is never committed without its sequencing job.
        await enqueueJob(em, ctx, {
          queue: EVIDENCE_SEQUENCE_QUEUE,
          singletonKey: ctx.tenantId,
          maxAttempts: 10,
        });
        // The signer's own copy (PDF by e-mail, with its durable link).
        await enqueueJob(em, ctx, {
          queue: CUSTOMER_COPY_QUEUE,
          payload: { acceptanceId: row.id },
          maxAttempts: 6,
        });
        await this.webhooks?.emit(em, ctx, 'acceptance.created', {
          acceptanceId: row.id,
          subscriptionId: subscription.id,
          companyCvr: data.company.cvr,
          planCode: data.planCode,
          evidenceSha256: row.evidenceSha256,
        });
        await this.audit.record(em, ctx, actor, {
          action: 'acceptance.created',
          targetType: 'acceptance',
          targetId: row.id,
          details: { planCode: data.planCode, source },
        });
        return { saved: row, written };
      });
      return this.response(saved, written ?? prepared.existing!);
    } catch (error) {
      if (pgErrorCode(error) === PG_UNIQUE_VIOLATION) {
        const winner = await this.byKey(ctx, facts.idempotencyKey);
        if (winner) return winner; // a concurrent retry with the same key got there first
      }
      throw error;
    }
  }

  /**
   * Re-acceptance: from the token of a customer's last acceptance, what it accepted, what is
   * current now, and which documents changed, with its company details to prefill.
   */
  async reacceptance(
    ctx: TenantContext,
    token: string,
  ): Promise<{
    previousAcceptanceId: string;
    company: Record<string, string>;
    planCode: string;
    changed: Array<{
      kind: string;
      acceptedVersion: number | null;
      currentVersion: number;
      currentVersionId: string;
    }>;
  }> {
    const previous = await this.verifyToken(ctx, token);
    const evidence = previous.evidence as {
      plan: { code: string };
      documents: Array<{ kind: string; versionId: string; version: number | null }>;
    };
    const current = await this.currentDocuments(ctx);
    const changed = current
      .map(({ document, version }) => {
        const accepted = evidence.documents.find((d) => d.kind === document.kind);
        return accepted?.versionId === version.id
          ? null
          : {
              kind: document.kind,
              acceptedVersion: accepted?.version ?? null,
              currentVersion: version.version ?? 0,
              currentVersionId: version.id,
            };
      })
      .filter((c): c is NonNullable<typeof c> => c !== null);
    return {
      previousAcceptanceId: previous.id,
      company: previous.company,
      planCode: evidence.plan.code,
      changed,
    };
  }

  /** For the vendor's backend: is this token ours, for this tenant, and what was accepted? */
  async verifyToken(ctx: TenantContext, token: string): Promise<AcceptanceEntity> {
    const read = readAcceptanceToken(this.tokenSecret, token);
    if (!read || read.tenantId !== ctx.tenantId) {
      throw new AftaleError('NOT_FOUND', 'The acceptance token is not valid for this tenant.', [
        { field: 'token', message: 'invalid or foreign' },
      ]);
    }
    return this.get(ctx, read.acceptanceId);
  }

  async get(ctx: TenantContext, id: string): Promise<AcceptanceEntity> {
    if (!isUuid(id)) throw AftaleError.field('id', 'must be an acceptance id (a UUID)');
    const row = await this.db.inTenant(ctx, (em) => em.findOneBy(AcceptanceEntity, { id }));
    if (!row) throw new AftaleError('NOT_FOUND', `No acceptance with id ${id}`);
    return row;
  }

  /**
   * Keyset pagination, newest first, with filters. The cursor is opaque: base64url of
   * "<created_at ISO>|<id>" of the last row returned.
   */
  async page(
    ctx: TenantContext,
    options: {
      first?: number;
      after?: string;
      from?: Date;
      to?: Date;
      cvr?: string;
      planCode?: string;
      documentVersionId?: string;
    },
  ): Promise<{ rows: AcceptanceEntity[]; endCursor: string | null; hasNextPage: boolean }> {
    const first = options.first ?? 50;
    if (!Number.isInteger(first) || first < 1 || first > 200)
      throw AftaleError.field('first', 'must be 1-200');
    let cursor: { at: string; id: string } | null = null;
    if (options.after) {
      const [at, id] = Buffer.from(options.after, 'base64url').toString('utf8').split('|');
      if (!at || !id || Number.isNaN(Date.parse(at)) || !isUuid(id))
        throw AftaleError.field('after', 'is not a cursor from this API');
      cursor = { at, id };
    }
    return this.db.inTenant(ctx, async (em) => {
      const qb = em
        .createQueryBuilder(AcceptanceEntity, 'a')
        .orderBy('a.created_at', 'DESC')
        .addOrderBy('a.id', 'DESC')
        .take(first + 1);
      if (cursor) qb.andWhere('(a.created_at, a.id) < (:at::timestamptz, :id::uuid)', cursor);
      if (options.from) qb.andWhere('a.created_at >= :from', { from: options.from });
      if (options.to) qb.andWhere('a.created_at < :to', { to: options.to });
      if (options.cvr) qb.andWhere('a.company_cvr = :cvr', { cvr: options.cvr });
      if (options.planCode)
        qb.andWhere(`a.evidence -> 'plan' ->> 'code' = :plan`, { plan: options.planCode });
      if (options.documentVersionId) {
        qb.andWhere(
          'EXISTS (SELECT 1 FROM acceptance_documents d WHERE d.acceptance_id = a.id AND d.version_id = :dv)',
          { dv: options.documentVersionId },
        );
      }
      // The cursor keeps PostgreSQL's microseconds: a JS Date (milliseconds) would skip
      // every row made later in the same millisecond as the last one on a page.
      qb.addSelect(
        `to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
        'cursor_at',
      );
      const { entities: rows, raw } = await qb.getRawAndEntities<{
        a_id: string;
        cursor_at: string;
      }>();
      const hasNextPage = rows.length > first;
      const page = rows.slice(0, first);
      const last = page[page.length - 1];
      const lastAt = last && raw.find((r) => r.a_id === last.id)?.cursor_at;
      return {
        rows: page,
        hasNextPage,
        endCursor:
          last && lastAt ? Buffer.from(`${lastAt}|${last.id}`).toString('base64url') : null,
      };
    });
  }

  /**
   * One batch of an export, oldest first after a (created_at, id) keyset position. Raw rows
   * and only the columns an export writes: the sealed evidence JSON goes out verbatim, so no
   * jsonb is parsed or entity built per row (100,000 rows take seconds, not minutes).
   */
  async exportBatch(
    ctx: TenantContext,
    options: { after?: ExportPosition; from?: Date; to?: Date; limit: number },
  ): Promise<ExportRow[]> {
    // Only the conditions in use, so every batch is an index range scan, not a sort.
    const params: unknown[] = [];
    const where: string[] = [];
    if (options.after) {
      params.push(options.after.at, options.after.id);
      where.push('(created_at, id) > ($1::timestamptz, $2::uuid)');
    }
    if (options.from) where.push(`created_at >= $${params.push(options.from)}`);
    if (options.to) where.push(`created_at < $${params.push(options.to)}`);
    params.push(options.limit);
    const rows: Array<Omit<ExportRow, 'position'> & { position_at: string }> =
      await this.db.inTenant(ctx, (em) =>
        em.query(
          `SELECT id, created_at AS "createdAt", source, company_cvr AS "companyCvr", company,
                  evidence_json AS "evidenceJson", evidence_sha256 AS "evidenceSha256",
                  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS position_at
             FROM acceptances ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
            ORDER BY created_at, id
            LIMIT $${params.length}`,
          params,
        ),
      );
    return rows.map(({ position_at, ...row }) => ({
      ...row,
      position: { at: position_at, id: row.id },
    }));
  }

  /** Per customer (CVR): has its latest acceptance the current DPA and terms? */
  async customerStatus(ctx: TenantContext): Promise<
    Array<{
      cvr: string;
      companyName: string;
      lastAcceptanceId: string;
      lastAcceptedAt: Date;
      acceptedCurrent: boolean;
    }>
  > {
    const current = (await this.currentDocuments(ctx)).map((c) => c.version.id).sort();
    const rows: Array<{
      id: string;
      company_cvr: string;
      company: Record<string, string>;
      created_at: Date;
      versions: string[];
    }> = await this.db.inTenant(ctx, (em) =>
      em.query(`
          SELECT DISTINCT ON (a.company_cvr) a.id, a.company_cvr, a.company, a.created_at,
                 ARRAY(SELECT d.version_id::text FROM acceptance_documents d WHERE d.acceptance_id = a.id ORDER BY 1) AS versions
            FROM acceptances a ORDER BY a.company_cvr, a.created_at DESC, a.id DESC`),
    );
    return rows.map((r) => ({
      cvr: r.company_cvr,
      companyName: r.company['name'] ?? '',
      lastAcceptanceId: r.id,
      lastAcceptedAt: r.created_at,
      acceptedCurrent: canonicalize([...r.versions].sort()) === canonicalize(current),
    }));
  }

  async list(ctx: TenantContext, limit = 50): Promise<AcceptanceEntity[]> {
    return this.db.inTenant(ctx, (em) =>
      em.find(AcceptanceEntity, {
        order: { createdAt: 'DESC' },
        take: Math.min(Math.max(limit, 1), 200),
      }),
    );
  }

  async documentsOf(ctx: TenantContext, id: string): Promise<AcceptanceDocumentEntity[]> {
    return this.db.inTenant(ctx, (em) =>
      em.find(AcceptanceDocumentEntity, { where: { acceptanceId: id }, order: { kind: 'ASC' } }),
    );
  }

  private async byKey(ctx: TenantContext, key: string): Promise<WidgetAcceptanceResponse | null> {
    const row = await this.db.inTenant(ctx, (em) =>
      em.findOneBy(AcceptanceEntity, { idempotencyKey: key }),
    );
    return row ? this.existingResponse(ctx, row) : null;
  }

  /** The answer for an acceptance already recorded (a retried or doubled submit). */
  private async existingResponse(
    ctx: TenantContext,
    row: AcceptanceEntity,
  ): Promise<WidgetAcceptanceResponse> {
    const subscription = row.subscriptionId
      ? await this.subscriptions.get(ctx, row.subscriptionId)
      : null;
    return this.response(row, subscription);
  }

  private response(
    row: AcceptanceEntity,
    subscription: { id: string; status: string; trialEndsAt: Date | null } | null,
  ): WidgetAcceptanceResponse {
    return {
      acceptanceId: row.id,
      token: signAcceptanceToken(this.tokenSecret, row.id, row.tenantId, row.createdAt.getTime()),
      subscription: subscription
        ? {
            id: subscription.id,
            status: subscription.status,
            trialEndsAt: subscription.trialEndsAt?.toISOString() ?? null,
          }
        : { id: '', status: 'none', trialEndsAt: null },
    };
  }

  private async currentDocuments(
    ctx: TenantContext,
  ): Promise<Array<{ document: DocumentEntity; version: DocumentVersionEntity }>> {
    return (await this.documents.currentAll(ctx)).current;
  }

  /** The document values for what the customer typed (used for the widget's PDF copy). */
  async valuesFor(ctx: TenantContext, input: unknown, now = new Date()): Promise<DocumentValues> {
    const data = parseInput(previewSchema, input, '');
    const { version } = await this.plans.current(ctx, data.planCode);
    return this.buildValues(data, version.definition.name, now);
  }

  private buildValues(
    data: z.output<typeof previewSchema>,
    planName: string,
    now: Date,
  ): DocumentValues {
    return {
      client: {
        name: data.company.name,
        address: data.company.address,
        zipCity: `${data.company.postalCode} ${data.company.city}`,
        cvr: data.company.cvr,
        contact: data.company.contactName,
        contactEmail: data.company.contactEmail,
      },
      plan: { name: planName },
      acceptance: { date: now.toISOString().slice(0, 10) },
      custom: data.custom ?? {},
    };
  }

  /** Renders the current DPA and terms for what the customer typed: one read, no re-fetching. */
  private async renderAll(
    ctx: TenantContext,
    data: z.output<typeof previewSchema>,
    planName: string,
    now: Date,
  ): Promise<Array<{ document: DocumentEntity; version: DocumentVersionEntity; html: string }>> {
    return this.renderWith(await this.documents.currentAll(ctx), data, planName, now);
  }

  /** Renders documents already loaded (with the vendor) for what the customer typed. */
  private renderWith(
    { tenant, current }: Awaited<ReturnType<DocumentService['currentAll']>>,
    data: z.output<typeof previewSchema>,
    planName: string,
    now: Date,
  ): Array<{ document: DocumentEntity; version: DocumentVersionEntity; html: string }> {
    if (!current.some((c) => c.document.kind === 'dpa')) {
      throw new AftaleError(
        'NOT_FOUND',
        'The vendor has not published a data processing agreement yet.',
      );
    }
    const values = this.buildValues(data, planName, now);
    return current.map((c) => ({
      ...c,
      html: this.documents.renderLoaded(c.version, tenant, values, data.locale ?? 'da').html,
    }));
  }
}
