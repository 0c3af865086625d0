import { TenantModule } from '../modules/tenant/tenant.module';
import { TenantResolver } from '../modules/tenant/tenant.resolver';
import { ApiKeyModule } from '../modules/api-key/api-key.module';
import { ApiKeyResolver } from '../modules/api-key/api-key.resolver';
import { AuditModule } from '../modules/audit/audit.module';
import { AuditResolver } from '../modules/audit/audit.resolver';
import { WidgetModule } from '../modules/widget/widget.module';
import { WidgetResolver } from '../modules/widget/widget.resolver';
import { BillingModule } from '../modules/billing/billing.module';
import { DocumentModule } from '../modules/document/document.module';
import { PublicWidgetModule } from '../modules/public-widget/public-widget.module';
import { AcceptanceModule } from '../modules/acceptance/acceptance.module';
import { AcceptanceResolver } from '../modules/acceptance/acceptance.resolver';
import { EvidenceModule } from '../modules/evidence/evidence.module';
import { EvidenceResolver } from '../modules/evidence/evidence.resolver';
import { ProofBundleResolver } from '../modules/evidence/proof-bundle.resolver';
import { WebhookModule } from '../modules/webhook/webhook.module';
import { WebhookResolver } from '../modules/webhook/webhook.resolver';
import { DocumentResolver } from '../modules/document/document.resolver';
import { PlanResolver } from '../modules/billing/plan.resolver';
import { SubscriptionResolver } from '../modules/billing/subscription.resolver';

/** One list of the API's features, used by the app and by the schema generator. */
export const FEATURE_MODULES = [
  TenantModule,
  ApiKeyModule,
  AuditModule,
  WidgetModule,
  BillingModule,
  DocumentModule,
  PublicWidgetModule,
  AcceptanceModule,
  EvidenceModule,
  WebhookModule,
];
export const RESOLVERS = [
  TenantResolver,
  ApiKeyResolver,
  AuditResolver,
  WidgetResolver,
  PlanResolver,
  SubscriptionResolver,
  DocumentResolver,
  AcceptanceResolver,
  EvidenceResolver,
  ProofBundleResolver,
  WebhookResolver,
];
