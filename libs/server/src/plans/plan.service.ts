import type { EntityManager } from 'typeorm';
import { AftaleError } from '@aftale/domain';
import { parsePlan, quote, type PlanDefinition, type Quote } from '@aftale/pricing';
import { PlanEntity, PlanVersionEntity } from '../database/entities/billing.entities';
import {
  PG_UNIQUE_VIOLATION,
  pgErrorCode,
  type Database,
  type TenantContext,
} from '../tenancy/database';
import type { Actor, AuditService } from '../audit/audit.service';

export interface PlanWithVersion {
  plan: PlanEntity;
  version: PlanVersionEntity;
}

/** A vendor's plan catalog. Versions are immutable once a subscription uses them. */
export class PlanService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditService,
  ) {}

  async create(ctx: TenantContext, input: unknown, actor: Actor): Promise<PlanWithVersion> {
    const definition = parsePlan(input);
    try {
      return await this.db.inTenant(ctx, (em) => this.createIn(em, ctx, definition, actor));
    } catch (error) {
      if (pgErrorCode(error) === PG_UNIQUE_VIOLATION) {
        throw new AftaleError('CONFLICT', `A plan with code "${definition.code}" exists already.`, [
          {
            field: 'input.code',
            message: 'already used',
            hint: 'update that plan instead, or choose another code',
          },
        ]);
      }
      throw error;
    }
  }

  async createIn(
    em: EntityManager,
    ctx: TenantContext,
    definition: PlanDefinition,
    actor: Actor,
  ): Promise<PlanWithVersion> {
    const plan = await em.save(
      em.create(PlanEntity, {
        tenantId: ctx.tenantId,
        code: definition.code,
        archived: definition.archived,
        currentVersion: 1,
        updatedAt: new Date(),
      }),
    );
    const version = await em.save(
      em.create(PlanVersionEntity, {
        tenantId: ctx.tenantId,
        planId: plan.id,
        version: 1,
        definition,
        inUse: false,
        provider: null,
        providerProductRef: null,
        providerPriceRefs: {},
      }),
    );
    await this.audit.record(em, ctx, actor, {
      action: 'plan.created',
      targetType: 'plan',
      targetId: plan.id,
      details: { code: definition.code, version: 1 },
    });
    return { plan, version };
  }

  /**
   * Changes a plan. A version in use is never touched: the change becomes a new version,
   * and existing subscriptions keep theirs.
   */
  async update(
    ctx: TenantContext,
    code: string,
    input: unknown,
    actor: Actor,
  ): Promise<PlanWithVersion> {
    const definition = parsePlan({ ...(input as object), code });
    return this.db.inTenant(ctx, async (em) => {
      const current = await this.currentIn(em, code);
      let version = current.version;
      if (version.inUse) {
        version = await em.save(
          em.create(PlanVersionEntity, {
            tenantId: ctx.tenantId,
            planId: current.plan.id,
            version: current.plan.currentVersion + 1,
            definition,
            inUse: false,
            provider: null,
            providerProductRef: null,
            providerPriceRefs: {},
          }),
        );
      } else {
        await em.update(
          PlanVersionEntity,
          { id: version.id },
          { definition, provider: null, providerProductRef: null, providerPriceRefs: {} },
        );
        version = await em.findOneByOrFail(PlanVersionEntity, { id: version.id });
      }
      await em.update(
        PlanEntity,
        { id: current.plan.id },
        { currentVersion: version.version, archived: definition.archived, updatedAt: new Date() },
      );
      await this.audit.record(em, ctx, actor, {
        action: 'plan.updated',
        targetType: 'plan',
        targetId: current.plan.id,
        details: { code, version: version.version, newVersion: version.id !== current.version.id },
      });
      return { plan: await em.findOneByOrFail(PlanEntity, { id: current.plan.id }), version };
    });
  }

  async archive(ctx: TenantContext, code: string, actor: Actor): Promise<PlanWithVersion> {
    return this.db.inTenant(ctx, async (em) => {
      const current = await this.currentIn(em, code);
      await em.update(
        PlanEntity,
        { id: current.plan.id },
        { archived: true, updatedAt: new Date() },
      );
      await this.audit.record(em, ctx, actor, {
        action: 'plan.archived',
        targetType: 'plan',
        targetId: current.plan.id,
        details: { code },
      });
      return {
        plan: await em.findOneByOrFail(PlanEntity, { id: current.plan.id }),
        version: current.version,
      };
    });
  }

  async list(ctx: TenantContext, includeArchived = false): Promise<PlanWithVersion[]> {
    return this.db.inTenant(ctx, async (em) => {
      const plans = await em.find(PlanEntity, {
        where: includeArchived ? {} : { archived: false },
        order: { code: 'ASC' },
      });
      if (plans.length === 0) return [];
      // One query for every current version, not one per plan.
      const versions = await em
        .createQueryBuilder(PlanVersionEntity, 'v')
        .innerJoin(PlanEntity, 'p', 'p.id = v.plan_id AND p.current_version = v.version')
        .where('v.plan_id IN (:...ids)', { ids: plans.map((p) => p.id) })
        .getMany();
      const byPlan = new Map(versions.map((v) => [v.planId, v]));
      return plans.map((plan) => ({ plan, version: byPlan.get(plan.id)! }));
    });
  }

  async current(ctx: TenantContext, code: string): Promise<PlanWithVersion> {
    return this.db.inTenant(ctx, (em) => this.currentIn(em, code));
  }

  async currentIn(em: EntityManager, code: string, field = 'planCode'): Promise<PlanWithVersion> {
    const plan = await em.findOneBy(PlanEntity, { code });
    if (!plan)
      throw new AftaleError('NOT_FOUND', `No plan with code "${code}"`, [
        { field, message: 'unknown plan code' },
      ]);
    const version = await em.findOneByOrFail(PlanVersionEntity, {
      planId: plan.id,
      version: plan.currentVersion,
    });
    return { plan, version };
  }

  async quote(
    ctx: TenantContext,
    code: string,
    users: number,
    period: string,
    startDate?: Date,
  ): Promise<Quote> {
    const { version } = await this.current(ctx, code);
    return quote(version.definition, users, period as never, startDate ? { startDate } : {});
  }
}
