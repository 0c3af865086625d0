import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { GraphQLModule, GraphQLSchemaHost } from '@nestjs/graphql';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import depthLimit from 'graphql-depth-limit';
import type { GraphQLSchema } from 'graphql';
import {
  ApiKeyService,
  AuditService,
  Database,
  RateLimiter,
  TenantService,
  PlanService,
  SubscriptionService,
  DocumentService,
  AcceptanceService,
  EvidenceLogService,
  ProofBundleService,
  WebhookService,
  type AppConfig,
  type Billing,
  type Logger,
  type Services,
} from '@aftale/server';
import { ApiAuthGuard } from './common/auth.guard';
import { GraphQLPassthroughFilter } from './common/passthrough.filter';
import { createFormatError } from './common/graphql-errors';
import { costLimitPlugin } from './common/cost-limit.plugin';
import { APP_CONFIG, BILLING, LOGGER } from './common/tokens';
import { HealthController } from './health/health.controller';
import { FEATURE_MODULES } from './schema/resolvers';

export interface ApiModuleOptions {
  config: AppConfig;
  services: Services;
  logger: Logger;
  billing: Billing;
}

@Module({})
export class ServicesModule {
  static forRoot({ config, services, logger, billing }: ApiModuleOptions): DynamicModule {
    // Plain domain/data services from libs/server, handed to Nest as values.
    const providers = [
      { provide: APP_CONFIG, useValue: config },
      { provide: LOGGER, useValue: logger },
      { provide: BILLING, useValue: billing },
      { provide: Database, useValue: services.db },
      { provide: TenantService, useValue: services.tenants },
      { provide: ApiKeyService, useValue: services.apiKeys },
      { provide: AuditService, useValue: services.audit },
      { provide: RateLimiter, useValue: services.rateLimiter },
      { provide: PlanService, useValue: services.plans },
      { provide: SubscriptionService, useValue: services.subscriptions },
      { provide: DocumentService, useValue: services.documents },
      { provide: AcceptanceService, useValue: services.acceptances },
      { provide: EvidenceLogService, useValue: services.evidenceLog },
      { provide: ProofBundleService, useValue: services.proofBundles },
      { provide: WebhookService, useValue: services.webhooks },
    ];
    return {
      module: ServicesModule,
      global: true,
      providers,
      exports: providers.map((p) => p.provide),
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(options: ApiModuleOptions): DynamicModule {
    let schema: GraphQLSchema | undefined;
    return {
      module: AppModule,
      imports: [
        ServicesModule.forRoot(options),
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          inject: [GraphQLSchemaHost],
          useFactory: (host: GraphQLSchemaHost) => ({
            autoSchemaFile: true,
            sortSchema: true,
            path: '/graphql',
            introspection: options.config.graphql.introspection,
            allowBatchedHttpRequests: false,
            includeStacktraceInErrorResponses: false,
            playground: false,
            graphiql: false,
            csrfPrevention: true,
            context: ({ req, request }: { req?: unknown; request?: unknown }) => ({
              req: request ?? req,
            }),
            validationRules: [depthLimit(options.config.graphql.maxDepth)],
            plugins: [
              costLimitPlugin(options.config.graphql.maxCost, () => (schema ??= host.schema)),
            ],
            formatError: createFormatError(options.logger),
          }),
        }),
        ...FEATURE_MODULES,
      ],
      controllers: [HealthController],
      providers: [
        { provide: APP_GUARD, useClass: ApiAuthGuard },
        { provide: APP_FILTER, useClass: GraphQLPassthroughFilter },
      ],
    };
  }
}
